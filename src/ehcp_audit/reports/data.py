"""What the reports read: the interface the application's store implements (see bootstrap)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol, TypeAlias, cast

if TYPE_CHECKING:
    # Annotations only: a report that writes no DataFrame never loads pandas (0.4 s).
    import pandas as pd
    import pyarrow as pa

# Rows in the form a store gives most cheaply, for loading into DuckDB (view/frames.py).
Rows: TypeAlias = "pd.DataFrame | pa.Table"


class ReportData(Protocol):
    def compliance(self, as_of: date) -> pd.DataFrame:
        """One row per (child, cycle, measure) and per phase transfer, evaluated as of `as_of`.

        Columns: child_id, cycle, due_on, meeting_on, school_urn, measure, deadline, done_on,
        status (RULES.md section 4 "Compliance CSV"); dates are datetime.date or None/NaT.
        """
        ...

    def setting_compliance(self, as_of: date, urn: str) -> pd.DataFrame:
        """At least the rows of every child who can be placed at setting `urn` as of `as_of`,
        each such child with all its rows (a report filters by setting itself); a store may
        answer with every row, as `compliance` does."""
        ...

    def entries(self) -> pd.DataFrame:
        """Every recorded entry, voids and voided ones included, in log order.

        Columns: position, child_id, action, occurred_on, recorded_by, recorded_at, imported_at,
        source, source_row, details (JSON object of the other columns), voided, void_reason.
        """
        ...

    def rejected_rows(self) -> pd.DataFrame:
        """Rows refused by imports: imported_at, source, row, error."""
        ...

    def school_names(self) -> dict[str, str]:
        """URN -> school name, for the URNs whose name is known."""
        ...

    def log_position(self) -> int:
        """The event-log position the data was computed from."""
        ...

    def head_hash(self) -> str | None:
        """The head of the integrity chain, or None while there is none."""
        ...

    def verification(self) -> str | None:
        """The result of checking the log up to the data's position against its hash chain when
        the data was read, in plain words (None where the store keeps no chain)."""
        ...


def compliance_rows(data: ReportData, as_of: date, urn: str | None = None) -> Rows:
    """`data.compliance(as_of)` (with `urn`: `setting_compliance(as_of, urn)`) for loading into
    DuckDB: a store may offer the same rows as an Arrow table (`compliance_rows(as_of, urn)`,
    optional: the view's does), a fraction of a DataFrame's cost at authority scale."""
    offered = _offered(data, "compliance_rows", as_of, urn)
    if offered is not None:
        return offered
    return data.compliance(as_of) if urn is None else data.setting_compliance(as_of, urn)


def period_rows(data: ReportData, as_of: date, start: date, end: date) -> Rows:
    """At least the rows of `compliance_rows(data, as_of)` that a count of the days [start, end]
    reads (figures.by_measure filters by period itself): a store may offer just those
    (`period_rows(as_of, start, end)`, optional: the view's does)."""
    offered = _offered(data, "period_rows", as_of, start, end)
    return offered if offered is not None else compliance_rows(data, as_of)


def rejected_rows(data: ReportData) -> Rows:
    """`data.rejected_rows()`, or the same rows as an Arrow table where the store offers them
    (`rejected_table()`, optional: the view's does)."""
    offered = _offered(data, "rejected_table")
    return offered if offered is not None else data.rejected_rows()


def period_entry_rows(data: ReportData, start: date, end: date) -> Rows:
    """At least the rows of `entry_rows(data)` recorded or dated in [start, end] (a month's
    data-quality checks filter by period themselves): a store may offer just those
    (`period_entry_rows(start, end)`, optional: the view's does)."""
    offered = _offered(data, "period_entry_rows", start, end)
    return offered if offered is not None else entry_rows(data)


def action_entry_rows(data: ReportData, actions: tuple[str, ...]) -> Rows:
    """At least the rows of `entry_rows(data)` with one of `actions`: a store may offer just
    those (`action_entry_rows(actions)`, optional: the view's does)."""
    offered = _offered(data, "action_entry_rows", actions)
    return offered if offered is not None else entry_rows(data)


def measure_rows(data: ReportData, as_of: date, measures: Sequence[str]) -> Rows:
    """At least the rows of `compliance_rows(data, as_of)` of `measures` (the caller filters
    by measure itself): a store may offer just those (`measure_rows(as_of, measures)`,
    optional: the view's does)."""
    offered = _offered(data, "measure_rows", as_of, measures)
    return offered if offered is not None else compliance_rows(data, as_of)


def entry_rows(data: ReportData) -> Rows:
    """`data.entries()`, or the same rows as an Arrow table where the store offers them
    (`entry_rows()`, optional: the view's does)."""
    offered = _offered(data, "entry_rows")
    return offered if offered is not None else data.entries()


def child_entries(data: ReportData, children: Sequence[str]) -> pd.DataFrame:
    """The rows of `data.entries()` of `children` only: a pack names a few children, and the
    whole log as a DataFrame costs seconds at authority scale."""
    import pandas

    rows = entry_rows(data)
    if isinstance(rows, pandas.DataFrame):
        return rows[rows["child_id"].isin(list(children))]
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = pa.array(list(children), type=rows.schema.field("child_id").type)
    return rows.filter(pc.is_in(rows.column("child_id"), value_set=wanted)).to_pandas()


def _offered(data: ReportData, name: str, *args: object) -> Rows | None:
    """The rows the store offers in a cheaper form under `name` (an optional method of
    ReportData: the view's has them all), or None when it offers none."""
    cheaper = getattr(data, name, None)
    return cast("Rows", cheaper(*args)) if cheaper is not None else None
