"""Reports in headless Chromium: no console errors, no requests, no serious axe-core findings."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from ehcp_audit.reports.due_list import build_due_list
from ehcp_audit.reports.inspection import build_inspection
from ehcp_audit.reports.monthly import build_monthly
from ehcp_audit.reports.school import build_school
from tests.report_fakes import HOSTILE_CHILD, FakeReportData

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
AS_OF = date(2025, 3, 31)
A4_PRINT_WIDTH = 703  # px at 96 dpi: 210 mm less the 2 x 12 mm page margins of the print CSS


def axe_script() -> str:
    """axe-core as shipped inside the axe-playwright-python wheel (a test dependency)."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("browser-reports")
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


@pytest.mark.parametrize(
    "name", ["monthly", "school", "inspection", "due-list-index", "due-list-school"]
)
def test_report_in_chromium(browser: Any, reports: dict[str, Path], name: str) -> None:
    path = reports[name]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    page.on("request", lambda req: requests.append(req.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        assert requests == [path.as_uri()], "the report loaded something besides itself"
        assert page.locator("h1").count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

        page.evaluate(axe_script())
        result = page.evaluate(
            "axe.run(document, {resultTypes: ['violations'],"
            " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
            " 'wcag22aa', 'best-practice']}})"
        )
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, "\n".join(serious)
        assert not errors, errors

        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_PRINT_WIDTH, "height": 1000})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"printed page is {overflow}px wider than A4"
        page.screenshot(path=str(ARTIFACTS / f"{name}-print.png"), full_page=False)
    finally:
        page.close()
