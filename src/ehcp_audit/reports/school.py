"""One setting's monthly report, for its SENCO: the setting's own actions first, then what it
waits for from the local authority (current reviews only), then the figures it can affect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar

from ehcp_audit import clock
from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports.charts import TrendChart
from ehcp_audit.reports.current_work import WorkList, work_list
from ehcp_audit.reports.data import ReportData, compliance_rows, period_rows
from ehcp_audit.reports.figures import Counts, by_measure, counts_by_school, series_from
from ehcp_audit.reports.filenames import safe_name
from ehcp_audit.reports.headline import (
    MeasureFigure,
    chart_measures,
    figures_from,
    trend_charts,
)
from ehcp_audit.reports.output import write_report
from ehcp_audit.reports.provenance import (
    Provenance,
    load_for_provenance,
    provenance,
    reproduce_line,
)
from ehcp_audit.reports.steps import SETTING
from ehcp_audit.reports.summary import overdue_by_owner, school_summary
from ehcp_audit.reports.targets import target_arguments
from ehcp_audit.reports.worklist import (
    DUE_SOON_DAYS,
    Item,
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


@dataclass(frozen=True)
class SchoolWork:
    """What the setting reports read, each query run once (for one setting or all) and split by
    URN: `report school --all` does the shared work once."""

    month: Month
    as_of: date
    targets: Mapping[str, Decimal]
    names: dict[str, str]
    authority: dict[str, Counts]
    # URN -> (month, measure): the 12 months of the trend charts and the month a year before,
    # all as of the report's as-of date.
    counts: dict[str, dict[tuple[str, str], Counts]]
    overdue: dict[str, list[Item]]
    due_soon: dict[str, list[Item]]
    missed: dict[str, list[MissedItem]]
    provenance: Provenance


class _AtSetting(Protocol):
    @property
    def school_urn(self) -> str: ...


T = TypeVar("T", bound=_AtSetting)


def _by_urn(items: list[T]) -> dict[str, list[T]]:
    """The items per setting, each setting's in the order given."""
    split: dict[str, list[T]] = {}
    for item in items:
        split.setdefault(item.school_urn, []).append(item)
    return split


def _command(month: Month, as_of: date, urn: str, targets: Mapping[str, Decimal]) -> list[str]:
    command = ["school", urn, "--month", str(month), "--as-of", as_of.isoformat()]
    return command + target_arguments(targets)


def school_work(
    data: ReportData,
    month: Month,
    as_of: date,
    targets: Mapping[str, Decimal] | None = None,
    only: str | None = None,
) -> SchoolWork:
    """The work of every setting's report, or (`only`) of one setting's, reading only the rows
    of the children ever placed there."""
    targets = targets or {}
    names = data.school_names()
    con = compliance_connection(compliance_rows(data, as_of, only))
    try:
        load_for_provenance(con, data)
        due_until = as_of + timedelta(days=DUE_SOON_DAYS)
        if only is None:
            authority = by_measure(con, month.start, month.end)
        else:
            authority = authority_counts(data, month, as_of)
        return SchoolWork(
            month=month,
            as_of=as_of,
            targets=targets,
            names=names,
            authority=authority,
            counts=counts_by_school(con, month.shift(-12).start, month.end, only),
            overdue=_by_urn(overdue_items(con, as_of, names, school_urn=only)),
            due_soon=_by_urn(due_soon_items(con, as_of, due_until, names, school_urn=only)),
            missed=_by_urn(missed_items(con, month.start, month.end, names, school_urn=only)),
            provenance=provenance(con, data, as_of, _command(month, as_of, only or "", targets)),
        )
    finally:
        con.close()


def _per_measure(found: Mapping[tuple[str, str], Counts], month: Month) -> dict[str, Counts]:
    return {m: found.get((str(month), m), Counts()) for m in MEASURES}


def school_context_from(work: SchoolWork, urn: str) -> SchoolContext:
    """One setting's report from the shared work."""
    month, as_of, name = work.month, work.as_of, work.names.get(urn, "")
    counts = work.counts.get(urn, {})
    figures = figures_from(
        _per_measure(counts, month),
        (month.shift(-1).label, _per_measure(counts, month.shift(-1))),
        (month.shift(-12).label, _per_measure(counts, month.shift(-12))),
        {},
    )
    overdue = tuple(work.overdue.get(urn, ()))
    own = tuple(f for f in figures if f.owner == SETTING)
    measures = chart_measures(CARD_MEASURES, work.targets)
    command = _command(month, as_of, urn, work.targets)
    return SchoolContext(
        title=f"EHCP annual reviews, {month.label}: {name or 'URN ' + urn}",
        period_label=month.label,
        month=str(month),
        school_urn=urn,
        school_name=name,
        provenance=replace(
            work.provenance, reproduce=reproduce_line(command, work.provenance.log_position)
        ),
        summary=school_summary(month, as_of, figures, work.authority, overdue_by_owner(overdue)),
        key_figures=tuple(f for f in own if f.measure in CARD_MEASURES),
        figures=own,
        la_figures=tuple(f for f in figures if f.owner != SETTING),
        trends=trend_charts(
            series_from(counts, month.shift(-11), month, measures), measures, work.targets
        ),
        overdue=work_list(overdue),
        missed=tuple(work.missed.get(urn, ())),
        due_soon=work_list(work.due_soon.get(urn, ())),
        closed=sum(1 for i in overdue if i.closed),
        due_until=as_of + timedelta(days=DUE_SOON_DAYS),
    )


def school_context(
    data: ReportData,
    urn: str,
    month: Month,
    as_of: date,
    targets: Mapping[str, Decimal] | None = None,
) -> SchoolContext:
    return school_context_from(school_work(data, month, as_of, targets, only=urn), urn)


def authority_counts(data: ReportData, month: Month, as_of: date) -> dict[str, Counts]:
    """The whole authority's counts per measure for the month (the summary compares with it)."""
    con = compliance_connection(period_rows(data, as_of, month.start, month.end))
    try:
        return by_measure(con, month.start, month.end)
    finally:
        con.close()


def known_urns(data: ReportData) -> set[str]:
    """Every setting URN the data knows: placements in the compliance rows and named schools."""
    urns = set(data.school_names())
    frame = data.compliance(clock.today())
    urns.update(str(u) for u in frame["school_urn"].dropna().unique() if str(u))
    return urns


def is_known_urn(data: ReportData, urn: str) -> bool:
    """`urn in known_urns(data)`, judging again only the children ever placed there."""
    if urn in data.school_names():
        return True
    return bool((data.setting_compliance(clock.today(), urn)["school_urn"] == urn).any())


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
    as_of = as_of or default_as_of(month, clock.today())
    context = school_context(data, urn, month, as_of, targets)
    return write_report(context, school_path(out_dir, urn, month))


def school_path(out_dir: Path, urn: str, month: Month) -> Path:
    return out_dir / f"school-{safe_name(urn)}-{month}.html"


def build_every_school(
    data: ReportData,
    month: Month,
    as_of: date,
    out_dir: Path = Path("reports"),
    targets: Mapping[str, Decimal] | None = None,
) -> list[Path]:
    """Every recorded setting's report (known_urns), the shared work done once; their paths."""
    work = school_work(data, month, as_of, targets)
    return [
        write_report(school_context_from(work, urn), school_path(out_dir, urn, month))
        for urn in sorted(known_urns(data))
    ]
