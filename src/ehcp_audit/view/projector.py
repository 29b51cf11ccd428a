"""The catch-up projector: reads the event log after the tracked position, a page at a time,
and writes entries, dirty children and the new position in one DuckDB transaction (pages.py);
then recomputes the dirty children's rows, a chunk at a time, each chunk in one transaction
(recompute.py).

A crash at any moment leaves either the old or the new state of each step, and the next run
carries on from there: the view ends the same as a clean rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

from ehcp_audit.application import EhcpAudit
from ehcp_audit.view.gc_tuning import bulk_work
from ehcp_audit.view.pages import ACTION_OF_TOPIC, FORMAT, PageWriter, prefetched
from ehcp_audit.view.recompute import Recompute
from ehcp_audit.view.staging import tracked_position, transaction

PAGE = 10_000
BIG_PAGE = 50_000
ENTRY_FIELDS = "child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on"

StageProgress = Callable[[str, int], None]
StoredRows = Callable[[Sequence[Sequence[Any]]], None]


class Projector(PageWriter, Recompute):
    def __init__(self, con: duckdb.DuckDBPyConnection, app: EhcpAudit) -> None:
        self.con = con
        self.app = app
        self.bulk = False
        con.execute(
            "CREATE OR REPLACE TEMP TABLE topic_actions AS "
            "SELECT unnest(CAST(? AS VARCHAR[])) AS topic, unnest(CAST(? AS VARCHAR[])) AS action",
            [list(ACTION_OF_TOPIC), list(ACTION_OF_TOPIC.values())],
        )

    def position(self) -> int:
        return tracked_position(self.con)

    def readable(self) -> bool:
        """Whether the view is empty or in this program's format."""
        formats = {r[0] for r in self.con.execute("SELECT store FROM tracking").fetchall()}
        return formats <= {FORMAT}

    def catch_up(
        self,
        progress: StageProgress | None = None,
        stop: int | None = None,
        stored: StoredRows | None = None,
    ) -> int:
        """Apply every notification after the tracked position; returns how many were read.
        `stored` is handed each page as stored, before it is applied (see EhcpAudit.log_after)."""
        with bulk_work():
            return self._catch_up(progress, stop, stored)

    def _catch_up(
        self, progress: StageProgress | None, stop: int | None, stored: StoredRows | None
    ) -> int:
        read = 0
        start = self.position()
        behind = (stop if stop is not None else self.app.log_position()) - start
        # Far behind (a rebuild): bigger pages, which DuckDB writes on all cores, in fewer
        # transactions. Each page is still written with its position in one transaction.
        self.bulk = behind > 2 * BIG_PAGE
        page_size = BIG_PAGE if self.bulk else PAGE
        started = self.warm_helpers() if self.bulk else None
        try:
            for page in prefetched(self.app.log_after(start, page_size, stop, stored)):
                self._apply_page(page)
                read += len(page)
                if progress is not None:
                    progress("read", len(page))
            self.recompute_dirty(progress, started)
        finally:
            if started is not None:
                started.close()
        return read

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with transaction(self.con) as con:
            yield con


__all__ = ["ENTRY_FIELDS", "FORMAT", "Projector", "StageProgress"]
