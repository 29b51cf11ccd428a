"""The reports' data (reports.data.ReportData) read from the compliance view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb
import pyarrow as pa

from ehcp_audit.view.compliance_view import ComplianceView
from ehcp_audit.view.row_tuples import entries_by_child
from ehcp_audit.view.sql_files import sql_text
from ehcp_audit.view.voided_entries import voided_rows

if TYPE_CHECKING:
    import pandas as pd  # loaded by the answers that are DataFrames, not by the others

    from ehcp_audit.store.check import Verified

T = TypeVar("T")


def _arrow(answer: duckdb.DuckDBPyRelation) -> pa.Table:
    return answer.to_arrow_table()


def _records(answer: duckdb.DuckDBPyRelation) -> list[dict[str, Any]]:
    return [dict(zip(answer.columns, row, strict=True)) for row in answer.fetchall()]


class ViewReportData:
    def __init__(
        self, view: ComplianceView, at_position: int | None = None, checked: Verified | None = None
    ) -> None:
        """`checked`: the chain's point verified up to the data's position (None: no chain)."""
        self.view = view
        self.at_position = at_position
        self.checked = checked
        self._compliance: dict[date, pd.DataFrame] = {}
        self._setting: dict[tuple[date, str], pd.DataFrame] = {}
        self._tables: dict[tuple[date, str | None], pa.Table] = {}
        self._entries: pd.DataFrame | None = None
        self._entry_table: pa.Table | None = None
        self._action_tables: dict[tuple[str, ...], pa.Table] = {}
        self._voided_rows: pa.Table | None = None
        self._names: dict[str, str] | None = None

    def compliance(self, as_of: date) -> pd.DataFrame:
        if as_of not in self._compliance:
            self._compliance[as_of] = self.view.compliance(as_of, at_position=self.at_position)
        return self._compliance[as_of]

    def setting_compliance(self, as_of: date, urn: str) -> pd.DataFrame:
        if as_of in self._compliance:
            return self._compliance[as_of]
        if (as_of, urn) not in self._setting:
            self._setting[(as_of, urn)] = self.view.compliance(
                as_of, at_position=self.at_position, school_urn=urn
            )
        return self._setting[(as_of, urn)]

    def compliance_rows(self, as_of: date, urn: str | None = None) -> pa.Table:
        """Kept per day (and setting); a setting's rows are the whole authority's when those
        are at hand (a superset, as setting_compliance allows)."""
        key = (as_of, None) if (as_of, None) in self._tables else (as_of, urn)
        if key not in self._tables:
            self._tables[key] = self.view.compliance_table(
                as_of, at_position=self.at_position, school_urn=urn
            )
        return self._tables[key]

    def period_rows(self, as_of: date, start: date, end: date) -> pa.Table:
        """`compliance_rows(as_of)` cut to the rows a count of [start, end] reads (filtered in
        the view, or from the day's rows when those are at hand)."""
        if (as_of, None) in self._tables:
            return self._tables[(as_of, None)]
        return self.view.period_table(as_of, start, end, at_position=self.at_position)

    def measure_rows(self, as_of: date, measures: Sequence[str]) -> pa.Table:
        """`compliance_rows(as_of)` cut to `measures` (in the view, or the day's rows when
        those are at hand)."""
        if (as_of, None) in self._tables:
            return self._tables[(as_of, None)]
        return self.view.measure_table(as_of, measures, at_position=self.at_position)

    def entry_rows(self) -> pa.Table:
        """The rows of `entries()` as an Arrow table, built in DuckDB (reports.data.entry_rows)."""
        if self._entry_table is None:
            self._entry_table = self._with_voided(sql_text("entry_rows"), _arrow)
        return self._entry_table

    def period_entry_rows(self, start: date, end: date) -> pa.Table:
        """The rows of `entry_rows()` recorded or dated in [start, end] (what a month's data
        quality checks read: reports.data.period_entry_rows), selected in the view."""
        if self._entry_table is not None:
            return self._entry_table
        query = sql_text("period_entry_rows").format(entry_rows=sql_text("entry_rows"))
        return self._with_voided(query, _arrow, start=start, end=end)

    def action_entry_rows(self, actions: tuple[str, ...]) -> pa.Table:
        """The rows of `entry_rows()` with one of `actions` (reports.data.action_entry_rows),
        selected in the view."""
        if self._entry_table is not None:
            return self._entry_table
        if actions not in self._action_tables:
            query = sql_text("action_entry_rows").format(entry_rows=sql_text("entry_rows"))
            self._action_tables[actions] = self._with_voided(query, _arrow, actions=list(actions))
        return self._action_tables[actions]

    def source_summary(self) -> list[dict[str, Any]]:
        """Provenance's rows per source (reports.provenance.source_rows), read in the view."""
        return self._with_voided(sql_text("log_sources"), _records)

    def recorded_days(self) -> list[date]:
        """The business dates of the entries that stand, each once, in order
        (reports.coverage)."""
        days = self._with_voided(sql_text("recorded_days"), duckdb.DuckDBPyRelation.fetchall)
        return [d for (d,) in days]

    def _with_voided(
        self, query: str, fetch: Callable[[duckdb.DuckDBPyRelation], T], **params: Any
    ) -> T:
        """`fetch` of `query` (with `params`) over the view's entries up to the data's
        position $at, with `voided_input` (every voided entry) beside them."""
        limit = self.at_position if self.at_position is not None else 2**62
        con = self.view.con
        if self._voids_kept():
            con.execute(
                "CREATE OR REPLACE TEMP VIEW voided_input AS "
                "SELECT child_id, version, reason FROM voided_entries"
            )
        else:
            con.register("voided_input", self._voided_table())
        try:
            return fetch(con.sql(query, params={"at": limit, **params}))
        finally:
            if self._voids_kept():
                con.execute("DROP VIEW IF EXISTS voided_input")
            else:
                con.unregister("voided_input")

    def _voids_kept(self) -> bool:
        """Whether the view's `voided_entries` (kept for its whole log) are the data's: not
        for an earlier log position, whose voids are applied here."""
        return self.at_position is None or self.at_position >= self.view.position()

    def _voided_table(self) -> pa.Table:
        if self._voided_rows is None:
            self._voided_rows = pa.table(
                [list(c) for c in zip(*self._voided(), strict=True)] or [[], [], []],
                schema=pa.schema(
                    [("child_id", pa.string()), ("version", pa.int32()), ("reason", pa.string())]
                ),
            )
        return self._voided_rows

    def _voided(self) -> list[tuple[str, int, str | None]]:
        """(child, version, the void's reason) of every voided entry."""
        if self._voids_kept():
            return self.view.con.execute(
                "SELECT child_id, version, reason FROM voided_entries"
            ).fetchall()
        return [
            (child_id, seq, reason)
            for child_id, seq, _, reason in voided_rows(
                entries_by_child(self.view.voiding_entry_rows(self.at_position))
            )
        ]

    def entries(self) -> pd.DataFrame:
        if self._entries is None:
            frame = self.view.entries(self.at_position)
            voided = {(child, seq): reason for child, seq, reason in self._voided()}
            keys = list(zip(frame["child_id"], frame["version"], strict=True))
            frame["voided"] = [k in voided for k in keys]
            frame["void_reason"] = [voided.get(k) for k in keys]
            import pandas as pd

            frame["occurred_on"] = pd.to_datetime(frame["occurred_on"]).dt.date
            self._entries = frame.drop(columns=["version", "known_on"])
        return self._entries

    def rejected_rows(self) -> pd.DataFrame:
        limit = self.at_position if self.at_position is not None else 2**62
        return self.view.con.execute(
            'SELECT imported_at, source, "row", error FROM rejected_rows WHERE position <= ? '
            'ORDER BY position, "row"',
            [limit],
        ).df()

    def rejected_table(self) -> pa.Table:
        """The rows of `rejected_rows()` as an Arrow table (reports.data.rejected_rows)."""
        limit = self.at_position if self.at_position is not None else 2**62
        return self.view.con.sql(
            'SELECT imported_at, source, "row", error FROM rejected_rows WHERE position <= $at '
            'ORDER BY position, "row"',
            params={"at": limit},
        ).to_arrow_table()

    def school_names(self) -> dict[str, str]:
        """Read once (a school report asks twice: is the URN known, and its name)."""
        if self._names is None:
            self._names = self._school_names()
        return dict(self._names)

    def _school_names(self) -> dict[str, str]:
        limit = self.at_position if self.at_position is not None else 2**62
        rows = self.view.con.execute(sql_text("school_names"), {"at": limit}).fetchall()
        return dict(rows)

    def log_position(self) -> int:
        position = self.view.position()
        return position if self.at_position is None else min(self.at_position, position)

    def verification(self) -> str | None:
        if self.checked is None:
            return None  # this store keeps no chain (an in-memory one)
        return (
            f"intact: all {self.checked.entries:,} entries up to log position "
            f"{self.log_position()} match their hash chain (checked when this report was made)"
        )

    def head_hash(self) -> str | None:
        """Computed by the check, not read from the chain table."""
        if self.checked is None or self.checked.entries == 0:
            return None
        return self.checked.hash.hex()
