"""One setting's monthly report, for its SENCO: the setting's own actions first, then what it
waits for from the local authority (current reviews only), then the figures it can affect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from ehcp_audit.reports.charts import TrendChart
from ehcp_audit.reports.current_work import WorkList, work_list
from ehcp_audit.reports.data import ReportData
from ehcp_audit.reports.figures import by_measure
from ehcp_audit.reports.filenames import safe_name
from ehcp_audit.reports.headline import MeasureFigure, measure_figures, trends
from ehcp_audit.reports.monthly import DUE_SOON_DAYS
from ehcp_audit.reports.output import write_report
from ehcp_audit.reports.provenance import Provenance, load_log, provenance
from ehcp_audit.reports.steps import SETTING
from ehcp_audit.reports.summary import overdue_by_owner, school_summary
from ehcp_audit.reports.targets import target_arguments
from ehcp_audit.reports.worklist import (
    MissedItem,
    due_soon_items,
    missed_items,
    overdue_items,
)
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.periods import Month, default_as_of


@dataclass(frozen=True)
class SchoolContext:
    TEMPLATE: ClassVar[str] = "school.html"

    title: str
    period_label: str
    month: str
    school_urn: str
    school_name: str
    provenance: Provenance
    summary: tuple[str, ...]
    key_figures: tuple[MeasureFigure, ...]  # headline cards: measures the setting can affect
    figures: tuple[MeasureFigure, ...]  # every measure the setting owns
    la_figures: tuple[MeasureFigure, ...]  # the measures the local authority owns
    trends: tuple[TrendChart, ...]
    overdue: WorkList
    missed: tuple[MissedItem, ...]
    due_soon: WorkList
    closed: int  # overdue steps of reviews the children have moved past (not listed)
    due_until: date


# The headline cards: the setting's own steps that most shape a review.
CARD_MEASURES = (
    "review_on_time",
    "invitations_2_weeks",
    "papers_circulated_2_weeks",
    "paperwork_2_weeks",
)


def school_context(
    data: ReportData,
    urn: str,
    month: Month,
    as_of: date,
    targets: Mapping[str, Decimal] | None = None,
) -> SchoolContext:
    names = data.school_names()
    name = names.get(urn, "")
    con = compliance_connection(data.compliance(as_of))
    try:
        load_log(con, data)
        figures = measure_figures(con, data, month, as_of, school_urn=urn, with_benchmarks=False)
        due_until = as_of + timedelta(days=DUE_SOON_DAYS)
        command = ["school", urn, "--month", str(month), "--as-of", as_of.isoformat()]
        overdue = tuple(overdue_items(con, as_of, names, school_urn=urn))
        authority = by_measure(con, month.start, month.end)
        own = tuple(f for f in figures if f.owner == SETTING)
        return SchoolContext(
            title=f"EHCP annual reviews, {month.label}: {name or 'URN ' + urn}",
            period_label=month.label,
            month=str(month),
            school_urn=urn,
            school_name=name,
            provenance=provenance(con, data, as_of, command + target_arguments(targets)),
            summary=school_summary(month, as_of, figures, authority, overdue_by_owner(overdue)),
            key_figures=tuple(f for f in own if f.measure in CARD_MEASURES),
            figures=own,
            la_figures=tuple(f for f in figures if f.owner != SETTING),
            trends=trends(
                con, month.shift(-11), month, CARD_MEASURES, school_urn=urn, targets=targets
            ),
            overdue=work_list(overdue),
            missed=tuple(missed_items(con, month.start, month.end, names, school_urn=urn)),
            due_soon=work_list(due_soon_items(con, as_of, due_until, names, school_urn=urn)),
            closed=sum(1 for i in overdue if i.closed),
            due_until=due_until,
        )
    finally:
        con.close()


def known_urns(data: ReportData) -> set[str]:
    """Every setting URN the data knows: placements in the compliance rows and named schools."""
    urns = set(data.school_names())
    frame = data.compliance(date.today())
    urns.update(str(u) for u in frame["school_urn"].dropna().unique() if str(u))
    return urns


def build_school(
    data: ReportData,
    urn: str,
    month: str | Month,
    as_of: date | None = None,
    out_dir: Path = Path("reports"),
    targets: Mapping[str, Decimal] | None = None,
) -> Path:
    """Write reports/school-URN-YYYY-MM.html and return its path."""
    month = Month.parse(month) if isinstance(month, str) else month
    as_of = as_of or default_as_of(month, date.today())
    context = school_context(data, urn, month, as_of, targets)
    return write_report(context, out_dir / f"school-{safe_name(urn)}-{month}.html")
