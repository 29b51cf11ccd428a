"""Geometry of the inline SVG trend charts (the template only draws what is computed here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ehcp_audit.reports.benchmarks import Benchmark
from ehcp_audit.reports.figures import Counts
from ehcp_audit.view.periods import Month

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 56, 32, 16, 40


@dataclass(frozen=True)
class TrendPoint:
    month: str
    label: str
    short_label: str
    counts: Counts
    x: float
    y: float | None  # None: no rate that month (nothing met, missed or overdue)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ReferenceLine:
    kind: str  # "england" or "target"
    label: str  # 'England 2024 (DfE, whole year): 44.4%', 'Target: 90.0%'
    y: float


@dataclass(frozen=True)
class TrendChart:
    measure: str
    title: str
    width: int
    height: int
    points: tuple[TrendPoint, ...]
    lines: tuple[str, ...]  # polyline point lists; a month with no rate breaks the line
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    summary: str  # the chart in words, for screen readers and for print without colour
    references: tuple[ReferenceLine, ...] = ()


def _y(rate: str | float | Decimal) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - float(rate)), 1)


def target_text(target: Decimal) -> str:
    return f"{target.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _references(england: Benchmark | None, target: Decimal | None) -> tuple[ReferenceLine, ...]:
    lines = []
    if england is not None:
        # A calendar year on DfE's definition, not a month of steps: said so beside the line.
        label = f"England {england.period} (DfE, whole year): {england.percent}"
        lines.append(ReferenceLine("england", label, _y(england.value)))
    if target is not None:
        lines.append(ReferenceLine("target", f"Target: {target_text(target)}", _y(target / 100)))
    return tuple(lines)


def _gaps(missing: int, months: int) -> str:
    if missing == 0:
        return "Every month has a rate."
    return f"{missing} of {months} months have no rate (nothing met, missed or overdue)."


def trend_chart(
    measure: str,
    title: str,
    series: list[tuple[Month, Counts]],
    england: Benchmark | None = None,
    target: Decimal | None = None,
) -> TrendChart:
    step = (WIDTH - LEFT - RIGHT) / max(len(series) - 1, 1)
    points = tuple(
        TrendPoint(
            month=str(month),
            label=month.label,
            short_label=month.short_label,
            counts=counts,
            x=round(LEFT + i * step, 1),
            y=_y(counts.rate) if counts.rate else None,
        )
        for i, (month, counts) in enumerate(series)
    )
    lines: list[str] = []
    current: list[str] = []
    for point in points:
        if point.y is None:
            if current:
                lines.append(" ".join(current))
            current = []
        else:
            current.append(f"{point.x},{point.y}")
    if current:
        lines.append(" ".join(current))
    every = max(1, -(-len(points) // 12))
    x_ticks = tuple(Tick(p.x, p.short_label) for i, p in enumerate(points) if i % every == 0)
    y_ticks = tuple(Tick(_y(format(v / 100, ".4f")), f"{v}%") for v in (0, 25, 50, 75, 100))
    rated = [p for p in points if p.counts.rate]
    if rated:
        first, last = rated[0], rated[-1]
        summary = (
            f"{title}: on-time rate by month from {points[0].label} to {points[-1].label}. "
            f"{first.label}: {first.counts.percent}; "
            f"{last.label}: {last.counts.percent}. "
            + _gaps(len(points) - len(rated), len(points))
        )
    else:
        summary = f"{title}: no month from {points[0].label} to {points[-1].label} has a rate."
    references = _references(england, target)
    summary += "".join(f" {line.label}." for line in references)
    return TrendChart(
        measure=measure,
        title=title,
        width=WIDTH,
        height=HEIGHT,
        points=points,
        lines=tuple(lines),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        summary=summary,
        references=references,
    )
