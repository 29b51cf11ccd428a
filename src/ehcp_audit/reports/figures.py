"""Headline counts and rates read from the `compliance` relation (the same SQL as `export kpis`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports import rate_format
from ehcp_audit.view.kpis import COUNT_COLUMNS, kpi_count_rows
from ehcp_audit.view.periods import Month, month_range
from ehcp_audit.view.rates import rate_text


@dataclass(frozen=True)
class Counts:
    met: int = 0
    missed: int = 0
    overdue: int = 0
    pending: int = 0
    na: int = 0

    @property
    def denominator(self) -> int:
        return self.met + self.missed + self.overdue

    @property
    def total(self) -> int:
        return self.denominator + self.pending + self.na

    @property
    def rate(self) -> str:
        return rate_text(self.met, self.missed, self.overdue)

    @property
    def percent(self) -> str:
        return rate_format.percent(self)

    @property
    def few(self) -> bool:
        return rate_format.few_cases(self)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, c) + getattr(other, c) for c in COUNT_COLUMNS))


def _counts(row: Mapping[str, Any]) -> Counts:
    return Counts(*(int(row[c]) for c in COUNT_COLUMNS))


def by_measure(
    con: duckdb.DuckDBPyConnection, start: date, end: date, school_urn: str | None = None
) -> dict[str, Counts]:
    """Counts per measure for the period [start, end] (every measure, zero when it has no rows)."""
    totals = {m: Counts() for m in MEASURES}
    for row in kpi_count_rows(con, start, end, by_school=False, school_urn=school_urn):
        measure = str(row["measure"])
        totals[measure] = totals.get(measure, Counts()) + _counts(row)
    return totals


def monthly_series(
    con: duckdb.DuckDBPyConnection,
    first: Month,
    last: Month,
    measures: tuple[str, ...],
    school_urn: str | None = None,
) -> dict[str, list[tuple[Month, Counts]]]:
    """Counts per month from `first` to `last` for each measure (one query for the whole range)."""
    rows = kpi_count_rows(con, first.start, last.end, by_school=False, school_urn=school_urn)
    found = {(str(r["period"]), str(r["measure"])): _counts(r) for r in rows}
    return series_from(found, first, last, measures)


def series_from(
    found: Mapping[tuple[str, str], Counts], first: Month, last: Month, measures: tuple[str, ...]
) -> dict[str, list[tuple[Month, Counts]]]:
    """monthly_series from counts per (month 'YYYY-MM', measure)."""
    months = month_range(first, last)
    return {m: [(mo, found.get((str(mo), m), Counts())) for mo in months] for m in measures}


def counts_by_school(
    con: duckdb.DuckDBPyConnection, start: date, end: date, school_urn: str | None = None
) -> dict[str, dict[tuple[str, str], Counts]]:
    """Counts per school URN ('' when none recorded), then per (month 'YYYY-MM', measure), for
    [start, end]: every setting's figures from one query (`report school --all`)."""
    table: dict[str, dict[tuple[str, str], Counts]] = {}
    for r in kpi_count_rows(con, start, end, by_school=True, school_urn=school_urn):
        table.setdefault(str(r["school_urn"]), {})[(str(r["period"]), str(r["measure"]))] = (
            _counts(r)
        )
    return table


def by_school(con: duckdb.DuckDBPyConnection, month: Month) -> dict[str, dict[str, Counts]]:
    """Counts per school URN ('' when none recorded) and measure for one month."""
    table: dict[str, dict[str, Counts]] = {}
    for row in kpi_count_rows(con, month.start, month.end, by_school=True):
        table.setdefault(str(row["school_urn"]), {})[str(row["measure"])] = _counts(row)
    return table
