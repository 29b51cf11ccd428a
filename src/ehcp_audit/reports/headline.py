"""The headline figure per measure for a month, with the previous month and the same month a year
earlier, all counted from the same rows as of the report's as-of date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb

from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports.benchmarks import Benchmark, national_benchmarks
from ehcp_audit.reports.charts import TrendChart, trend_chart
from ehcp_audit.reports.data import ReportData
from ehcp_audit.reports.england import DfeFigure, dfe_figures
from ehcp_audit.reports.figures import Counts, by_measure, monthly_series
from ehcp_audit.reports.rate_format import change_text
from ehcp_audit.reports.steps import KEY_MEASURES, STEPS
from ehcp_audit.view.periods import Month


@dataclass(frozen=True)
class Comparison:
    label: str
    counts: Counts
    change: str


@dataclass(frozen=True)
class MeasureFigure:
    measure: str
    title: str
    owner: str
    counts: Counts
    previous: Comparison | None = None
    last_year: Comparison | None = None
    benchmark: Benchmark | None = None
    dfe: DfeFigure | None = None  # the authority on the benchmark's DfE definition and year


def comparison(
    con: duckdb.DuckDBPyConnection, month: Month, school_urn: str | None = None
) -> tuple[str, dict[str, Counts]]:
    """A comparison month's counts from the report's own rows: like every figure of a report,
    as of the report's as-of date (RULES.md "Headline rates"), so a card's "since last month"
    and the trend chart's point for that month are the same figure."""
    return month.label, by_measure(con, month.start, month.end, school_urn)


def measure_figures(
    con: duckdb.DuckDBPyConnection,
    data: ReportData,
    month: Month,
    as_of: date,
    school_urn: str | None = None,
    with_benchmarks: bool = True,
) -> tuple[MeasureFigure, ...]:
    benchmarks = national_benchmarks() if with_benchmarks else {}
    return figures_from(
        by_measure(con, month.start, month.end, school_urn),
        comparison(con, month.shift(-1), school_urn),
        comparison(con, month.shift(-12), school_urn),
        benchmarks,
        dfe_figures(data, benchmarks, as_of) if school_urn is None else {},
    )


def figures_from(
    current: Mapping[str, Counts],
    previous: tuple[str, Mapping[str, Counts]],
    last_year: tuple[str, Mapping[str, Counts]],
    benchmarks: Mapping[str, Benchmark],
    dfe: Mapping[str, DfeFigure] | None = None,
) -> tuple[MeasureFigure, ...]:
    """Each measure's figure from its counts (every measure present) and the comparisons'."""
    dfe = dfe or {}
    (prev_label, before), (year_label, year_ago) = previous, last_year
    return tuple(
        MeasureFigure(
            measure=measure,
            title=STEPS[measure].title,
            owner=STEPS[measure].owner,
            counts=current[measure],
            previous=Comparison(
                prev_label, before[measure], change_text(current[measure], before[measure])
            ),
            last_year=Comparison(
                year_label, year_ago[measure], change_text(current[measure], year_ago[measure])
            ),
            benchmark=benchmarks.get(measure),
            dfe=dfe.get(measure),
        )
        for measure in MEASURES
    )


def key_figures(figures: tuple[MeasureFigure, ...]) -> tuple[MeasureFigure, ...]:
    return tuple(f for f in figures if f.measure in KEY_MEASURES)


def trends(
    con: duckdb.DuckDBPyConnection,
    first: Month,
    last: Month,
    measures: tuple[str, ...] = KEY_MEASURES,
    school_urn: str | None = None,
    targets: Mapping[str, Decimal] | None = None,
    benchmarks: Mapping[str, Benchmark] | None = None,
) -> tuple[TrendChart, ...]:
    """One chart per measure, and one for each measure with a target that is not among them."""
    measures = chart_measures(measures, targets or {})
    series = monthly_series(con, first, last, measures, school_urn)
    return trend_charts(series, measures, targets, benchmarks)


def chart_measures(measures: tuple[str, ...], targets: Mapping[str, Decimal]) -> tuple[str, ...]:
    return (*measures, *(m for m in MEASURES if m in targets and m not in measures))


def trend_charts(
    series: Mapping[str, list[tuple[Month, Counts]]],
    measures: tuple[str, ...],
    targets: Mapping[str, Decimal] | None = None,
    benchmarks: Mapping[str, Benchmark] | None = None,
) -> tuple[TrendChart, ...]:
    targets = targets or {}
    benchmarks = national_benchmarks() if benchmarks is None else benchmarks
    return tuple(
        trend_chart(m, STEPS[m].title, series[m], benchmarks.get(m), targets.get(m))
        for m in measures
    )
