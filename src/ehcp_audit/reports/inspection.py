"""The inspection pack: long-run trends, the method, provenance and sampled case timelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

import duckdb

from ehcp_audit import clock
from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.errors import RefusedError
from ehcp_audit.reports.benchmarks import Benchmark, national_benchmarks
from ehcp_audit.reports.charts import TrendChart
from ehcp_audit.reports.data import ReportData, child_entries, compliance_rows
from ehcp_audit.reports.england import DfeFigure, dfe_figure
from ehcp_audit.reports.figures import Counts, by_measure, monthly_series
from ehcp_audit.reports.headline import MeasureFigure, trends
from ehcp_audit.reports.method import HEADLINE_RATE, RULES, SOURCES, STATUS_RULES, MeasureRule
from ehcp_audit.reports.named_returns import NamedReturn, TheirList, named_returns
from ehcp_audit.reports.output import write_report
from ehcp_audit.reports.provenance import Provenance, load_log, provenance
from ehcp_audit.reports.sampling import ALL, SampleFrom, candidates, draw
from ehcp_audit.reports.steps import KEY_MEASURES, STEPS
from ehcp_audit.reports.timelines import CaseOptions, CaseTimeline, case_timeline
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.periods import Month, month_range
from ehcp_audit.view.queries import records


@dataclass(frozen=True)
class YearFigure:
    year: str
    counts: Counts
    benchmark: Benchmark | None
    dfe: DfeFigure  # the same year on DfE's definition (`export dfe-measures`)


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
    full_details: bool  # dates of birth shown (else age and year group)
    cases: tuple[CaseTimeline, ...]
    returns: dict[str, NamedReturn]  # each named child's Annex A row and reconciliation


BENCHMARK_MEASURE = "decision_4_weeks"


def year_figures(
    series: list[tuple[Month, Counts]], data: ReportData, as_of: date
) -> tuple[YearFigure, ...]:
    """The benchmark measure per calendar year, summed over the months of the range in that
    year, and beside it the year on DfE's definition (whole years of the range only)."""
    years: dict[int, list[tuple[Month, Counts]]] = {}
    for month, counts in series:
        years.setdefault(month.year, []).append((month, counts))
    benchmark = national_benchmarks().get(BENCHMARK_MEASURE)
    variable = benchmark.dfe_variable if benchmark else BENCHMARK_MEASURE
    figures = []
    for year, months in years.items():
        total = sum((c for _, c in months), Counts())
        label = str(year)
        dfe = DfeFigure(variable, year, missing=f"the pack covers part of {year}")
        if len(months) < 12:
            label += f" ({months[0][0].start:%B} to {months[-1][0].start:%B} only)"
        else:
            dfe = dfe_figure(data, variable, year, as_of)
        figures.append(
            YearFigure(
                label,
                total,
                benchmark if benchmark and str(year) == benchmark.period else None,
                dfe,
            )
        )
    return tuple(figures)


@dataclass(frozen=True)
class CaseChoice:
    """How the pack's cases are chosen (the sampling options of `report inspection`)."""

    sample: int = 5
    seed: int = 1
    children: tuple[str, ...] = ()
    sample_from: SampleFrom = ALL
    stratify: bool = True
    full_details: bool = False
    their_list: TheirList | None = None  # the authority's own Annex A List 1

    def command(self) -> list[str]:
        words = ["--sample", str(self.sample), "--seed", str(self.seed)]
        if self.sample_from != ALL:
            words += ["--sample-from", str(self.sample_from)]
        if not self.stratify:
            words.append("--no-stratify")
        for child in self.children:  # one option each: a case reference may hold a comma
            words += ["--child", child]
        if self.their_list is not None:
            words += ["--their-list", str(self.their_list.path)]
        return [*words, "--full-details"] if self.full_details else words


def _check_request(con: duckdb.DuckDBPyConnection, data: ReportData, choice: CaseChoice) -> None:
    """A named child or a setting the store does not hold is a typo, not an empty case."""
    found = {
        r["child_id"] for r in records(con, "recorded_children", children=list(choice.children))
    }
    unknown = [c for c in choice.children if c not in found]
    if unknown:
        raise RefusedError(
            f"--children: no entries are recorded for {', '.join(map(repr, unknown))}; "
            "check the case references"
        )
    urn = choice.sample_from.urn
    if urn:
        known = set(data.school_names()) | {r["school_urn"] for r in records(con, "recorded_urns")}
        if urn not in known:
            listed = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
            raise RefusedError(
                f"--sample-from: no setting with URN {urn!r} in the recorded data"
                + (f" (URNs recorded: {listed})" if known else "")
            )


def _sample_note(choice: CaseChoice, eligible: int, drawn: int) -> str:
    how = "spread across settings" if choice.stratify else "at random"
    note = (
        f"{drawn} of {eligible} children drawn {how} (seed {choice.seed}) from the children "
        f"with any step in the period{choice.sample_from.words()}"
    )
    named = len(choice.children)
    return note + (f", plus {named} named by case reference" if named else "")


def inspection_context(
    data: ReportData, first: Month, last: Month, as_of: date, choice: CaseChoice
) -> InspectionContext:
    con = compliance_connection(compliance_rows(data, as_of))
    try:
        load_log(con, data)
        _check_request(con, data, choice)
        totals = by_measure(con, first.start, last.end)
        series = monthly_series(con, first, last, (BENCHMARK_MEASURE,))[BENCHMARK_MEASURE]
        population = [
            c for c in candidates(con, first.start, last.end) if choice.sample_from.eligible(c)
        ]
        sampled = draw(population, choice.sample, choice.seed, choice.stratify)
        named = [*dict.fromkeys(choice.children)]
        chosen = named + [c for c in sampled if c not in named]
        command = ["inspection", "--from", str(first), "--to", str(last), "--as-of"]
        command += [as_of.isoformat(), *choice.command()]
        period_label = f"{first.label} to {last.label}"
        options = CaseOptions(first.start, last.end, as_of, choice.full_details)
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
            years=year_figures(series, data, as_of),
            sample_note=_sample_note(choice, len(population), len(sampled)),
            full_details=choice.full_details,
            cases=tuple(case_timeline(con, c, c not in named, options) for c in chosen),
            returns=named_returns(child_entries(data, named), named, as_of, choice.their_list),
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
    *,
    sample_from: SampleFrom | str = "all",
    stratify: bool = True,
    full_details: bool = False,
    their_list: TheirList | None = None,
) -> Path:
    """Write reports/inspection-FROM-to-TO.html and return its path. A named child with no
    entries, or a `school:URN` the data does not hold, is refused (RefusedError, exit 2)."""
    first = Month.parse(first) if isinstance(first, str) else first
    last = Month.parse(last) if isinstance(last, str) else last
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    if len(month_range(first, last)) > 120:
        raise ValueError("an inspection pack covers at most 10 years")
    as_of = as_of or min(last.end, clock.today())
    source = SampleFrom.parse(sample_from) if isinstance(sample_from, str) else sample_from
    choice = CaseChoice(sample, seed, children, source, stratify, full_details, their_list)
    context = inspection_context(data, first, last, as_of, choice)
    return write_report(context, out_dir / f"inspection-{first}-to-{last}.html")
