"""The demo: generate the sample authority, import it, write the reports (an API for the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ehcp_audit.config import Settings


@dataclass
class DemoResult:
    sample: Path
    reports: list[tuple[str, Path]] = field(default_factory=list)


def _months_back(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def run_demo(
    settings: Settings,
    workdir: Path,
    *,
    children: int = 300,
    seed: int = 2026,
    out_dir: Path = Path("reports"),
    echo: Callable[[str], None] = print,
) -> DemoResult:
    from ehcp_audit.bootstrap import open_app, report_data
    from ehcp_audit.ingest.importer import import_actions
    from ehcp_audit.reports.due_list import build_due_list
    from ehcp_audit.reports.inspection import build_inspection
    from ehcp_audit.reports.monthly import build_monthly
    from ehcp_audit.reports.school import build_school
    from ehcp_audit.reports.worklist_file import worklist_name
    from ehcp_audit.samples.generator import SampleConfig, write_sample
    from ehcp_audit.view.periods import Month

    config = SampleConfig(children=children, seed=seed)
    sample = workdir / "sample_la.csv"
    summary = write_sample(config, sample)
    echo(
        f"Generated a sample authority: {summary.children} children, {summary.schools} schools, "
        f"{summary.rows} actions -> {sample}"
    )
    result = import_actions(open_app(settings), sample)
    echo(result.summary())

    as_of: date = config.end
    month = as_of.isoformat()[:7]
    data = report_data(settings)
    out = out_dir if out_dir.is_absolute() else workdir / out_dir
    demo = DemoResult(sample)
    demo.reports.append(("Monthly LA report", build_monthly(data, month, as_of, out)))
    workbook = out / worklist_name(Month.parse(month))
    if workbook.exists():
        demo.reports.append(("Work list (spreadsheet)", workbook))
    busiest = (data.compliance(as_of)["school_urn"].dropna().value_counts().index.tolist() or [""])[
        0
    ]
    if busiest:
        demo.reports.append(("School report", build_school(data, busiest, month, as_of, out)))
    first = _months_back(month, 35)
    demo.reports.append(
        (
            "Inspection pack",
            build_inspection(data, first, month, as_of, sample=5, seed=seed, out_dir=out),
        )
    )
    due = build_due_list(data, "spring", as_of.year + 1, as_of, out)
    demo.reports.append(("Due list (spring term)", due[0]))
    return demo
