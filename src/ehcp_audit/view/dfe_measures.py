"""`export dfe-measures`: the annual-review and phase-transfer figures of DfE's "Education, health
and care plans" statistics for one calendar year, under the variable names of its data sets
(each definition and our reading: docs/formats.md, "DfE's published measures")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ehcp_audit.view.frames import compliance_connection, register_entries
from ehcp_audit.view.queries import records

if TYPE_CHECKING:
    import pandas as pd  # the export's output; a report reads the rows (dfe_measure_rows)
    import pyarrow as pa

COLUMNS = (
    "time_period",
    "time_identifier",
    "data_set",
    "variable",
    "value",
    "percent",
    "percent_of",
    "origin",
    "description",
)
ANNUAL_REVIEWS = "Number of annual reviews of EHC plans"
PHASE_TRANSFERS = "Number of phase transfers for EHC plans"
DFE = "DfE variable"
OURS = "ehcp-audit addition"
# What dfe_annual_reviews.sql and dfe_phase_transfers.sql read: only these rows are loaded (at
# authority scale the rest is most of the cost).
READ_MEASURES = ("review_decided_12_months", "decision_4_weeks", "phase_transfer_deadline")
READ_ACTIONS = ("plan_issued", "plan_ceased", "decision_issued")


@dataclass(frozen=True)
class Figure:
    variable: str
    query_column: str
    percent_of: str | None
    origin: str
    description: str


def year_end(year: int) -> date:
    """The as-of day of a year's figures: what the log says had happened by 31 December."""
    return date(year, 12, 31)


def _review_figures(year: int) -> tuple[Figure, ...]:
    expected = f"review_expected_{year}"
    completed = f"review_completed_{year}"
    return (
        Figure("total_ehc_plans", "total_ehc_plans", None, DFE,
               f"EHC plans in force at any time in {year}"),
        Figure(expected, "review_expected", "total_ehc_plans", DFE,
               f"Plans whose statutory 12-month review period ended in {year}"),
        Figure(f"review_not_expected_{year}", "review_not_expected", "total_ehc_plans", DFE,
               f"Plans in force in {year} with no review period ending in {year}"),
        Figure(completed, "review_completed", expected, DFE,
               f"Expected reviews whose decision was issued in {year}"),
        Figure(f"review_completed_prior_{year}", "review_completed_prior", expected, DFE,
               f"Expected reviews whose decision was issued before {year} (an early review)"),
        Figure("review_not_completed", "review_not_completed", expected, DFE,
               f"Expected reviews with no decision issued by 31 December {year}"),
        Figure("outcome_amended", "outcome_amended", completed, DFE,
               "Completed reviews decided: amend the plan"),
        Figure("outcome_ceased", "outcome_ceased", completed, DFE,
               "Completed reviews decided: cease the plan"),
        Figure("outcome_maintained", "outcome_maintained", completed, DFE,
               "Completed reviews decided: maintain the plan"),
        Figure("no_outcome_recorded", "no_outcome_recorded", completed, DFE,
               "Completed reviews whose decision records no outcome"),
        Figure("decision_4_weeks", "decision_4_weeks", completed, DFE,
               "Completed reviews decided within 4 weeks (28 days) of the review meeting"),
        Figure("decision_over_4_weeks", "decision_over_4_weeks", completed, DFE,
               "Completed reviews decided more than 4 weeks after the review meeting"),
    )  # fmt: skip


def _transfer_figures(year: int) -> tuple[Figure, ...]:
    yy, before = f"{year % 100:02d}", f"{(year - 1) % 100:02d}"
    due = f"due_{yy}"
    return (
        Figure(due, "due", None, DFE,
               f"Plans with a phase transfer whose deadline (15 Feb or 31 Mar) is in {year}"),
        Figure(f"final_{before}", "final_before", due, DFE,
               f"Of those, the final plan was issued in {year - 1}"),
        Figure(f"final_{yy}", "final_in", due, DFE,
               f"Of those, the final plan was issued in {year}"),
        Figure("final_by_deadline", "final_by_deadline", due, OURS,
               "Of those, the final plan was issued on or before the deadline"),
        Figure("final_after_deadline", "final_after_deadline", due, OURS,
               "Of those, the final plan was issued after the deadline"),
        Figure("no_final_plan", "no_final_plan", due, OURS,
               f"Of those, no final plan was issued by 31 December {year}"),
    )  # fmt: skip


def dfe_measures(
    compliance: pd.DataFrame | pa.Table, entries: pd.DataFrame | pa.Table, year: int
) -> pd.DataFrame:
    """The figures for calendar `year`, one row per variable (COLUMNS).

    `compliance`: the rows as of 31 December of `year` (year_end); `entries`: every entry with its
    `voided` flag (reports.data.ReportData.entries); either as a DataFrame or an Arrow table.
    """
    import pandas as pd

    rows = dfe_measure_rows(compliance, entries, year)
    return pd.DataFrame.from_records(rows, columns=list(COLUMNS))


def dfe_measure_rows(
    compliance: pd.DataFrame | pa.Table, entries: pd.DataFrame | pa.Table, year: int
) -> list[tuple[object, ...]]:
    """The rows of `dfe_measures` as tuples of COLUMNS."""
    con = compliance_connection(_only(compliance, "measure", READ_MEASURES))
    try:
        register_entries(con, _only(entries, "action", READ_ACTIONS))
        # Arrow rows arrive uncut (pyarrow imports pandas to filter them): cut here, in DuckDB.
        con.execute(
            "DELETE FROM compliance WHERE NOT list_contains($m, measure)", {"m": READ_MEASURES}
        )
        con.execute("DELETE FROM entries WHERE NOT list_contains($a, action)", {"a": READ_ACTIONS})
        span = {"start": date(year, 1, 1), "end": year_end(year)}
        (reviews,) = records(con, "dfe_annual_reviews", **span)
        (transfers,) = records(con, "dfe_phase_transfers", **span)
    finally:
        con.close()
    rows = _rows(year, ANNUAL_REVIEWS, _review_figures(year), reviews)
    rows += _rows(year, PHASE_TRANSFERS, _transfer_figures(year), transfers)
    return rows


def _only(
    rows: pd.DataFrame | pa.Table, column: str, values: tuple[str, ...]
) -> pd.DataFrame | pa.Table:
    """A DataFrame's rows whose `column` is one of `values`: fewer rows to load (an export's
    frames are the whole authority's). Arrow rows are cut once loaded (dfe_measure_rows)."""
    import pyarrow as pa

    return rows if isinstance(rows, pa.Table) else rows[rows[column].isin(values)]


def _rows(
    year: int, data_set: str, figures: tuple[Figure, ...], counts: dict[str, Any]
) -> list[tuple[object, ...]]:
    values = {f.variable: int(counts[f.query_column] or 0) for f in figures}
    return [
        (
            year,
            "Calendar year",
            data_set,
            f.variable,
            values[f.variable],
            _percent(values[f.variable], values[f.percent_of]) if f.percent_of else None,
            f.percent_of or "",
            f.origin,
            f.description,
        )
        for f in figures
    ]


def _percent(part: int, whole: int) -> float | None:
    """One decimal place, as DfE publishes (44.4), halves rounded up in whole numbers (no float
    can tip a tie); none when there is nothing to divide by. A number, so a spreadsheet can
    compute with it."""
    if whole == 0:
        return None
    return ((2000 * part + whole) // (2 * whole)) / 10
