"""Reports in headless Chromium: no console errors, no requests, no serious axe-core findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_helpers import ARTIFACTS, hostile_reports, serious_axe_findings

pytestmark = pytest.mark.browser

A4_PRINT_WIDTH = 703  # px at 96 dpi: 210 mm less the 2 x 12 mm page margins of the print CSS


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("browser-reports")
    return hostile_reports(out)


def check_page(browser: Any, path: Path, artefact: str) -> None:
    """Open one report: no console errors, no other request, no serious or critical axe-core
    finding, one h1, no horizontal overflow at A4 print width; screenshots as artefacts."""
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
        page.screenshot(path=str(ARTIFACTS / f"{artefact}.png"), full_page=True)

        serious = serious_axe_findings(page)
        assert not serious, "\n".join(serious)
        assert not errors, errors

        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_PRINT_WIDTH, "height": 1000})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"printed page is {overflow}px wider than A4"
        page.screenshot(path=str(ARTIFACTS / f"{artefact}-print.png"), full_page=False)
    finally:
        page.close()


@pytest.mark.parametrize(
    "name", ["monthly", "school", "inspection", "due-list-index", "due-list-school"]
)
def test_report_in_chromium(browser: Any, reports: dict[str, Path], name: str) -> None:
    check_page(browser, reports[name], name)


LONG_FILE = "EHCP_annual_review_tracker_export_from_the_case_management_system_2025-03-final.csv"
LONG_CHILD = "LA-" + "0" * 28 + "1"  # 32 characters, the longest a case reference may be
LONG_WORD = "Supercalifragilisticexpialidociousandmuchlongerstillwithnobreaks"


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Reports on a store whose file name, school name and recorder hold long unbroken words, and
    whose case reference is as long as the contract allows (32 characters)."""
    from click.testing import CliRunner

    from ehcp_audit.cli.main import _register, cli

    _register()
    folder = tmp_path_factory.mktemp("long-names")
    log = folder / LONG_FILE
    recorder = "first.middle.lastname.of.a.caseworker@some-local-authority.example"
    log.write_text(
        "child_id,action,occurred_on,recorded_by,date_of_birth,school_urn,school_name,attendees,"
        "topics,decision\n"
        f"{LONG_CHILD},plan_issued,2025-01-10,{recorder},2012-05-10,100001,"
        f"{LONG_WORD} Academy,,,\n"
        f"{LONG_CHILD},meeting_held,2025-12-01,{recorder},,,,"
        "parent_carer;child,concerns,\n",
        encoding="utf-8",
    )
    db, out = folder / "s.sqlite", folder / "reports"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "import", "actions", str(log)]).exit_code == 0
    common = ["--as-of", "2025-12-31", "--out", str(out)]
    commands = {
        "long-monthly": ["monthly", "--month", "2025-12"],
        "long-school": ["school", "100001", "--month", "2025-12"],
        "long-inspection": [
            "inspection",
            "--from",
            "2025-01",
            "--to",
            "2025-12",
            "--child",
            LONG_CHILD,
        ],
    }
    paths = {}
    for name, args in commands.items():
        result = runner.invoke(cli, ["--db", str(db), "report", *args, *common])
        assert result.exit_code == 0, result.output
        paths[name] = next(Path(w) for w in result.output.split() if w.endswith(".html"))
    due = ["due-list", "--term", "spring", "--year", "2026"]
    result = runner.invoke(cli, ["--db", str(db), "report", *due, *common])
    assert result.exit_code == 0, result.output
    paths["long-due-list-school"] = out / "due-list-2026-spring" / "school-100001.html"
    return paths


@pytest.mark.parametrize(
    "name", ["long-monthly", "long-school", "long-inspection", "long-due-list-school"]
)
def test_long_names_stay_on_the_page(browser: Any, long_names: dict[str, Path], name: str) -> None:
    check_page(browser, long_names[name], name)
