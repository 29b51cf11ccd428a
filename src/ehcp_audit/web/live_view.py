"""The compliance view as the server reads it.

DuckDB lets one process at a time hold the view's file. The server opens it for each request and
closes it after (a few milliseconds), one request at a time, so a CLI command run beside the
server (an import, a report) waits at most for one page, and a page waits for a CLI command as
the CLI's commands wait for each other (view.compliance_view: EHCP_AUDIT_VIEW_WAIT). A view held
in memory (a cipher-keyed store) has no file to share: it is opened once and kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ehcp_audit import clock
from ehcp_audit.bootstrap import Bootstrap
from ehcp_audit.rules.compliance import evaluate_child
from ehcp_audit.view.columns import arrow_schema
from ehcp_audit.view.evaluator import arrow_table
from ehcp_audit.view.row_tuples import ROW_COLUMNS, entries_by_child, row_tuple
from ehcp_audit.web.sql_files import web_sql

if TYPE_CHECKING:
    import duckdb

    from ehcp_audit.application import EhcpAudit
    from ehcp_audit.view.compliance_view import ComplianceView


@dataclass
class Reading:
    """One request's look at the view: the `compliance` rows as of `today`, caught up."""

    view: ComplianceView
    today: date
    position: int

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        return self.view.con

    def records(self, name: str, /, sql: str = "", **params: Any) -> list[dict[str, Any]]:
        """The rows of `web/sql/<name>.sql` (or of `sql` where given) as dicts."""
        cursor = self.con.execute(sql or web_sql(name), params or None)
        columns = [d[0] for d in cursor.description or ()]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


class LiveView:
    def __init__(self, boot: Bootstrap) -> None:
        self.boot = boot
        self._lock = threading.Lock()
        self._app: EhcpAudit | None = None
        self._kept: ComplianceView | None = None
        self._open_rows: tuple[tuple[int, date], list[tuple[Any, ...]]] | None = None
        # The log's chain is checked (from the view's remembered point) whenever the log has
        # moved since the last check; a report checks it again when it is made.
        self._checked_at = -1
        self._kept_tables: dict[str, tuple[tuple[int, date], Any]] = {}

    @property
    def app(self) -> EhcpAudit:
        if self._app is None:
            self._app = self.boot.open_app()
        return self._app

    @contextmanager
    def reading(self) -> Iterator[Reading]:
        with self._lock:
            view = self._kept or self.boot.open_view(self.app)
            try:
                view.catch_up()
                if view.position() != self._checked_at:
                    view.check_chain()
                    self._checked_at = view.position()
                yield self._prepared(view)
            finally:
                if self.boot.settings.analytics_path == Path(":memory:"):
                    self._kept = view
                else:
                    view.close()

    def _prepared(self, view: ComplianceView) -> Reading:
        today = clock.today()
        con = view.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE web_today AS SELECT $d::DATE AS as_of", {"d": today}
        )
        table = arrow_table(self._rows_ahead(view, today), arrow_schema(ROW_COLUMNS))
        con.register("web_open_arrow", table)
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE web_open_rows AS SELECT * FROM web_open_arrow"
            )
        finally:
            con.unregister("web_open_arrow")
        con.execute(web_sql("current_rows"))
        con.execute(web_sql("items"))
        key = (view.position(), today)
        self._register(con, "web_names", key, lambda: con.sql(web_sql("school_names")))
        self._register(
            con,
            "web_placements",
            key,
            lambda: con.sql(web_sql("placements"), params={"today": today}),
        )
        self._register(con, "web_open_items", key, lambda: con.sql(web_sql("open_items")))
        return Reading(view, today, view.position())

    def _register(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        key: tuple[int, date],
        query: Callable[[], duckdb.DuckDBPyRelation],
    ) -> None:
        """A table every page may read (settings' names, where each child is placed, the open
        steps), computed once per log position and day and handed to each request's
        connection (Arrow: no copy)."""
        kept = self._kept_tables.get(name)
        if kept is None or kept[0] != key:
            kept = (key, query().to_arrow_table())
            self._kept_tables[name] = kept
        con.register(name, kept[1])

    def _rows_ahead(self, view: ComplianceView, today: date) -> list[tuple[Any, ...]]:
        """Rows of the children with an entry dated after today, judged as of today (their
        stored base rows answer a later day); kept until the log moves or the day changes."""
        key = (view.position(), today)
        if self._open_rows is None or self._open_rows[0] != key:
            entries = view.con.execute(web_sql("open_children"), {"today": today}).fetchall()
            rows = [
                row_tuple(row)
                for _, child in entries_by_child(entries)
                for row in evaluate_child(child, today)
            ]
            self._open_rows = (key, rows)
        return self._open_rows[1]

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()
            self._kept = None
