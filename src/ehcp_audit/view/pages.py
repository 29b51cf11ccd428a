"""Catch-up, one page of the event log at a time: the page is read ahead by a thread, and its
entries, plans, dirty children, import logs and the new position are written in one
transaction (DuckDB takes each event's fields out of its JSON state: sql/page_*.sql)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

import duckdb

from ehcp_audit.application import EhcpAudit, LoggedEvent
from ehcp_audit.domain.streams import ACTION_TOPICS, IMPORT_COMPLETED, PLAN_OPENED
from ehcp_audit.errors import StoreError
from ehcp_audit.view.sql_files import sql_text
from ehcp_audit.view.staging import insert, staged, transaction

# Written with the position: a view written in another format (an earlier version of this
# program, say plans keyed differently) is rebuilt rather than read. Change it when the rules
# change too: a catch-up judges a group of rows again only when its facts change.
FORMAT = "view 4"
ACTION_OF_TOPIC = {topic: action for action, topic in ACTION_TOPICS.items()}
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
T = TypeVar("T")


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



class PageWriter:
    """The projector's part that writes pages of the log (see projector.Projector)."""

    con: duckdb.DuckDBPyConnection
    app: EhcpAudit
    # Far behind (a rebuild): pages go to DuckDB through Arrow, quicker once it is loaded.
    bulk: bool

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
        with staged(con, "page_events", PAGE_COLUMNS, page, arrow=self.bulk):
            self._write_page(page, actions, imports, rejected)

    def _write_page(
        self,
        page: list[LoggedEvent],
        actions: int,
        imports: list[tuple[Any, ...]],
        rejected: list[tuple[Any, ...]],
    ) -> None:
        with transaction(self.con) as con:
            con.execute(sql_text("page_plans"), {"opened": PLAN_OPENED})
            written = con.execute(sql_text("page_entries")).fetchall()[0][0]
            if written != actions:
                raise StoreError(
                    f"{actions - written} entries of the log after "
                    f"position {page[0].position - 1} belong to no plan: the log is damaged "
                    "(run `ehcp-audit verify`)"
                )
            con.execute(sql_text("page_dirty"))
            insert(con, "imports", IMPORT_COLUMNS, imports)
            insert(con, "rejected_rows", REJECTED_COLUMNS, rejected)
            if page:
                con.execute("DELETE FROM tracking")
                con.execute("INSERT INTO tracking VALUES (?, ?)", [page[-1].position, FORMAT])
