"""The national figures shipped with the package (never fetched at run time)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Benchmark:
    measure: str
    dfe_variable: str  # DfE's variable name ("" if the figure is not one of DfE's measures)
    dfe_definition: str
    period: str
    area: str
    statistic: str
    value: float  # the published fraction, for a chart's reference line
    percent: str
    median_percent: str
    source: str
    source_url: str


def _percent(value: float) -> str:
    """As published: one decimal place of a percent."""
    return f"{value * 100:.1f}%"


def national_benchmarks() -> dict[str, Benchmark]:
    """Benchmarks by measure, from reports/data/national_benchmarks.json."""
    text = resources.files("ehcp_audit.reports").joinpath("data", "national_benchmarks.json")
    raw = json.loads(text.read_text("utf-8"))
    return {
        item["measure"]: Benchmark(
            measure=item["measure"],
            dfe_variable=item.get("dfe_variable", ""),
            dfe_definition=item.get("dfe_definition", ""),
            period=item["period"],
            area=item["area"],
            statistic=item["statistic"],
            value=float(item["value"]),
            percent=_percent(item["value"]),
            median_percent=_percent(item["median_local_authority"]),
            source=raw["source"],
            source_url=raw["source_url"],
        )
        for item in raw["benchmarks"]
    }
