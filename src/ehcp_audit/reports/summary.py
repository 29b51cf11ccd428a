"""The plain-English summary that opens the monthly and school reports: this month's rates
against last month, the authority and England; the overdue steps by owner; the weakest settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from ehcp_audit.reports.benchmarks import Benchmark
from ehcp_audit.reports.current_work import current_items
from ehcp_audit.reports.england import DfeFigure
from ehcp_audit.reports.figures import Counts
from ehcp_audit.reports.headline import MeasureFigure
from ehcp_audit.reports.rate_format import points_difference, points_size
from ehcp_audit.reports.render import uk_date
from ehcp_audit.reports.steps import LOCAL_AUTHORITY, SETTING
from ehcp_audit.reports.worklist import Item
from ehcp_audit.view.periods import Month

# What the rate of each measure the summary names is a share of.
_SHARE_OF: Mapping[str, str] = {
    "review_on_time": "of annual review meetings were held by their due date",
    "review_decided_12_months": "of reviews were decided within 12 months (the statutory measure)",
    "decision_4_weeks": "of decisions were issued within 4 weeks of the meeting",
}
_LEAD = ("review_on_time", "review_decided_12_months")
WORST_SCHOOLS = 3


@dataclass(frozen=True)
class OwnerCounts:
    setting: int = 0
    local_authority: int = 0

    @property
    def total(self) -> int:
        return self.setting + self.local_authority


def overdue_by_owner(items: Iterable[Item]) -> OwnerCounts:
    """The overdue steps the summary counts, by who owes them: those of each child's current
    review, as the work lists show them (closed reviews are counted apart)."""
    owners = [item.owner for item in current_items(list(items))]
    return OwnerCounts(owners.count(SETTING), owners.count(LOCAL_AUTHORITY))


def _steps(n: int) -> str:
    return "1 step" if n == 1 else f"{n:,} steps"


def _rate(counts: Counts) -> str:
    few = ", few cases" if counts.few else ""
    return f"{counts.percent} ({counts.met:,} of {counts.denominator:,}{few})"


def _movement(now: Counts, before: Counts, month: Month) -> str:
    difference = points_difference(now, before)
    if difference is None:
        return f"not compared with {month.label} (no rate or too few cases)"
    if difference == 0:
        return f"unchanged from {month.label}"
    word = "up" if difference > 0 else "down"
    return f"{word} {points_size(difference)} on {month.label}"


def _share(figure: MeasureFigure, month: Month) -> str:
    if figure.counts.denominator == 0:
        return f"nothing was due for “{figure.title}”"
    text = f"{_rate(figure.counts)} {_SHARE_OF[figure.measure]}"
    if figure.previous is not None:
        text += ", " + _movement(figure.counts, figure.previous.counts, month.shift(-1))
    return text


def _rates_sentence(by_measure: Mapping[str, MeasureFigure], month: Month) -> str:
    shares = [_share(by_measure[m], month) for m in _LEAD]
    return f"In {month.label}, {shares[0]}; {shares[1]}."


_DFE_SHARE = {
    "decision_4_weeks": "of annual reviews completed in the year were decided within 4 weeks of "
    "the meeting",
}


def _england_sentence(figures: Sequence[MeasureFigure]) -> str | None:
    """England beside the authority on DfE's definition and year, never beside the month's
    step rate (a different measure)."""
    compared = [_dfe_text(f.benchmark, f.dfe) for f in figures if f.benchmark and f.dfe]
    return " ".join(compared) or None


def _dfe_text(benchmark: Benchmark, dfe: DfeFigure) -> str:
    england = f"{benchmark.percent} across England (median authority {benchmark.median_percent})"
    if dfe.missing:
        return (
            f"On DfE's measure for {dfe.year}, {england}; no figure for this authority "
            f"({dfe.missing})."
        )
    share = _DFE_SHARE.get(dfe.variable, f"for {dfe.variable}")
    figure = f"{dfe.percent} ({dfe.counts_text})"
    return f"On DfE's measure for {dfe.year}, {figure} {share}, against {england}."


def _authority_sentence(la: Mapping[str, Counts]) -> str:
    parts = [f"{_rate(la[m])} {_SHARE_OF[m]}" for m in _LEAD if la[m].denominator]
    if not parts:
        return "Across the local authority, nothing was due on these two measures this month."
    return f"Across the local authority, {' and '.join(parts)}."


def _overdue_sentence(counts: OwnerCounts, as_of: date, setting_word: str) -> str:
    if counts.total == 0:
        return f"On {uk_date(as_of)}, no step was overdue."
    verb = "was" if counts.total == 1 else "were"
    return (
        f"On {uk_date(as_of)}, {_steps(counts.total)} {verb} overdue: "
        f"{counts.setting:,} owed by {setting_word} and {counts.local_authority:,} "
        "by the local authority."
    )


def worst_schools(
    schools: Iterable[tuple[str, Counts]], limit: int = WORST_SCHOOLS
) -> list[tuple[str, Counts]]:
    """The settings with the lowest on-time rate, among those with enough cases to judge."""
    judged = [(name, c) for name, c in schools if c.denominator and not c.few]
    judged.sort(key=lambda nc: (Fraction(nc[1].met, nc[1].denominator), -nc[1].denominator))
    return judged[:limit]


def _schools_sentence(schools: Iterable[tuple[str, Counts]], month: Month) -> str:
    worst = worst_schools(schools)
    if not worst:
        return (
            f"No setting had 10 or more steps due in {month.label}, so none is named as the lowest."
        )
    named = [f"{name} {_rate(counts)}" for name, counts in worst]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return (
        f"Lowest share of steps done on time in {month.label}, among settings with "
        f"10 or more steps due: {listed}."
    )


def monthly_summary(
    month: Month,
    as_of: date,
    figures: Sequence[MeasureFigure],
    overdue: OwnerCounts,
    schools: Iterable[tuple[str, Counts]],
) -> tuple[str, ...]:
    """Four sentences for the local authority's monthly report."""
    by_measure = {f.measure: f for f in figures}
    sentences = [_rates_sentence(by_measure, month), _england_sentence(figures)]
    sentences += [_overdue_sentence(overdue, as_of, "settings"), _schools_sentence(schools, month)]
    return tuple(s for s in sentences if s)


def school_summary(
    month: Month,
    as_of: date,
    figures: Sequence[MeasureFigure],
    authority: Mapping[str, Counts],
    overdue: OwnerCounts,
) -> tuple[str, ...]:
    """Three sentences for a setting's report: the setting, then the whole authority."""
    by_measure = {f.measure: f for f in figures}
    return (
        _rates_sentence(by_measure, month),
        _authority_sentence(authority),
        _overdue_sentence(overdue, as_of, "the setting"),
    )
