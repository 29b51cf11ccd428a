"""Shared by the browser tests: axe-core's serious findings, the artefacts folder, and the
reports built from the hostile fake data."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ehcp_audit.reports.due_list import build_due_list
from ehcp_audit.reports.inspection import build_inspection
from ehcp_audit.reports.monthly import build_monthly
from ehcp_audit.reports.school import build_school
from tests.report_fakes import HOSTILE_CHILD, FakeReportData

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
AS_OF = date(2025, 3, 31)


def axe_script() -> str:
    """axe-core as shipped inside the axe-playwright-python wheel (a test dependency)."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def serious_axe_findings(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the open page (WCAG 2.2 AA, best practice)."""
    page.evaluate(axe_script())
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'wcag22aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def hostile_reports(out: Path) -> dict[str, Path]:
    """Every report type, built from the fake data with hostile text, into `out`."""
    data = FakeReportData(hostile=True)
    due = build_due_list(data, "spring", 2025, date(2025, 2, 1), out)
    return {
        "monthly": build_monthly(data, "2025-03", AS_OF, out),
        "school": build_school(data, "100001", "2025-03", AS_OF, out),
        "inspection": build_inspection(
            data, "2022-04", "2025-03", AS_OF, 2, 1, (HOSTILE_CHILD,), out
        ),
        "due-list-index": due[0],
        "due-list-school": next(p for p in due if p.name == "school-100002.html"),
    }
