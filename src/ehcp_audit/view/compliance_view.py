"""The compliance view: open the DuckDB file, keep it caught up, answer compliance as of a day."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import duckdb

from ehcp_audit.application import EhcpAudit
from ehcp_audit.errors import StoreError
from ehcp_audit.rules.compliance import PHASE_TRANSFER
from ehcp_audit.rules.facts import TRANSFERS
from ehcp_audit.view.evaluator import forked, helper_count, judge_children
from ehcp_audit.view.gc_tuning import bulk_work
from ehcp_audit.view.kept_answers import (
    KEEP_FROM_ROWS,
    KEPT_TABLES,
    keep,
    kept_position,
    stale_children,
)
from ehcp_audit.view.projector import ENTRY_FIELDS, Projector, StageProgress
from ehcp_audit.view.recompute import FORK_FROM_CHILDREN
from ehcp_audit.view.row_tuples import (
    BASE_ENTRY_FIELDS,
    base_entries_of_columns,
    cycle_texts,
    entries_by_child,
    entry_columns,
)
from ehcp_audit.view.sql_files import sql_text

if TYPE_CHECKING:
    import pandas as pd  # imported where answers are built: `project` never needs it
    import pyarrow as pa

    from ehcp_audit.store.check import Verdict, Verified

T = TypeVar("T")
# The percentage of a past day's children judged by a forked copy of this process (by child
# id): this process also reads its own part's entries after the fork (at 50%, 20,000 children
# six months back: 1.30 s in the copy, 1.43 s here).
FORKED_SHARE = 52
SLOW_CHUNK = 5_000
WAL_LIMIT = 4 * 2**20
# One process at a time holds the view's file; another waits this long for it (seconds).
WAIT_ENV = "EHCP_AUDIT_VIEW_WAIT"
DEFAULT_WAIT = 60.0



def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the view's file, waiting while another ehcp-audit command holds its lock."""
    wait = _wait_seconds()
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"cannot open the compliance view {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"the compliance view {path} is still in use by another ehcp-audit command "
                    f"after {wait:g} s; try again when it has finished (or set {WAIT_ENV} to "
                    "wait longer)"
                ) from exc
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the compliance view {path}: {exc}") from exc


def _wait_seconds() -> float:
    text = os.environ.get(WAIT_ENV, "")
    try:
        return max(0.0, float(text)) if text.strip() else DEFAULT_WAIT
    except ValueError:
        raise StoreError(f"{WAIT_ENV}={text!r} is not a number of seconds") from None


class ComplianceView:
    def __init__(self, path: Path, app: EhcpAudit, pinned_days: Sequence[date] = ()) -> None:
        """`pinned_days`: days whose answers the view keeps from the moment it is built (a
        rebuild's helpers judge them too) and never lets go of: the days every monthly report
        reads (DfE's year end for England's figure). A view in memory, built again by every
        command, keeps none ahead."""
        self.path = path
        self.app = app
        self.con = _connect(path)
        # A catch-up's commits are durable in DuckDB's write-ahead log; checkpointing them on
        # every close cost a daily catch-up about 0.4 s (rewriting the row groups it touched).
        # A catch-up checkpoints once the log passes WAL_LIMIT, a rebuild when done; opening
        # replays the log (about 0.02 s for a 1,000-action catch-up's 160 kB).
        self.con.execute("PRAGMA disable_checkpoint_on_shutdown")
        self.con.execute(sql_text("schema"))
        self.projector = Projector(self.con, app)
        self.pinned_days = tuple(pinned_days) if str(path) != ":memory:" else ()
        self.projector.pinned_days = self.pinned_days
        # What the chain check made while the view was built from an empty one (None: not).
        self.rebuild_verdict: Verdict | None = None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ComplianceView:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- keeping up with the log -------------------------------------------------------------
    def catch_up(self, progress: StageProgress | None = None) -> int:
        if self.projector.position() > self.app.log_position() or not self.projector.readable():
            # The view is ahead of its store (it follows another store), or an earlier version
            # of this program wrote it: start again.
            return self.rebuild(progress)
        read = self._project(progress)
        self._checkpoint_if_large()
        return read

    def _project(self, progress: StageProgress | None) -> int:
        """Catch up; from an empty view (a rebuild, a first build) the chain is verified
        meanwhile (in a forked copy where there are two cores, else from the pages as they are
        read) and the point reached remembered, so that the next check hashes only what came
        later. A log that does not match its chain leaves nothing remembered: the next check
        names the entry."""
        from ehcp_audit.store.check import ChainFollower
        from ehcp_audit.store.guard import keeps_chain

        if self.projector.position() > 0 or not keeps_chain(self.app):
            return self.projector.catch_up(progress)
        if hasattr(os, "fork") and helper_count() > 1:
            # The check (a fifth of a rebuild) runs in a forked copy, on the core that reading
            # the log leaves idle, up to where the log ended when the rebuild began.
            upto = self.app.log_position()
            verdict, read = forked(
                partial(_verified_copy, dict(self.app.env), upto),
                lambda: self.projector.catch_up(progress),
            )
        else:
            follower = ChainFollower(self.app)
            read = self.projector.catch_up(progress, stored=follower.rows)
            verdict = follower.verdict(self.position())
        self.rebuild_verdict = verdict
        if verdict.intact and verdict.reached.position == self.position() > 0:
            self._remember(verdict.reached)
        return read

    def _checkpoint_if_large(self) -> None:
        wal = Path(f"{self.path}.wal")
        if wal.exists() and wal.stat().st_size > WAL_LIMIT:
            # Every open replays the log: keep that to milliseconds after a big write.
            self.con.execute("CHECKPOINT")

    def rebuild(self, progress: StageProgress | None = None) -> int:
        for table in (
            "tracking",
            "plans",
            "entries",
            "imports",
            "rejected_rows",
            "dirty",
            "children",
            "base_rows",
            "cycle_inputs",
            "verified",
            "voided_entries",
            *KEPT_TABLES,
        ):
            self.con.execute(f"DROP TABLE IF EXISTS {table}")
        self.con.execute(sql_text("schema"))
        self.projector = Projector(self.con, self.app)
        self.projector.pinned_days = self.pinned_days
        read = self._project(progress)
        self.con.execute("CHECKPOINT")
        return read

    def position(self) -> int:
        return self.projector.position()

    # -- the chain checked before anything is written from the view ------------------------------
    def check_chain(self, upto: int | None = None, full: bool = False) -> Verified | None:
        """Verify the log's chain up to `upto` (at most the view's position), from the point
        remembered here; remember the new point. None: the store keeps no chain."""
        from ehcp_audit.store.guard import check_up_to, keeps_chain

        if not keeps_chain(self.app):
            return None
        limit = self.position() if upto is None else min(upto, self.position())
        remembered = self._verified()
        reached = check_up_to(self.app, limit, remembered, full)
        if reached.position > (remembered.position if remembered else 0):
            self._remember(reached)
        return reached

    def _remember(self, reached: Verified) -> None:
        with self.projector.transaction() as con:
            con.execute("DELETE FROM verified")
            con.execute(
                "INSERT INTO verified VALUES (?, ?, ?)",
                [reached.position, reached.hash, reached.entries],
            )

    def _verified(self) -> Verified | None:
        from ehcp_audit.store.check import Verified

        rows = self.con.execute("SELECT position, hash, entries FROM verified").fetchall()
        return Verified(int(rows[0][0]), bytes(rows[0][1]), int(rows[0][2])) if rows else None

    # -- answers ---------------------------------------------------------------------------------
    def compliance(
        self,
        as_of: date,
        known_on: date | None = None,
        at_position: int | None = None,
        school_urn: str | None = None,
    ) -> pd.DataFrame:
        """Every compliance row as of `as_of` (as known on `known_on`), sorted per RULES.md;
        with `school_urn`, only the rows of the children ever placed at that setting."""
        return self._answer(as_of, known_on, at_position, school_urn, _fetch_frame)

    def compliance_table(
        self,
        as_of: date,
        known_on: date | None = None,
        at_position: int | None = None,
        school_urn: str | None = None,
    ) -> pa.Table:
        """The rows of `compliance` as an Arrow table, in no order: what the reports load into
        DuckDB, at a fraction of a DataFrame's cost (no Python object per cell)."""
        return self._answer(as_of, known_on, at_position, school_urn, _fetch_table)

    def period_table(
        self, as_of: date, start: date, end: date, at_position: int | None = None
    ) -> pa.Table:
        """The rows of `compliance_table` whose period date (kpi_counts.sql) is in [start, end]:
        what a month's counts read, a thirty-sixth of the rows at authority scale."""
        return self._answer(as_of, None, at_position, None, partial(_fetch_period, start, end))

    def measure_table(
        self, as_of: date, measures: Sequence[str], at_position: int | None = None
    ) -> pa.Table:
        """The rows of `compliance_table` of `measures` only: what DfE's measures read, a
        sixth of the rows."""
        return self._answer(as_of, None, at_position, None, partial(_fetch_measures, measures))

    def _answer(
        self,
        as_of: date,
        known_on: date | None,
        at_position: int | None,
        school_urn: str | None,
        fetch: Callable[[duckdb.DuckDBPyRelation], T],
    ) -> T:
        """`fetch` of the executed query of `compliance`: settled rows are read in SQL, never
        through Python; the rows judged again are kept in the view when the answer is large."""
        scope = self._scope(school_urn)
        params: dict[str, Any] = {"as_of": as_of}
        kept: int | None = None
        if known_on is None and at_position is None:
            settled = f"SELECT * FROM ({sql_text('compliance_settled')}) WHERE {scope}"
            open_children = f"SELECT child_id FROM children WHERE last_on > $as_of AND {scope}"
            kept = kept_position(self.con, as_of) if school_urn is None else None
            if kept is not None:
                open_children = stale_children()
                params["kept"] = kept
        else:
            settled = f"SELECT * FROM ({sql_text('compliance_settled')}) WHERE false"
            open_children = (
                f"SELECT DISTINCT child_id FROM entries WHERE position <= $at AND {scope}"
            )
            params = {"at": at_position if at_position is not None else 2**62}
        self._judge(open_children, params, as_of, known_on, at_position)
        try:
            # The rows judged again, resolved (read where they are used: a table of them cost
            # a past day a million rows written and read once more).
            judged = sql_text("compliance_judged")
            judging = {"as_of": as_of, "transfer": PHASE_TRANSFER, "transfers": TRANSFERS}
            keeps = known_on is None and at_position is None and school_urn is None
            if keeps and (kept is not None or self._count(judged, judging) >= KEEP_FROM_ROWS):
                with self.projector.transaction() as con:
                    position, pinned = self.position(), self.pinned_days
                    keep(con, as_of, kept, position, f"({judged})", judging, pinned)
                self._checkpoint_if_large()
                union = sql_text("compliance_union").format(
                    settled=settled, judged=sql_text("kept_rows_of_day")
                )
                return fetch(self.con.sql(union, params={"as_of": as_of}))
            union = sql_text("compliance_union").format(settled=settled, judged=judged)
            return fetch(self.con.sql(union, params=judging))
        finally:
            for table in ("judged_rows", "reused_groups", "judged_children"):
                self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def _count(self, query: str, params: dict[str, Any]) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM ({query})", params).fetchall()[0][0])

    def _scope(self, school_urn: str | None) -> str:
        """A condition on `child_id`: every child, or those ever placed at `school_urn` (kept in
        a temporary table, so that only their entries are judged again)."""
        if school_urn is None:
            return "true"
        self.con.execute(sql_text("placed_children"), {"school_urn": school_urn})
        return "child_id IN (SELECT child_id FROM placed_children)"

    def _judge(
        self,
        children_query: str,
        params: dict[str, Any],
        as_of: date,
        known_on: date | None,
        at_position: int | None,
    ) -> None:
        """The base rows of the children the query names as of `as_of`, in the temporary
        tables compliance_judged.sql reads (the caller drops them): `judged_rows`, of the
        groups judged, and `reused_groups`, the (child, group) of the others. Each group of a
        child's rows (rules.facts) whose facts as of the day are those its stored base rows
        were judged from (equal digests) is read from base_rows; only the others are judged
        again. From FORK_FROM_CHILDREN children on, a forked copy of this process judges the
        first of them (FORKED_SHARE, by child id) while this one reads and judges the rest."""
        # The children judged (some have no rows as of the day): what a kept day records.
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE judged_children AS {children_query}", params
        )
        children = self.con.execute(
            "SELECT child_id FROM judged_children ORDER BY child_id"
        ).fetchall()
        cut = len(children) * FORKED_SHARE // 100 if len(children) >= FORK_FROM_CHILDREN else 0
        inputs = partial(self._judge_inputs, at_position, as_of, known_on)
        judge = partial(_judged_groups, as_of=as_of, known_on=known_on)
        # Bulk work: hundreds of thousands of entries and rows, none in a cycle (gc_tuning).
        with bulk_work():
            if not children:
                # The latest day, or a kept day no entry has changed since: nothing to read
                # (Arrow's compute functions alone take 0.1 s to load, per process).
                judged = Judged([], [], [], [], [])
            elif cut:
                # The copy's part is read first, and it is forked at once; this process reads
                # its own part while the copy judges.
                split = children[cut][0]
                theirs = inputs("child_id < $split", split)
                there, here = forked(
                    partial(judge, *theirs),
                    lambda: judge(*inputs("child_id >= $split", split)),
                )
                judged = _joined(there, here)
            else:
                judged = judge(*inputs())
        self.con.execute(
            sql_text("judged_texts").format(rows=sql_text("cycle_text_rows")),
            {"children": judged.children, "cycles": judged.cycles, "texts": judged.texts},
        )
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE reused_groups AS SELECT "
            "unnest(CAST(? AS VARCHAR[])) AS child_id, unnest(CAST(? AS INTEGER[])) AS cycle",
            [judged.reused_children, judged.reused_groups],
        )

    def _judge_inputs(
        self,
        at_position: int | None,
        as_of: date,
        known_on: date | None,
        part: str = "true",
        split: str | None = None,
    ) -> tuple[pa.Table, pa.Table]:
        """The entries of the children in `judged_children` (those meeting the condition `part`,
        with its parameter `split`), up to log position `at_position`, that count as of
        `as_of`, by child, each child's in business order with its voids last
        (evaluator.judge_children's `voids_last`), and the digests of their stored groups'
        facts, as Arrow tables (what a forked copy can read: it never touches DuckDB)."""
        # Without `known_on`, the rules read no provenance: the base rows' narrower fields.
        fields = ENTRY_FIELDS if known_on is not None else BASE_ENTRY_FIELDS
        judged = f"child_id IN (SELECT child_id FROM judged_children WHERE {part})"
        params: dict[str, Any] = {} if split is None else {"split": split}
        # An entry dated after the day counts for nothing as of the day, and the only void it
        # could meet is one of its own date: only voids are read whatever their date.
        query = (
            f"SELECT {fields} FROM entries WHERE {judged} AND position <= $at "
            "AND (occurred_on <= $as_of OR action = 'void') "
            "ORDER BY child_id, action = 'void', occurred_on, version"
        )
        at = at_position if at_position is not None else 2**62
        entries = self.con.sql(query, params={**params, "at": at, "as_of": as_of})
        digests = self.con.sql(
            f"SELECT child_id, cycle, digest FROM cycle_inputs WHERE {judged}", params=params
        )
        return entries.to_arrow_table(), digests.to_arrow_table()

    def entry_rows(self, at_position: int | None = None) -> list[tuple[Any, ...]]:
        """Every entry as rule inputs (see records.entries_by_child), by child and version."""
        limit = at_position if at_position is not None else 2**62
        return self.con.execute(
            f"SELECT {ENTRY_FIELDS} FROM entries WHERE position <= ? ORDER BY child_id, version",
            [limit],
        ).fetchall()

    def voiding_entry_rows(self, at_position: int | None = None) -> list[tuple[Any, ...]]:
        """Every entry (as entry_rows) of the children with a void: only they have voided ones."""
        limit = at_position if at_position is not None else 2**62
        return self.con.execute(
            f"SELECT {ENTRY_FIELDS} FROM entries WHERE position <= $at AND child_id IN "
            "(SELECT child_id FROM entries WHERE action = 'void' AND position <= $at) "
            "ORDER BY child_id, version",
            {"at": limit},
        ).fetchall()

    def entries(self, at_position: int | None = None) -> pd.DataFrame:
        limit = at_position if at_position is not None else 2**62
        return self.con.execute(
            "SELECT * FROM entries WHERE position <= ? ORDER BY position", [limit]
        ).df()


def _verified_copy(env: dict[str, str], upto: int) -> Verdict:
    """`verify` up to `upto` on the store, opened anew (a forked copy of this process must not
    use the connections it inherited)."""
    from ehcp_audit.store.check import verify

    app = EhcpAudit(env=env)
    try:
        return verify(app, upto=upto)
    finally:
        app.close()


# The order of the compliance CSV (RULES.md section 4).
RULES_ORDER = "child_id, cycle, measure, deadline NULLS FIRST"


def _fetch_frame(answer: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    return answer.order(RULES_ORDER).df()


def _fetch_table(answer: duckdb.DuckDBPyRelation) -> pa.Table:
    """Unsorted: sorting a million rows costs a report a fifth of a second, for nothing."""
    return answer.to_arrow_table()


def _fetch_measures(measures: Sequence[str], answer: duckdb.DuckDBPyRelation) -> pa.Table:
    listed = ", ".join("'" + m.replace("'", "''") + "'" for m in measures)
    return answer.filter(f"measure IN ({listed})").to_arrow_table()


def _fetch_period(start: date, end: date, answer: duckdb.DuckDBPyRelation) -> pa.Table:
    dated = "COALESCE(deadline, done_on, meeting_on)"
    return answer.filter(f"{dated} >= DATE '{start}' AND {dated} <= DATE '{end}'").to_arrow_table()


class Judged(NamedTuple):
    """Children's groups of rows judged as of a day (_judged_groups): the base rows of those
    judged again, as a text per (child, cycle) (row_tuples.cycle_texts: DuckDB splits and types
    them, where Arrow arrays made from Python lists would load pandas, about 0.3 s), and the
    (child, group) of the others, read from base_rows."""

    children: list[str]
    cycles: list[int]
    texts: list[str]
    reused_children: list[str]
    reused_groups: list[int]


def _joined(first: Judged, second: Judged) -> Judged:
    return Judged(
        first.children + second.children,
        first.cycles + second.cycles,
        first.texts + second.texts,
        first.reused_children + second.reused_children,
        first.reused_groups + second.reused_groups,
    )


def _judged_groups(
    entries: pa.Table, digests: pa.Table, as_of: date, known_on: date | None
) -> Judged:
    """The base rows of the groups whose facts as of `as_of` differ from the stored ones
    (`digests`), and the (child, group) of the others, judged from `entries` (_judge_inputs).
    Pure Python: it also runs in a forked copy of this process, which sends back its answer
    (texts and numbers: cheap to pickle)."""
    columns = entry_columns(entries)
    children = (
        entries_by_child(zip(*columns, strict=True))
        if known_on is not None
        else base_entries_of_columns(columns)
    )
    ids, groups, digest_texts = (column.to_pylist() for column in digests.columns)
    stored = dict(zip(zip(ids, groups, strict=True), digest_texts, strict=True))
    judged = judge_children(children, stored, as_of, known_on, voids_last=True)
    texts = cycle_texts(judged.base)
    reused = [(c, g) for c, g, d in judged.inputs if stored.get((c, g)) == d]
    return Judged(
        [c for c, _ in texts],
        [k for _, k in texts],
        list(texts.values()),
        [c for c, _ in reused],
        [g for _, g in reused],
    )
