"""Reports on a phone (390 px) and in print: no page scrolls sideways, the reproduce command
breaks between its words only, and a printed report has a running header and page numbers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser_helpers import hostile_reports

pytestmark = pytest.mark.browser

PHONE, LAPTOP = 390, 1280


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("phone-reports")
    return hostile_reports(out)


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
@pytest.mark.parametrize(
    "name", ["monthly", "school", "inspection", "due-list-index", "due-list-school"]
)
def test_no_page_scrolls_sideways(
    browser: Any, reports: dict[str, Path], name: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(reports[name].as_uri(), wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # What is too wide may scroll only inside a table's own box.
        wide = page.evaluate(
            """(w) => [...document.querySelectorAll('main *')]
                 .filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > w)
                 .map(e => e.tagName + '.' + e.className)""",
            width,
        )
        assert not wide, wide
    finally:
        page.close()


@pytest.mark.parametrize("name", ["monthly", "inspection", "due-list-index"])
def test_the_reproduce_command_breaks_only_between_words(
    browser: Any, reports: dict[str, Path], name: str
) -> None:
    page = browser.new_page(viewport={"width": PHONE, "height": 900})
    try:
        page.goto(reports[name].as_uri(), wait_until="load")
        command = page.locator(".reproduce")
        words = page.evaluate(
            """() => [...document.querySelectorAll('.reproduce .arg')]
                 .map(e => [e.textContent, e.getClientRects().length])"""
        )
        assert command.evaluate("e => e.getClientRects()[0].height") > 40, "it should wrap here"
        assert [w for w, _ in words] == command.inner_text().split()
        assert [w for w, lines in words if lines != 1] == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from click.testing import CliRunner

    from ehcp_audit.cli.main import _register, cli

    _register()
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.sqlite"
    out = folder / "reports"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # the demo writes its sample log in the working directory
        result = CliRunner().invoke(cli, ["--db", str(db), "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {
        "monthly": next(out.glob("monthly-*.html")),
        "school": next(out.glob("school-*.html")),
    }


def printed_pages(browser: Any, path: Path, pdf: Path) -> list[str]:
    """The text of each page of the PDF Chromium prints from `path` (A4, the report's CSS)."""
    pypdf = pytest.importorskip("pypdf")
    page = browser.new_page()
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    finally:
        page.close()
    return [p.extract_text() for p in pypdf.PdfReader(pdf).pages]


def title_of(path: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", path.read_text("utf-8"))
    assert match
    return match.group(1).replace("&#39;", "'").replace("&amp;", "&")


@pytest.mark.parametrize("name", ["monthly", "school"])
def test_every_printed_page_has_the_running_header_and_its_number(
    browser: Any, demo_reports: dict[str, Path], name: str, tmp_path: Path
) -> None:
    path = demo_reports[name]
    pages = printed_pages(browser, path, tmp_path / f"{name}.pdf")
    total = len(pages)
    assert total >= 3
    title = title_of(path)
    assert re.search(r"[A-Z][a-z]+ \d{4}", title), title  # the report's month
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text, f"page {number}"
        assert text.startswith(title), f"page {number} starts {text[:80]!r}"
    if name == "school":
        school = title.rsplit(": ", 1)[1]
        assert school in pages[1]  # the setting's name heads every page, not only the first
