"""`export kpis`: counts and rates per (school, measure) for one month (RULES.md s.3 and s.4)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from ehcp_audit.view.periods import Month
from ehcp_audit.view.queries import records, run
from ehcp_audit.view.rates import rate_text

if TYPE_CHECKING:
    import pandas as pd  # `export kpis` writes a DataFrame; the reports read plain rows

KPI_COLUMNS = (
    "period",
    "school_urn",
    "measure",
    "met",
    "missed",
    "overdue",
    "pending",
    "na",
    "rate",
)
COUNT_COLUMNS = ("met", "missed", "overdue", "pending", "na")
By = Literal["school", "none"]


def kpi_counts(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    *,
    by_school: bool,
    school_urn: str | None = None,
) -> pd.DataFrame:
    """Counts per (month, school_urn, measure) of the rows whose period date is in [start, end]."""
    frame = run(con, "kpi_counts", start=start, end=end, by_school=by_school, school_urn=school_urn)
    for column in COUNT_COLUMNS:
        frame[column] = frame[column].astype("int64")
    return frame


def kpi_count_rows(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    *,
    by_school: bool,
    school_urn: str | None = None,
) -> list[dict[str, Any]]:
    """`kpi_counts` as plain rows (counts as int), what the reports read."""
    return records(
        con, "kpi_counts", start=start, end=end, by_school=by_school, school_urn=school_urn
    )


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the `rate` column (4-decimal text, '' when met + missed + overdue is 0)."""
    frame = counts.copy()
    frame["rate"] = [
        rate_text(int(m), int(x), int(o))
        for m, x, o in zip(frame["met"], frame["missed"], frame["overdue"], strict=True)
    ]
    return frame


def kpis_frame(con: duckdb.DuckDBPyConnection, period: str, by: By) -> pd.DataFrame:
    """The `export kpis` rows for month `period` ('YYYY-MM') from the `compliance` relation."""
    if by not in ("school", "none"):
        raise ValueError(f"by must be 'school' or 'none', not {by!r}")
    month = Month.parse(period)
    counts = kpi_counts(con, month.start, month.end, by_school=by == "school")
    frame = with_rates(counts)
    frame["period"] = str(month)
    frame["school_urn"] = frame["school_urn"].astype(object)
    return frame.loc[:, list(KPI_COLUMNS)].reset_index(drop=True)

