"""The local authority's monthly report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from ehcp_audit import clock
from ehcp_audit.reports.capped import Capped, latest
from ehcp_audit.reports.charts import TrendChart
from ehcp_audit.reports.current_work import (
    LIST_LIMIT,
    ClosedSummary,
    WorkList,
    closed_summary,
    work_list,
)
from ehcp_audit.reports.data import ReportData, compliance_rows
from ehcp_audit.reports.figures import Counts, by_school
from ehcp_audit.reports.headline import MeasureFigure, key_figures, measure_figures, trends
from ehcp_audit.reports.output import write_report
from ehcp_audit.reports.provenance import Provenance, load_month_log, provenance
from ehcp_audit.reports.quality import DataQuality, QualityLists, capped_quality, data_quality
from ehcp_audit.reports.steps import STEPS
from ehcp_audit.reports.summary import monthly_summary, overdue_by_owner
from ehcp_audit.reports.targets import target_arguments
from ehcp_audit.reports.worklist import (
    DUE_SOON_DAYS,
    Item,
    MissedItem,
    due_soon_items,
    missed_items,
    overdue_items,
)
from ehcp_audit.reports.worklist_file import worklist_name, write_worklist
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.periods import Month, default_as_of


@dataclass(frozen=True)
class SchoolCell:
    measure: str
    counts: Counts


@dataclass(frozen=True)
class SchoolRow:
    urn: str
    name: str
    cells: tuple[SchoolCell, ...]


@dataclass(frozen=True)
class MonthlyContext:
    TEMPLATE: ClassVar[str] = "monthly.html"

    title: str
    period_label: str
    month: str
    provenance: Provenance
    summary: tuple[str, ...]
    key_figures: tuple[MeasureFigure, ...]
    figures: tuple[MeasureFigure, ...]
    trends: tuple[TrendChart, ...]
    school_measures: tuple[tuple[str, str], ...]
    schools: tuple[SchoolRow, ...]
    overdue: WorkList
    missed: Capped[MissedItem]
    due_soon: WorkList
    due_until: date
    closed: ClosedSummary
    list_limit: int
    worklist_file: str
    quality: QualityLists
    # Every item of the lists the page cuts short, for the companion workbook.
    work_items: tuple[tuple[Item, ...], tuple[Item, ...]]
    missed_items: tuple[MissedItem, ...]
    quality_items: DataQuality


SCHOOL_MEASURES = (
    "review_on_time",
    "invitations_2_weeks",
    "papers_circulated_2_weeks",
    "paperwork_2_weeks",
    "decision_4_weeks",
)


def school_rows(
    table: dict[str, dict[str, SchoolCell]], names: dict[str, str]
) -> tuple[SchoolRow, ...]:
    rows = [
        SchoolRow(urn=urn, name=names.get(urn, ""), cells=tuple(cells[m] for m in SCHOOL_MEASURES))
        for urn, cells in table.items()
    ]
    # Named settings first by name, then unnamed ones by URN, then "no setting recorded".
    return tuple(sorted(rows, key=lambda r: (r.urn == "", r.name == "", r.name.casefold(), r.urn)))


def school_totals(rows: tuple[SchoolRow, ...]) -> list[tuple[str, Counts]]:
    """Each recorded setting's steps over the settings table's measures, by name."""
    return [
        (row.name or f"URN {row.urn}", sum((c.counts for c in row.cells), Counts()))
        for row in rows
        if row.urn
    ]


def monthly_context(
    data: ReportData, month: Month, as_of: date, targets: Mapping[str, Decimal] | None = None
) -> MonthlyContext:
    names = data.school_names()
    con = compliance_connection(compliance_rows(data, as_of))
    try:
        load_month_log(con, data, month.start, month.end)
        figures = measure_figures(con, data, month, as_of)
        counts = by_school(con, month)
        table = {
            urn: {m: SchoolCell(m, per.get(m, Counts())) for m in SCHOOL_MEASURES}
            for urn, per in counts.items()
        }
        due_until = as_of + timedelta(days=DUE_SOON_DAYS)
        schools = school_rows(table, names)
        overdue = tuple(overdue_items(con, as_of, names))
        due_soon = tuple(due_soon_items(con, as_of, due_until, names))
        missed = tuple(missed_items(con, month.start, month.end, names))
        quality = data_quality(con, month.start, month.end)
        command = ["monthly", "--month", str(month), "--as-of", as_of.isoformat()]
        return MonthlyContext(
            title=f"EHCP annual reviews, {month.label}: local authority report",
            period_label=month.label,
            month=str(month),
            provenance=provenance(con, data, as_of, command + target_arguments(targets)),
            summary=monthly_summary(
                month, as_of, figures, overdue_by_owner(overdue), school_totals(schools)
            ),
            key_figures=key_figures(figures),
            figures=figures,
            trends=trends(con, month.shift(-11), month, targets=targets),
            school_measures=tuple((m, STEPS[m].title) for m in SCHOOL_MEASURES),
            schools=schools,
            overdue=work_list(overdue, LIST_LIMIT),
            missed=latest(missed, LIST_LIMIT, _missed_on),
            due_soon=work_list(due_soon, LIST_LIMIT),
            due_until=due_until,
            closed=closed_summary(overdue),
            list_limit=LIST_LIMIT,
            worklist_file=worklist_name(month),
            quality=capped_quality(quality, LIST_LIMIT),
            work_items=(overdue, due_soon),
            missed_items=missed,
            quality_items=quality,
        )
    finally:
        con.close()


def _missed_on(item: MissedItem) -> date:
    """The day that puts a missed step in its month (missed_items.sql)."""
    return item.deadline or item.done_on or item.meeting_on or date.min


def build_monthly(
    data: ReportData,
    month: str | Month,
    as_of: date | None = None,
    out_dir: Path = Path("reports"),
    targets: Mapping[str, Decimal] | None = None,
) -> Path:
    """Write reports/monthly-YYYY-MM.html and its companion worklist-YYYY-MM.xlsx; return the
    report's path."""
    month = Month.parse(month) if isinstance(month, str) else month
    as_of = as_of or default_as_of(month, clock.today())
    context = monthly_context(data, month, as_of, targets)
    write_worklist(
        out_dir / context.worklist_file,
        *context.work_items,
        context.missed_items,
        context.quality_items,
    )
    return write_report(context, out_dir / f"monthly-{month}.html")
