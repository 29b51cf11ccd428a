"""The authority's figure set beside a published England figure, under DfE's own definition.

A shipped benchmark names the DfE variable it is (`dfe_variable`); the authority's figure for
the same calendar year is that variable's row of `export dfe-measures` (view/dfe_measures.py),
so a report and the export can never disagree on it. The reports' monthly step rates are a
different measure (steps whose deadline fell in the month) and are not compared with England.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ehcp_audit.reports.benchmarks import Benchmark
from ehcp_audit.reports.data import ReportData, action_entry_rows, measure_rows
from ehcp_audit.view.dfe_measures import (
    COLUMNS,
    READ_ACTIONS,
    READ_MEASURES,
    dfe_measure_rows,
    year_end,
)


@dataclass(frozen=True)
class DfeFigure:
    """One DfE variable for the authority in one calendar year, or why there is none."""

    variable: str
    year: int
    part: int = 0
    whole: int = 0
    percent: str = ""  # "49.3%", rounded as DfE publishes; "" when there is no figure
    missing: str = ""  # why there is no figure

    @property
    def counts_text(self) -> str:
        return f"{self.part:,} of {self.whole:,}"


def dfe_figure(data: ReportData, variable: str, year: int, as_of: date) -> DfeFigure:
    """`variable` of `export dfe-measures --year year`, if the year was over on `as_of`."""
    if as_of < year_end(year):
        return DfeFigure(variable, year, missing=f"{year} was not over on {as_of:%d/%m/%Y}")
    # Arrow rows, not DataFrames: the year end's rows are kept in the view (view/kept_answers.py)
    # and only the entries of the actions the figures read are fetched.
    entries = action_entry_rows(data, READ_ACTIONS)
    rows_read = measure_rows(data, year_end(year), READ_MEASURES)
    found = dfe_measure_rows(rows_read, entries, year)
    rows: dict[str, dict[str, Any]] = {
        str(r["variable"]): r for r in (dict(zip(COLUMNS, t, strict=True)) for t in found)
    }
    row = rows[variable]
    whole = int(rows[str(row["percent_of"])]["value"])
    if not whole:
        return DfeFigure(variable, year, missing=f"no review was completed in {year}")
    return DfeFigure(variable, year, int(row["value"]), whole, f"{float(row['percent']):.1f}%")


def dfe_figures(
    data: ReportData, benchmarks: Mapping[str, Benchmark], as_of: date
) -> dict[str, DfeFigure]:
    """By measure, the authority's figure for each benchmark that is a DfE variable, in the
    benchmark's year."""
    return {
        measure: dfe_figure(data, b.dfe_variable, int(b.period), as_of)
        for measure, b in benchmarks.items()
        if b.dfe_variable
    }
