"""At 1280x900 the monthly and school reports open on their summary and headline cards."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ehcp_audit.reports.monthly import build_monthly
from ehcp_audit.reports.school import build_school
from tests.report_fakes import FakeReportData

pytestmark = pytest.mark.browser

AS_OF = date(2025, 3, 31)
FIRST_SCREEN = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("first-screen")
    data = FakeReportData(hostile=True)
    return {
        "monthly": build_monthly(data, "2025-03", AS_OF, out),
        "school": build_school(data, "100001", "2025-03", AS_OF, out),
    }


@pytest.mark.parametrize("report", ["monthly", "school"])
def test_first_screen_shows_the_summary_and_the_headline_cards(
    browser: Any, reports: dict[str, Path], report: str
) -> None:
    page = browser.new_page(viewport=FIRST_SCREEN)
    try:
        page.goto(reports[report].as_uri(), wait_until="load")
        for selector in ("section.summary p", "ul.cards"):
            box = page.locator(selector).first.bounding_box()
            assert box is not None, selector
            assert box["y"] >= 0 and box["y"] + box["height"] <= FIRST_SCREEN["height"], (
                selector,
                box,
            )
        assert page.locator("ul.cards").first.locator("li").count() >= 4
        assert page.locator("dl.meta").bounding_box()["y"] > FIRST_SCREEN["height"]  # provenance
    finally:
        page.close()
