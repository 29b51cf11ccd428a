"""The catch-up projector: reads the event log after the tracked position, a page at a time,
and writes entries, dirty children and the new position in one DuckDB transaction; then
recomputes the dirty children's rows, a chunk at a time, each chunk in one transaction.

A crash at any moment leaves either the old or the new state of each step, and the next run
carries on from there: the view ends the same as a clean rebuild.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import duckdb

from ehcp_audit.application import EhcpAudit, LoggedEvent
from ehcp_audit.domain.streams import ACTION_TOPICS, IMPORT_COMPLETED, PLAN_OPENED
from ehcp_audit.errors import StoreError
from ehcp_audit.rules.compliance import PHASE_TRANSFER
from ehcp_audit.rules.facts import TRANSFERS
from ehcp_audit.view.columns import arrow_schema, sql_type
from ehcp_audit.view.evaluator import (
    Evaluation,
    Helpers,
    evaluate_rows,
    forked,
    helper_count,
)
from ehcp_audit.view.gc_tuning import bulk_work
from ehcp_audit.view.row_tuples import BASE_COLUMNS, BASE_ENTRY_FIELDS, Key, cycle_texts
from ehcp_audit.view.sql_files import sql_text

if TYPE_CHECKING:
    import pyarrow as pa  # imported for big batches only (see _staged)

# Written with the position: a view written in another format (an earlier version of this
# program, say plans keyed differently) is rebuilt rather than read. Change it when the rules
# change too: a catch-up judges a group of rows again only when its facts change.
FORMAT = "view 3"
PAGE = 10_000
BIG_PAGE = 50_000
ACTION_OF_TOPIC = {topic: action for action, topic in ACTION_TOPICS.items()}
CHILDREN_PER_CHUNK = 2_000
# Fewer dirty children than this are judged here: each chunk costs the projector two scans of
# the view, so a daily catch-up of a few thousand children is quicker in one process.
PARALLEL_FROM_CHILDREN = 6_000
# From this many, a chunk judged here is split with a forked copy of this process, which takes
# this percentage of it.
FORK_FROM_CHILDREN = 400
FORKED_SHARE = 55
ENTRY_FIELDS = "child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on"

StageProgress = Callable[[str, int], None]
T = TypeVar("T")

IMPORT_COLUMNS = (
    "position",
    "imported_at",
    "kind",
    "file_name",
    "sha256",
    "rows",
    "imported",
    "duplicates",
    "rejected",
)
REJECTED_COLUMNS = ("position", "imported_at", "source", "row", "error")

PAGE_COLUMNS = ("position", "topic", "plan_id", "version", "state")
CHILDREN_COLUMNS = ("child_id", "last_on")
INPUT_COLUMNS = ("child_id", "cycle", "digest")
# Batches up to this many values go to DuckDB as list parameters; bigger ones through Arrow,
# which is quicker per value but costs about half a second to load (pyarrow, numpy, pandas).
# Measured: 130,000 values in 0.09-0.14 s as lists, 610,000 in 0.6 s.
SMALL_BATCH = 400_000



def prefetched(pages: Iterator[T], depth: int = 2) -> Generator[T, None, None]:
    """`pages`, read ahead by a thread: the store is read (Python) while DuckDB, which lets go
    of the GIL, writes the previous page."""
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stopping = threading.Event()

    def read() -> None:
        try:
            for page in pages:
                while not stopping.is_set():
                    try:
                        ready.put(("page", page), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stopping.is_set():
                    return
            ready.put(("end", None))
        except BaseException as exc:  # handed to the reading side, raised there
            ready.put(("error", exc))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stopping.set()
        reader.join(timeout=5)


Rows = list[tuple[Any, ...]]
# Some children's stored digests of their groups' facts, by (child, group), and their stored
# (child, last date) rows.
Stored = tuple[dict[Key, str], Rows]
IN_CHUNK = "child_id IN (SELECT unnest(CAST(? AS VARCHAR[])))"


def _arrow_table(columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    import pyarrow as pa

    values: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    schema = arrow_schema(columns)
    return pa.Table.from_arrays(
        [pa.array(list(v), type=f.type) for f, v in zip(schema, values, strict=True)],
        schema=schema,
    )


@contextmanager
def _staged(
    con: duckdb.DuckDBPyConnection,
    name: str,
    columns: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]],
    arrow: bool = False,
) -> Iterator[None]:
    """`rows` readable as the table `name` while the block runs (through Arrow when asked, or
    when they are many)."""
    if arrow or len(rows) * len(columns) > SMALL_BATCH:
        con.register(name, _arrow_table(columns, rows))
        try:
            yield
        finally:
            con.unregister(name)
        return
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    select = ", ".join(
        f'unnest(CAST(? AS {sql_type(c)}[])) AS "{c}"' for c in columns
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}", [list(v) for v in values]
    )
    try:
        yield
    finally:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


class Projector:
    def __init__(self, con: duckdb.DuckDBPyConnection, app: EhcpAudit) -> None:
        self.con = con
        self.app = app
        # Far behind (a rebuild): pages go to DuckDB through Arrow, quicker once it is loaded.
        self.bulk = False
        con.execute(
            "CREATE OR REPLACE TEMP TABLE topic_actions AS "
            "SELECT unnest(CAST(? AS VARCHAR[])) AS topic, unnest(CAST(? AS VARCHAR[])) AS action",
            [list(ACTION_OF_TOPIC), list(ACTION_OF_TOPIC.values())],
        )

    def position(self) -> int:
        rows = self.con.execute("SELECT max(position) FROM tracking").fetchall()
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def readable(self) -> bool:
        """Whether the view is empty or in this program's format."""
        formats = {r[0] for r in self.con.execute("SELECT store FROM tracking").fetchall()}
        return formats <= {FORMAT}

    def catch_up(self, progress: StageProgress | None = None, stop: int | None = None) -> int:
        """Apply every notification after the tracked position; returns how many were read."""
        with bulk_work():
            return self._catch_up(progress, stop)

    def _catch_up(self, progress: StageProgress | None, stop: int | None) -> int:
        read = 0
        start = self.position()
        behind = (stop if stop is not None else self.app.log_position()) - start
        # Far behind (a rebuild): bigger pages, which DuckDB writes on all cores, in fewer
        # transactions. Each page is still written with its position in one transaction.
        self.bulk = behind > 2 * BIG_PAGE
        page_size = BIG_PAGE if self.bulk else PAGE
        for page in prefetched(self.app.log_after(start, page_size, stop=stop)):
            self._apply_page(page)
            read += len(page)
            if progress is not None:
                progress("read", len(page))
        self.recompute_dirty(progress)
        return read

    def _apply_page(self, page: list[LoggedEvent]) -> None:
        imports: list[tuple[Any, ...]] = []
        rejected: list[tuple[Any, ...]] = []
        actions = 0
        for event in page:
            if event.topic in ACTION_OF_TOPIC:
                actions += 1
            elif event.topic == IMPORT_COMPLETED:
                state = self.app.decode_state(event.state)
                at = state["timestamp"].replace(tzinfo=None)
                imports.append(
                    (
                        event.position,
                        at,
                        state["kind"],
                        state["file_name"],
                        state["sha256"],
                        state["rows"],
                        state["imported"],
                        state["duplicates"],
                        len(state["rejected"]),
                    )
                )
                rejected.extend(
                    (event.position, at, state["file_name"], r["row"], r["error"])
                    for r in state["rejected"]
                )
        con = self.con
        with _staged(con, "page_events", PAGE_COLUMNS, page, arrow=self.bulk):
            self._write_page(page, actions, imports, rejected)

    def _write_page(
        self,
        page: list[LoggedEvent],
        actions: int,
        imports: list[tuple[Any, ...]],
        rejected: list[tuple[Any, ...]],
    ) -> None:
        with self.transaction() as con:
            con.execute(sql_text("page_plans"), {"opened": PLAN_OPENED})
            written = con.execute(sql_text("page_entries")).fetchall()[0][0]
            if written != actions:
                raise StoreError(
                    f"{actions - written} entries of the log after "
                    f"position {page[0].position - 1} belong to no plan: the log is damaged "
                    "(run `ehcp-audit verify`)"
                )
            con.execute(sql_text("page_dirty"))
            _insert(con, "imports", IMPORT_COLUMNS, imports)
            _insert(con, "rejected_rows", REJECTED_COLUMNS, rejected)
            if page:
                con.execute("DELETE FROM tracking")
                con.execute("INSERT INTO tracking VALUES (?, ?)", [page[-1].position, FORMAT])

    def recompute_dirty(self, progress: StageProgress | None = None) -> int:
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
                    self._write_changes(chunk, _changes(judged, stored, chunk))
                if progress is not None:
                    progress("computed", len(chunk))
            return len(dirty)
        with Helpers(helpers) as pool:
            for chunk, *tables in pool.map((c, self._entries_of(c)) for c in chunks):
                self._replace_rows(chunk, *tables)
                if progress is not None:
                    progress("computed", len(chunk))
        return len(dirty)

    def _entries_query(self) -> str:
        return (
            f"SELECT {BASE_ENTRY_FIELDS} FROM entries WHERE {IN_CHUNK} ORDER BY child_id, version"
        )

    def _entries_of(self, chunk: list[str]) -> pa.Table:
        """The chunk's entry rows as an Arrow table (what helpers are sent)."""
        return self.con.sql(self._entries_query(), params=[chunk]).to_arrow_table()

    def _entry_rows(self, chunk: list[str]) -> list[tuple[Any, ...]]:
        return self.con.execute(self._entries_query(), [chunk]).fetchall()

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
        self._write_changes(chunk, _changes(both, stored, chunk))

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

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _write_changes(self, chunk: list[str], changes: Changes) -> None:
        """The changed groups' base rows and digests and the changed last dates replace the
        stored ones, and the chunk is no longer dirty: one transaction."""
        with self.transaction() as con:
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
                        sql_text("insert_cycle_texts"),
                        {"children": children, "cycles": cycles, "texts": texts},
                    )
                _insert(con, "cycle_inputs", INPUT_COLUMNS, changes.inputs)
            if changes.children:
                con.execute(f"DELETE FROM children WHERE {IN_CHUNK}", [list(changes.children)])
                _insert(con, "children", CHILDREN_COLUMNS, changes.last_on)
            con.execute(f"DELETE FROM dirty WHERE {IN_CHUNK}", [chunk])

    def _replace_rows(
        self, chunk: list[str], base: pa.Table, children: pa.Table, inputs: pa.Table
    ) -> None:
        """All the chunk's base rows, last dates and digests are replaced (a rebuild, or many
        children judged by helpers), and it is no longer dirty: one transaction."""
        with self.transaction() as con:
            for table, columns, rows in (
                ("base_rows", BASE_COLUMNS, base),
                ("children", CHILDREN_COLUMNS, children),
                ("cycle_inputs", INPUT_COLUMNS, inputs),
            ):
                con.execute(f"DELETE FROM {table} WHERE {IN_CHUNK}", [chunk])
                _insert(con, table, columns, rows)
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


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[str, ...],
    rows: Sequence[tuple[Any, ...]] | pa.Table,
) -> None:
    """Insert rows (tuples, or an Arrow table with these columns): typed columns, no
    per-cell pandas conversion."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    insert = f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM incoming"
    if isinstance(rows, Sequence):
        if rows:
            with _staged(con, "incoming", columns, rows):
                con.execute(insert)
        return
    con.register("incoming", rows)
    try:
        con.execute(insert)
    finally:
        con.unregister("incoming")
