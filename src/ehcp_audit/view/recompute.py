"""Recomputing dirty children, a chunk at a time, each chunk in one transaction: only the
groups whose facts changed are judged and rewritten. Big backlogs go to helper processes
(evaluator.Helpers); a middling chunk is split with a forked copy of this process."""

from __future__ import annotations

import os
from collections.abc import Collection
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

import duckdb

from ehcp_audit.rules.compliance import PHASE_TRANSFER
from ehcp_audit.rules.facts import TRANSFERS
from ehcp_audit.view.evaluator import Evaluation, Helpers, evaluate_rows, forked, helper_count
from ehcp_audit.view.kept_answers import KeptDays
from ehcp_audit.view.row_tuples import (
    BASE_COLUMNS,
    BASE_ENTRY_FIELDS,
    Key,
    base_entries_by_child,
    cycle_texts,
)
from ehcp_audit.view.sql_files import sql_text
from ehcp_audit.view.staging import insert, tracked_position, transaction
from ehcp_audit.view.voided_entries import VOIDED_COLUMNS, VoidedRow, voided_rows

if TYPE_CHECKING:
    import pyarrow as pa

    from ehcp_audit.view.projector import StageProgress

CHILDREN_PER_CHUNK = 2_000
# Fewer dirty children than this are judged here: each chunk costs the projector two scans of
# the view, so a daily catch-up of a few thousand children is quicker in one process.
PARALLEL_FROM_CHILDREN = 6_000
# From this many, a chunk judged here is split with a forked copy of this process, which takes
# this percentage of it.
FORK_FROM_CHILDREN = 400
FORKED_SHARE = 55
CHILDREN_COLUMNS = ("child_id", "last_on")
INPUT_COLUMNS = ("child_id", "cycle", "digest")

Rows = list[tuple[Any, ...]]
# Some children's stored digests of their groups' facts, by (child, group), and their stored
# (child, last date) rows.
Stored = tuple[dict[Key, str], Rows]
IN_CHUNK = "child_id IN (SELECT unnest(CAST(? AS VARCHAR[])))"


class Recompute:
    """The projector's part that judges dirty children again (see projector.Projector)."""

    con: duckdb.DuckDBPyConnection
    pinned_days: tuple[date, ...] = ()

    def recompute_dirty(
        self, progress: StageProgress | None = None, started: Helpers | None = None
    ) -> int:
        """Judge the dirty children again. `started`: helpers started ahead (warm_helpers),
        used if the children are many enough for helpers; the caller closes them."""
        dirty = [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT child_id FROM dirty ORDER BY child_id"
            ).fetchall()
        ]
        helpers = helper_count() if len(dirty) >= PARALLEL_FROM_CHILDREN else 0
        # Chunks small enough that every helper gets a few, large enough to pay their way.
        size = CHILDREN_PER_CHUNK
        if helpers >= 2:
            size = max(100, min(size, -(-len(dirty) // (2 * helpers))))
        chunks = [dirty[i : i + size] for i in range(0, len(dirty), size)]
        if helpers < 2:
            fork = len(dirty) >= FORK_FROM_CHILDREN and hasattr(os, "fork") and helper_count() > 1
            for chunk in chunks:
                if fork and len(chunk) >= FORK_FROM_CHILDREN:
                    self._recompute_split(chunk)
                else:
                    stored = self._stored(chunk)
                    judged = _judged(self._entry_rows(chunk), stored)
                    changes = _changes(judged, stored, chunk)
                    self._write_changes(chunk, changes, self._voided(chunk))
                if progress is not None:
                    progress("computed", len(chunk))
            return len(dirty)
        pool = started if started is not None else Helpers(helpers, self._days_judged_ahead())
        kept = KeptDays(pool.days)
        with pool:
            for chunk, (base, children, inputs, *as_of_days) in pool.map(
                (c, self._entries_of(c)) for c in chunks
            ):
                self._replace_rows(chunk, base, children, inputs, self._voided(chunk))
                kept.add(as_of_days)
                if progress is not None:
                    progress("computed", len(chunk))
        kept.keep(self.con, tracked_position(self.con))
        return len(dirty)

    def warm_helpers(self) -> Helpers | None:
        """Helpers started before a big backlog is read (a rebuild): they load their modules
        on the core the read leaves idle, not when the judging starts."""
        count = helper_count()
        return Helpers(count, self._days_judged_ahead()) if count >= 2 else None

    def _days_judged_ahead(self) -> tuple[date, ...]:
        """Built from nothing (a rebuild, or a view's first catch-up): the helpers also judge
        the days the view keeps answers for from the start (bootstrap.pinned_days: DfE's year
        ends), on the entries they already hold."""
        return self.pinned_days if self._empty("base_rows") else ()

    def _empty(self, table: str) -> bool:
        return not self.con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall()

    def _entries_query(self) -> str:
        return (
            f"SELECT {BASE_ENTRY_FIELDS} FROM entries WHERE {IN_CHUNK} ORDER BY child_id, version"
        )

    def _entries_of(self, chunk: list[str]) -> pa.Table:
        """The chunk's entry rows as an Arrow table (what helpers are sent)."""
        return self.con.sql(self._entries_query(), params=[chunk]).to_arrow_table()

    def _entry_rows(self, chunk: list[str]) -> list[tuple[Any, ...]]:
        return self.con.execute(self._entries_query(), [chunk]).fetchall()

    def _voided(self, chunk: list[str]) -> list[VoidedRow]:
        """The entries a void cancels among the chunk's: only its children with a void have any."""
        rows = self.con.execute(
            f"SELECT {BASE_ENTRY_FIELDS} FROM entries WHERE child_id IN "
            f"(SELECT child_id FROM entries WHERE action = 'void' AND {IN_CHUNK}) "
            "ORDER BY child_id, version",
            [chunk],
        ).fetchall()
        return voided_rows(base_entries_by_child(rows))

    def _recompute_split(self, chunk: list[str]) -> None:
        """Judge the chunk, part of it in a forked copy of this process, and write it. The
        stored digests and the copy's entries are read first (it never touches DuckDB); then,
        while it judges, this process reads and judges its own part."""
        cut = len(chunk) * FORKED_SHARE // 100
        theirs, mine = chunk[:cut], chunk[cut:]
        stored = self._stored(chunk)
        their_rows = self._entry_rows(theirs)
        there, here = forked(
            partial(_judged, their_rows, stored),
            lambda: _judged(self._entry_rows(mine), stored),
        )
        both = Evaluation(
            there.base + here.base, there.inputs + here.inputs, there.last_on + here.last_on
        )
        self._write_changes(chunk, _changes(both, stored, chunk), self._voided(chunk))

    def _stored(self, chunk: list[str]) -> Stored:
        """These children's stored digests of their groups' facts, and their stored last
        dates: what a new judgement is compared with."""
        con = self.con
        digests = con.execute(
            f"SELECT child_id, cycle, digest FROM cycle_inputs WHERE {IN_CHUNK}", [chunk]
        ).fetchall()
        last_on = con.execute(
            f"SELECT child_id, last_on FROM children WHERE {IN_CHUNK}", [chunk]
        ).fetchall()
        return {(c, k): d for c, k, d in digests}, last_on

    def _write_changes(
        self, chunk: list[str], changes: Changes, voided: list[VoidedRow]
    ) -> None:
        """The changed groups' base rows and digests, the changed last dates and the chunk's
        voided entries replace the stored ones, and the chunk is no longer dirty: one
        transaction."""
        with transaction(self.con) as con:
            _replace_voided(con, chunk, voided)
            if changes.groups:
                children, groups = (list(c) for c in zip(*changes.groups, strict=True))
                con.execute(
                    sql_text("delete_groups"),
                    {
                        "children": children,
                        "groups": groups,
                        "transfer": PHASE_TRANSFER,
                        "transfers": TRANSFERS,
                    },
                )
                con.execute(
                    "DELETE FROM cycle_inputs USING (SELECT unnest(CAST(? AS VARCHAR[])) AS "
                    "child_id, unnest(CAST(? AS INTEGER[])) AS cycle) AS gone WHERE "
                    "cycle_inputs.child_id = gone.child_id AND cycle_inputs.cycle = gone.cycle",
                    [children, groups],
                )
                if changes.base:
                    children, cycles, texts = (list(c) for c in zip(*changes.base, strict=True))
                    con.execute(
                        sql_text("insert_cycle_texts").format(rows=sql_text("cycle_text_rows")),
                        {"children": children, "cycles": cycles, "texts": texts},
                    )
                insert(con, "cycle_inputs", INPUT_COLUMNS, changes.inputs)
            if changes.children:
                con.execute(f"DELETE FROM children WHERE {IN_CHUNK}", [list(changes.children)])
                insert(con, "children", CHILDREN_COLUMNS, changes.last_on)
            con.execute(f"DELETE FROM dirty WHERE {IN_CHUNK}", [chunk])

    def _replace_rows(
        self,
        chunk: list[str],
        base: pa.Table,
        children: pa.Table,
        inputs: pa.Table,
        voided: list[VoidedRow],
    ) -> None:
        """All the chunk's base rows, last dates, digests and voided entries are replaced (a
        rebuild, or many children judged by helpers), and it is no longer dirty: one
        transaction."""
        with transaction(self.con) as con:
            _replace_voided(con, chunk, voided)
            for table, columns, rows in (
                ("base_rows", BASE_COLUMNS, base),
                ("children", CHILDREN_COLUMNS, children),
                ("cycle_inputs", INPUT_COLUMNS, inputs),
            ):
                con.execute(f"DELETE FROM {table} WHERE {IN_CHUNK}", [chunk])
                insert(con, table, columns, rows)
            con.execute(f"DELETE FROM dirty WHERE {IN_CHUNK}", [chunk])


class Changes(NamedTuple):
    """What a new judgement changes: the (child, group) pairs whose facts differ from the
    stored ones (or are new, or gone), with the new base rows of each as (child, cycle, text)
    and the new digests; and the children whose last date differs, with their new rows."""

    groups: set[Key]
    base: list[tuple[str, int, str]]
    inputs: list[tuple[str, int, str]]
    children: set[str]
    last_on: Rows


def _replace_voided(
    con: duckdb.DuckDBPyConnection, chunk: list[str], voided: list[VoidedRow]
) -> None:
    con.execute(f"DELETE FROM voided_entries WHERE {IN_CHUNK}", [chunk])
    insert(con, "voided_entries", VOIDED_COLUMNS, voided)


def _judged(entry_rows: Rows, stored: Stored) -> Evaluation:
    """Only the groups whose facts differ from the stored ones are judged. Pure Python (it
    runs in a forked copy of this process, too)."""
    return evaluate_rows(entry_rows, stored[0])


def _group(row: tuple[Any, ...]) -> Key:
    return (row[0], TRANSFERS if row[5] == PHASE_TRANSFER else row[1])


def _changes(judged: Evaluation, stored: Stored, chunk: Collection[str]) -> Changes:
    """Only what changed is rewritten: a day's new entries change a cycle or two of each child
    they touch, and every row deleted or added costs DuckDB a rewrite of its row group at the
    next checkpoint. Only the chunk's children are compared (their groups missing from the
    judgement are deleted)."""
    children = set(chunk)
    stored_digests, stored_children = stored
    before = {k: d for k, d in stored_digests.items() if k[0] in children}
    now = {(c, g): d for c, g, d in judged.inputs}
    groups = {k for k in before.keys() | now.keys() if before.get(k) != now.get(k)}
    texts = cycle_texts(r for r in judged.base if _group(r) in groups)
    changed = _changed([r for r in stored_children if r[0] in children], judged.last_on)
    return Changes(
        groups,
        [(*key, text) for key, text in texts.items()],
        [(c, g, d) for c, g, d in judged.inputs if (c, g) in groups],
        changed,
        [r for r in judged.last_on if r[0] in changed],
    )


def _changed(stored: Rows, computed: Rows) -> set[str]:
    """Children (first column) whose set of (child, last date) rows differs."""
    return {r[0] for r in set(stored) ^ set(computed)}
