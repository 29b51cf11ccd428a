"""No plausible empty reports: a period the data does not cover is refused (exit 2, one line,
nothing written) unless --allow-empty is given."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehcp_audit import clock
from ehcp_audit.cli.main import _register, cli
from tests.strategies import MEETING, PLAN, write_csv

_register()

NEXT_YEAR = f"{clock.today().year + 1}-01"

# Each report on a period with nothing recorded in it (the store holds 2023-01 and 2024-01).
UNCOVERED = {
    "monthly": ["monthly", "--month", "2023-06"],
    "school": ["school", "123456", "--month", "2023-06"],
    "inspection": ["inspection", "--from", "2021-01", "--to", "2022-12"],
    "due-list": ["due-list", "--term", "spring", "--year", "2031"],
}


def run(db: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "report", *args, "--out", str(out)])
    return result.exit_code, result.output


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db, log = tmp_path / "s.sqlite", tmp_path / "log.csv"
    write_csv(log, [PLAN, MEETING])
    assert CliRunner().invoke(cli, ["--db", str(db), "import", "actions", str(log)]).exit_code == 0
    return db


@pytest.fixture
def empty_store(tmp_path: Path) -> Path:
    """A store that exists but records nothing: its one import was rejected whole."""
    db, log = tmp_path / "empty.sqlite", tmp_path / "bad.csv"
    write_csv(log, [{**PLAN, "action": "not_an_action"}])
    assert CliRunner().invoke(cli, ["--db", str(db), "import", "actions", str(log)]).exit_code == 3
    assert db.exists()
    return db


def refused(code: int, output: str, reason: str, out: Path) -> None:
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert reason in lines[0] and "--allow-empty" in lines[0], output
    assert "Traceback" not in output
    assert not out.exists() or not any(out.rglob("*.html")), "a refused report wrote a file"


@pytest.mark.parametrize("name", sorted(UNCOVERED))
def test_a_period_with_nothing_recorded_is_refused(store: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "reports"
    code, output = run(store, out, *UNCOVERED[name])
    reason = "no review falls due" if name == "due-list" else "nothing is recorded with a date in"
    refused(code, output, reason, out)


@pytest.mark.parametrize("name", sorted(UNCOVERED))
def test_allow_empty_writes_the_report(store: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "reports"
    code, output = run(store, out, *UNCOVERED[name], "--allow-empty")
    assert code == 0, output
    assert any(out.rglob("*.html"))


@pytest.mark.parametrize("name", sorted(UNCOVERED))
def test_an_empty_store_is_refused(empty_store: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "reports"
    code, output = run(empty_store, out, *UNCOVERED[name])
    refused(code, output, "nothing is recorded in this store yet", out)


def test_the_refusal_names_the_recorded_dates(store: Path, tmp_path: Path) -> None:
    code, output = run(store, tmp_path / "reports", "monthly", "--month", "2023-06")
    assert code == 2
    assert "June 2023" in output
    assert "from 16 January 2023 to 10 January 2024" in output


@pytest.mark.parametrize(
    "args", [["monthly", "--month", NEXT_YEAR], ["school", "123456", "--month", NEXT_YEAR]]
)
def test_a_month_that_has_not_begun_is_refused(
    store: Path, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "reports"
    refused(*run(store, out, *args), "has not begun", out)


def test_a_month_after_the_as_of_date_is_refused(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, output = run(store, out, "monthly", "--month", "2024-01", "--as-of", "2023-12-31")
    refused(code, output, "begins after the as-of date 31 December 2023", out)


@pytest.mark.parametrize("allow", [[], ["--allow-empty"]])
def test_an_as_of_after_today_is_refused(store: Path, tmp_path: Path, allow: list[str]) -> None:
    out = tmp_path / "reports"
    tomorrow = clock.today() + timedelta(days=1)
    code, output = run(
        store, out, "monthly", "--month", "2024-01", "--as-of", tomorrow.isoformat(), *allow
    )
    assert code == 2, output
    assert "is after today" in output and "Traceback" not in output
    assert not out.exists() or not any(out.rglob("*.html"))


def test_a_covered_month_is_written(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, output = run(store, out, "monthly", "--month", "2024-01")
    assert code == 0, output
    assert (out / "monthly-2024-01.html").exists()


def test_voided_entries_do_not_cover_a_month(store: Path, tmp_path: Path) -> None:
    """A month whose only entry was voided (recorded in error) has nothing recorded."""
    result = CliRunner().invoke(
        cli,
        [
            *["--db", str(store), "void", "--child", "A", "--action", "meeting_held"],
            *["--occurred-on", "2024-01-10", "--on", "2024-02-01", "--reason", "wrong child"],
        ],
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "reports"
    refused(*run(store, out, "monthly", "--month", "2024-01"), "nothing is recorded", out)
