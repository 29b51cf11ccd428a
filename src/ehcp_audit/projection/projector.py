"""The catch-up projector: reads the event log after the tracked position, a page at a time,
and writes entries, dirty children and the new position in one DuckDB transaction; then
recomputes the dirty children's rows, a chunk at a time, each chunk in one transaction.

A crash at any moment leaves either the old or the new state of each step, and the next run
carries on from there: the view ends the same as a clean rebuild.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from importlib.resources import files
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from ehcp_audit.application import EhcpAudit, LoggedEvent
from ehcp_audit.domain.import_log import ImportLog
from ehcp_audit.domain.plan import EVENT_CLASSES, Plan
from ehcp_audit.errors import StoreError
from ehcp_audit.projection.evaluator import Helpers, evaluate, helper_count
from ehcp_audit.projection.records import BASE_COLUMNS, ENTRY_COLUMNS

PAGE = 10_000
BIG_PAGE = 50_000
ACTION_OF_TOPIC = {cls.TOPIC: action for action, cls in EVENT_CLASSES.items()}
OPENED = Plan.Opened.TOPIC
IMPORT_COMPLETED = ImportLog.Completed.TOPIC
CHILDREN_PER_CHUNK = 2_000
# Fewer dirty children than this are judged here: each chunk costs the projector two scans of
# the view, so a daily catch-up of a few thousand children is quicker in one process.
PARALLEL_FROM_CHILDREN = 6_000
ENTRY_FIELDS = "child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on"

Progress = Callable[[str, int], None]
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

_TYPES = {
    "position": pa.int64(),
    "version": pa.int32(),
    "cycle": pa.int32(),
    "row": pa.int32(),
    "source_row": pa.int32(),
    "rows": pa.int32(),
    "imported": pa.int32(),
    "duplicates": pa.int32(),
    "rejected": pa.int32(),
    "occurred_on": pa.date32(),
    "known_on": pa.date32(),
    "due_on": pa.date32(),
    "meeting_on": pa.date32(),
    "deadline": pa.date32(),
    "done_on": pa.date32(),
    "visible_from": pa.date32(),
    "last_on": pa.date32(),
    "imported_at": pa.timestamp("us"),
}
TABLE_TYPES: dict[str, dict[str, pa.DataType]] = {
    table: {c: _TYPES.get(c, pa.string()) for c in columns}
    for table, columns in {
        "plans": ("plan_id", "child_id"),
        "entries": ENTRY_COLUMNS,
        "imports": IMPORT_COLUMNS,
        "rejected_rows": REJECTED_COLUMNS,
        "dirty": ("child_id",),
        "children": ("child_id", "last_on"),
        "base_rows": BASE_COLUMNS,
    }.items()
}


_PAGE_SCHEMA = pa.schema(
    [
        ("position", pa.int64()),
        ("topic", pa.string()),
        ("plan_id", pa.string()),
        ("version", pa.int32()),
        ("state", pa.string()),
    ]
)


def sql(name: str) -> str:
    return files("ehcp_audit.projection").joinpath("sql", name).read_text(encoding="utf-8")


def prefetched(pages: Iterator[T], depth: int = 2) -> Iterator[T]:
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


def _ids(children: list[str]) -> pa.Table:
    return pa.Table.from_arrays([pa.array(children, pa.string())], names=["child_id"])


def _page_table(page: list[LoggedEvent]) -> pa.Table:
    columns: list[tuple[Any, ...]] = (
        list(zip(*page, strict=True)) if page else [() for _ in _PAGE_SCHEMA]
    )
    return pa.Table.from_arrays(
        [pa.array(list(c), type=f.type) for c, f in zip(columns, _PAGE_SCHEMA, strict=True)],
        schema=_PAGE_SCHEMA,
    )


class Projector:
    def __init__(self, con: duckdb.DuckDBPyConnection, app: EhcpAudit) -> None:
        self.con = con
        self.app = app
        con.register(
            "topic_actions",
            pa.Table.from_arrays(
                [
                    pa.array(list(ACTION_OF_TOPIC), pa.string()),
                    pa.array(list(ACTION_OF_TOPIC.values()), pa.string()),
                ],
                names=["topic", "action"],
            ),
        )

    def position(self) -> int:
        rows = self.con.execute("SELECT max(position) FROM tracking").fetchall()
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def catch_up(self, progress: Progress | None = None, stop: int | None = None) -> int:
        """Apply every notification after the tracked position; returns how many were read."""
        read = 0
        start = self.position()
        behind = (stop if stop is not None else self.app.log_position()) - start
        # Far behind (a rebuild): bigger pages, which DuckDB writes on all cores, in fewer
        # transactions. Each page is still written with its position in one transaction.
        page_size = BIG_PAGE if behind > 2 * BIG_PAGE else PAGE
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
        con.register("page_events", _page_table(page))
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql("page_plans.sql"), {"opened": OPENED})
            written = con.execute(sql("page_entries.sql")).fetchall()[0][0]
            if written != actions:
                raise StoreError(
                    f"{actions - written} entries of the log after "
                    f"position {page[0].position - 1} belong to no plan: the log is damaged "
                    "(run `ehcp-audit verify`)"
                )
            con.execute(sql("page_dirty.sql"))
            _insert(con, "imports", IMPORT_COLUMNS, imports)
            _insert(con, "rejected_rows", REJECTED_COLUMNS, rejected)
            if page:
                con.execute("DELETE FROM tracking")
                con.execute("INSERT INTO tracking VALUES (?, ?)", [page[-1].position, "log"])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("page_events")

    def recompute_dirty(self, progress: Progress | None = None) -> int:
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
            for chunk in chunks:
                base, children = evaluate(self._entries_of(chunk))
                self._replace_rows(chunk, base, children)
                if progress is not None:
                    progress("computed", len(chunk))
            return len(dirty)
        with Helpers(helpers) as pool:
            for chunk, base, children in pool.map((c, self._entries_of(c)) for c in chunks):
                self._replace_rows(chunk, base, children)
                if progress is not None:
                    progress("computed", len(chunk))
        return len(dirty)

    def _entries_of(self, chunk: list[str]) -> pa.Table:
        con = self.con
        con.register("chunk_ids", _ids(chunk))
        try:
            return con.sql(
                f"SELECT {ENTRY_FIELDS} FROM entries "
                "WHERE child_id IN (SELECT child_id FROM chunk_ids) ORDER BY child_id, version"
            ).to_arrow_table()
        finally:
            con.unregister("chunk_ids")

    def _replace_rows(self, chunk: list[str], base: pa.Table, children: pa.Table) -> None:
        """The chunk's base rows and last dates replace its old ones, and it is no longer
        dirty: one transaction."""
        con = self.con
        con.register("chunk_ids", _ids(chunk))
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                for table in ("base_rows", "children", "dirty"):
                    con.execute(
                        f"DELETE FROM {table} WHERE child_id IN (SELECT child_id FROM chunk_ids)"
                    )
                _insert(con, "base_rows", BASE_COLUMNS, base)
                _insert(con, "children", ("child_id", "last_on"), children)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            con.unregister("chunk_ids")


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]] | pa.Table,
) -> None:
    """Insert rows (tuples, or an Arrow table with these columns) through Arrow: typed
    columns, no per-cell pandas conversion."""
    if isinstance(rows, pa.Table):
        incoming = rows
    elif not rows:
        return
    else:
        schema = TABLE_TYPES[table]
        arrays = [
            pa.array(list(values), type=schema[name])
            for name, values in zip(columns, zip(*rows, strict=True), strict=True)
        ]
        incoming = pa.Table.from_arrays(arrays, names=list(columns))
    con.register("incoming", incoming)
    try:
        quoted = ", ".join(f'"{c}"' for c in columns)
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM incoming")
    finally:
        con.unregister("incoming")
