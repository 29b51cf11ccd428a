"""One typed context per report, and the Jinja2 environment (autoescaped) that renders them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ehcp_audit.reports.benchmarks import Benchmark
from ehcp_audit.reports.charts import TrendChart
from ehcp_audit.reports.figures import Counts
from ehcp_audit.reports.method import MeasureRule
from ehcp_audit.reports.provenance import Provenance
from ehcp_audit.reports.quality import DataQuality
from ehcp_audit.reports.rulebook import rulebook_url
from ehcp_audit.reports.worklist import Item, MissedItem


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
    title: str
    period_label: str
    month: str
    provenance: Provenance
    key_figures: tuple[MeasureFigure, ...]
    figures: tuple[MeasureFigure, ...]
    trends: tuple[TrendChart, ...]
    school_measures: tuple[tuple[str, str], ...]
    schools: tuple[SchoolRow, ...]
    overdue: tuple[Item, ...]
    missed: tuple[MissedItem, ...]
    due_soon: tuple[Item, ...]
    due_until: date
    quality: DataQuality


@dataclass(frozen=True)
class SchoolContext:
    title: str
    period_label: str
    month: str
    school_urn: str
    school_name: str
    provenance: Provenance
    key_figures: tuple[MeasureFigure, ...]
    figures: tuple[MeasureFigure, ...]
    trends: tuple[TrendChart, ...]
    overdue: tuple[Item, ...]
    missed: tuple[MissedItem, ...]
    due_soon: tuple[Item, ...]
    due_until: date


@dataclass(frozen=True)
class DueStep:
    measure: str
    deadline: date | None
    when_unknown: str  # shown when the deadline is not yet known, e.g. "2 weeks after the meeting"
    status: str


@dataclass(frozen=True)
class DueChild:
    child_id: str
    cycle: int
    due_on: date
    steps: tuple[DueStep, ...]


@dataclass(frozen=True)
class DueListContext:
    title: str
    term_label: str
    term_start: date
    term_end: date
    school_urn: str
    school_name: str
    provenance: Provenance
    step_columns: tuple[tuple[str, str], ...]
    children: tuple[DueChild, ...]
    index_file: str
    csv_file: str


@dataclass(frozen=True)
class DueListSchool:
    urn: str
    name: str
    children: int
    file: str


@dataclass(frozen=True)
class DueListIndexContext:
    title: str
    term_label: str
    term_start: date
    term_end: date
    provenance: Provenance
    schools: tuple[DueListSchool, ...]
    csv_file: str


@dataclass(frozen=True)
class YearFigure:
    year: str
    counts: Counts
    benchmark: Benchmark | None


@dataclass(frozen=True)
class TimelineEntry:
    position: int
    occurred_on: date
    action: str
    details: str
    recorded_by: str
    recorded_at: str
    imported_at: str
    source: str
    source_row: str
    voided: bool
    void_reason: str


@dataclass(frozen=True)
class CaseRow:
    cycle: int
    measure: str
    title: str
    school_urn: str
    deadline: date | None
    done_on: date | None
    status: str


@dataclass(frozen=True)
class CaseTimeline:
    child_id: str
    sampled: bool
    entries: tuple[TimelineEntry, ...]
    rows: tuple[CaseRow, ...]


@dataclass(frozen=True)
class InspectionContext:
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


Context = MonthlyContext | SchoolContext | DueListContext | DueListIndexContext | InspectionContext

TEMPLATES: dict[type, str] = {
    MonthlyContext: "monthly.html",
    SchoolContext: "school.html",
    DueListContext: "due_list.html",
    DueListIndexContext: "due_list_index.html",
    InspectionContext: "inspection.html",
}


def uk_date(value: date | None, empty: str = "—") -> str:
    """'7 March 2025': the GOV.UK style for dates."""
    if value is None or value != value:  # NaT compares unequal to itself
        return empty
    return f"{value.day} {value:%B %Y}"


_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")


def stamp_text(value: str) -> str:
    """An ISO date-time to the second, 'T' as a space (microseconds help no reader)."""
    if _STAMP.match(value):
        return value[:19].replace("T", " ") + value[19:].lstrip(".0123456789")
    return value


def count_text(value: int) -> str:
    """12,345: thousands separated, as GOV.UK writes numbers."""
    return f"{value:,}"


def days_text(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ehcp_audit.reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ukdate"] = uk_date
    env.filters["days"] = days_text
    env.filters["n"] = count_text
    env.filters["stamp"] = stamp_text
    env.globals["rulebook_url"] = rulebook_url
    return env


def render(context: Context) -> str:
    """The HTML of one report."""
    template = environment().get_template(TEMPLATES[type(context)])
    return template.render(ctx=context)
