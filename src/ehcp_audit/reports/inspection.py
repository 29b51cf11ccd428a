"""The inspection pack: long-run trends, the method, provenance and sampled case timelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports.benchmarks import Benchmark, national_benchmarks
from ehcp_audit.reports.charts import TrendChart
from ehcp_audit.reports.data import ReportData
from ehcp_audit.reports.figures import Counts, by_measure, monthly_series
from ehcp_audit.reports.headline import MeasureFigure, trends
from ehcp_audit.reports.method import HEADLINE_RATE, RULES, SOURCES, STATUS_RULES, MeasureRule
from ehcp_audit.reports.output import write_report
from ehcp_audit.reports.provenance import Provenance, load_log, provenance
from ehcp_audit.reports.steps import KEY_MEASURES, STEPS
from ehcp_audit.reports.timelines import CaseTimeline, case_timeline, sample_children
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.periods import Month, month_range


@dataclass(frozen=True)
class YearFigure:
    year: str
    counts: Counts
    benchmark: Benchmark | None


@dataclass(frozen=True)
class InspectionContext:
    TEMPLATE: ClassVar[str] = "inspection.html"

    title: str
    period_label: str
    provenance: Provenance
    headline_rule: str
    status_rules: tuple[tuple[str, str], ...]
    legal_sources: tuple[str, ...]
    method: tuple[MeasureRule, ...]
    measure_titles: dict[str, str]
    trends: tuple[TrendChart, ...]
    period_figures: tuple[MeasureFigure, ...]
    years: tuple[YearFigure, ...]
    sample_note: str
    cases: tuple[CaseTimeline, ...]


BENCHMARK_MEASURE = "decision_4_weeks"


def year_figures(series: list[tuple[Month, Counts]]) -> tuple[YearFigure, ...]:
    """The benchmark measure per calendar year, summed over the months of the range in that year."""
    years: dict[int, list[tuple[Month, Counts]]] = {}
    for month, counts in series:
        years.setdefault(month.year, []).append((month, counts))
    benchmarks = national_benchmarks()
    figures = []
    for year, months in years.items():
        total = sum((c for _, c in months), Counts())
        label = str(year)
        if len(months) < 12:
            label += f" ({months[0][0].start:%B} to {months[-1][0].start:%B} only)"
        benchmark = benchmarks.get(BENCHMARK_MEASURE)
        figures.append(
            YearFigure(
                label, total, benchmark if benchmark and str(year) == benchmark.period else None
            )
        )
    return tuple(figures)


def inspection_context(
    data: ReportData,
    first: Month,
    last: Month,
    as_of: date,
    sample: int,
    seed: int,
    children: tuple[str, ...] = (),
) -> InspectionContext:
    con = compliance_connection(data.compliance(as_of))
    try:
        load_log(con, data)
        totals = by_measure(con, first.start, last.end)
        series = monthly_series(con, first, last, (BENCHMARK_MEASURE,))[BENCHMARK_MEASURE]
        sampled = sample_children(con, first.start, last.end, sample, seed)
        chosen = [*dict.fromkeys(children)] + [c for c in sampled if c not in children]
        command = [
            "inspection",
            "--from",
            str(first),
            "--to",
            str(last),
            "--as-of",
            as_of.isoformat(),
            "--sample",
            str(sample),
            "--seed",
            str(seed),
        ]
        for child in children:
            command += ["--child", child]
        period_label = f"{first.label} to {last.label}"
        return InspectionContext(
            title=f"EHCP annual review compliance: inspection pack, {period_label}",
            period_label=period_label,
            provenance=provenance(con, data, as_of, command, verify=True),
            headline_rule=HEADLINE_RATE,
            status_rules=STATUS_RULES,
            legal_sources=SOURCES,
            method=RULES,
            measure_titles={m: STEPS[m].title for m in MEASURES},
            trends=trends(con, first, last, KEY_MEASURES),
            period_figures=tuple(
                MeasureFigure(m, STEPS[m].title, STEPS[m].owner, totals[m]) for m in MEASURES
            ),
            years=year_figures(series),
            sample_note=(
                f"{len(sampled)} children drawn at random (seed {seed}) from the "
                f"children with any step in the period"
                + (f", plus {len(children)} chosen by case reference" if children else "")
            ),
            cases=tuple(case_timeline(con, c, c not in children) for c in chosen),
        )
    finally:
        con.close()


def build_inspection(
    data: ReportData,
    first: str | Month,
    last: str | Month,
    as_of: date | None = None,
    sample: int = 5,
    seed: int = 1,
    children: tuple[str, ...] = (),
    out_dir: Path = Path("reports"),
) -> Path:
    """Write reports/inspection-FROM-to-TO.html and return its path."""
    first = Month.parse(first) if isinstance(first, str) else first
    last = Month.parse(last) if isinstance(last, str) else last
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    if len(month_range(first, last)) > 120:
        raise ValueError("an inspection pack covers at most 10 years")
    as_of = as_of or min(last.end, date.today())
    context = inspection_context(data, first, last, as_of, sample, seed, children)
    return write_report(context, out_dir / f"inspection-{first}-to-{last}.html")
