"""The catch-up projector: reads the event log after the tracked position, a page at a time,
and writes entries, dirty children and the new position in one DuckDB transaction; then
recomputes the dirty children's rows, a chunk at a time, each chunk in one transaction.

A crash at any moment leaves either the old or the new state of each step, and the next run
carries on from there: the view ends the same as a clean rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from ehcp_audit.application import EhcpAudit, LoggedEvent
from ehcp_audit.domain.import_log import ImportLog
from ehcp_audit.domain.plan import EVENT_CLASSES, Plan
from ehcp_audit.projection.records import (
    BASE_COLUMNS,
    ENTRY_COLUMNS,
    base_row_tuple,
    entries_by_child,
    entry_row,
)
from ehcp_audit.rules.compliance import evaluate_base
from ehcp_audit.rules.effective import apply_voids

PAGE = 10_000
ACTION_OF_TOPIC = {cls.TOPIC: action for action, cls in EVENT_CLASSES.items()}
OPENED = Plan.Opened.TOPIC
IMPORT_COMPLETED = ImportLog.Completed.TOPIC
CHILDREN_PER_CHUNK = 2_000
ENTRY_FIELDS = "child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on"

Progress = Callable[[str, int], None]

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
        "imports": (
            "position",
            "imported_at",
            "kind",
            "file_name",
            "sha256",
            "rows",
            "imported",
            "duplicates",
            "rejected",
        ),
        "rejected_rows": ("position", "imported_at", "source", "row", "error"),
        "dirty": ("child_id",),
        "children": ("child_id", "last_on"),
        "base_rows": BASE_COLUMNS,
    }.items()
}


class Projector:
    def __init__(self, con: duckdb.DuckDBPyConnection, app: EhcpAudit) -> None:
        self.con = con
        self.app = app
        self._children: dict[str, str] | None = None

    def position(self) -> int:
        row = self.con.execute("SELECT max(position) FROM tracking").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def catch_up(self, progress: Progress | None = None, stop: int | None = None) -> int:
        """Apply every notification after the tracked position; returns how many were read."""
        read = 0
        for page in self.app.log_after(self.position(), PAGE, stop=stop):
            self._apply_page(page)
            read += len(page)
            if progress is not None:
                progress("read", len(page))
        self.recompute_dirty(progress)
        return read

    def _child_ids(self) -> dict[str, str]:
        if self._children is None:
            rows = self.con.execute("SELECT plan_id, child_id FROM plans").fetchall()
            self._children = dict(rows)
        return self._children

    def _apply_page(self, page: list[LoggedEvent]) -> None:
        children = self._child_ids()
        new_plans: list[tuple[str, str]] = []
        entries: list[tuple[Any, ...]] = []
        imports: list[tuple[Any, ...]] = []
        rejected: list[tuple[Any, ...]] = []
        touched: set[str] = set()
        for event in page:
            state = event.state
            action = ACTION_OF_TOPIC.get(event.topic)
            if action is not None:
                child_id = children[event.originator_id]
                entries.append(entry_row(event, child_id, action))
                touched.add(child_id)
            elif event.topic == OPENED:
                new_plans.append((event.originator_id, state["child_id"]))
                children[event.originator_id] = state["child_id"]
            elif event.topic == IMPORT_COMPLETED:
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
        last = page[-1].position
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            _insert(con, "plans", ("plan_id", "child_id"), new_plans)
            _insert(con, "entries", ENTRY_COLUMNS, entries)
            _insert(
                con,
                "imports",
                (
                    "position",
                    "imported_at",
                    "kind",
                    "file_name",
                    "sha256",
                    "rows",
                    "imported",
                    "duplicates",
                    "rejected",
                ),
                imports,
            )
            _insert(
                con,
                "rejected_rows",
                ("position", "imported_at", "source", "row", "error"),
                rejected,
            )
            _insert(con, "dirty", ("child_id",), [(c,) for c in sorted(touched)])
            con.execute("DELETE FROM tracking")
            con.execute("INSERT INTO tracking VALUES (?, ?)", [last, "log"])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            self._children = None
            raise

    def recompute_dirty(self, progress: Progress | None = None) -> int:
        done = 0
        while True:
            chunk = [
                r[0]
                for r in self.con.execute(
                    "SELECT DISTINCT child_id FROM dirty ORDER BY child_id LIMIT ?",
                    [CHILDREN_PER_CHUNK],
                ).fetchall()
            ]
            if not chunk:
                return done
            self._recompute(chunk)
            done += len(chunk)
            if progress is not None:
                progress("computed", len(chunk))

    def _recompute(self, chunk: list[str]) -> None:
        con = self.con
        ids = pd.DataFrame({"child_id": chunk})
        con.register("chunk_ids", ids)
        try:
            rows = con.execute(
                f"SELECT {ENTRY_FIELDS} FROM entries "
                "WHERE child_id IN (SELECT child_id FROM chunk_ids) ORDER BY child_id, version"
            ).fetchall()
            base: list[tuple[Any, ...]] = []
            last_on: list[tuple[str, date | None]] = []
            for child_id, entries in entries_by_child(rows):
                effective = apply_voids(entries)
                last_on.append((child_id, effective[-1].occurred_on if effective else None))
                base.extend(base_row_tuple(r) for r in evaluate_base(effective, date.max))
            con.execute("BEGIN TRANSACTION")
            try:
                for table in ("base_rows", "children", "dirty"):
                    con.execute(
                        f"DELETE FROM {table} WHERE child_id IN (SELECT child_id FROM chunk_ids)"
                    )
                _insert(con, "base_rows", BASE_COLUMNS, base)
                _insert(con, "children", ("child_id", "last_on"), last_on)
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
    rows: list[tuple[Any, ...]],
) -> None:
    """Insert rows through Arrow: typed columns, no per-cell pandas conversion."""
    if not rows:
        return
    schema = TABLE_TYPES[table]
    arrays = [
        pa.array(list(values), type=schema[name])
        for name, values in zip(columns, zip(*rows, strict=True), strict=True)
    ]
    con.register("incoming", pa.Table.from_arrays(arrays, names=list(columns)))
    try:
        quoted = ", ".join(f'"{c}"' for c in columns)
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM incoming")
    finally:
        con.unregister("incoming")
