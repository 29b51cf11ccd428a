"""The commands around import and export: record, void, project, formats, errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ehcp_audit.cli.main import _register, cli
from tests.strategies import MEETING, PLAN, write_csv

_register()



def run(db: Path | str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture
def store(store_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store holding PLAN and MEETING: SQLite, then PostgreSQL (conftest.py `store_db`)."""
    monkeypatch.chdir(tmp_path)  # a PostgreSQL store's view file is kept in the working dir
    log = tmp_path / "log.csv"
    write_csv(log, [PLAN, MEETING])
    assert run(store_db, "import", "actions", str(log))[0] == 0
    return store_db


def export(db: Path | str, tmp: Path, *extra: str) -> pd.DataFrame:
    out = tmp / "out.csv"
    code, output = run(
        db, "export", "compliance", "--as-of", "2024-06-01", "--out", str(out), *extra
    )
    assert code == 0, output
    return pd.read_csv(out, dtype=str, keep_default_na=False)


def status(frame: pd.DataFrame, measure: str, cycle: str = "1") -> str:
    row = frame[(frame.measure == measure) & (frame.cycle == cycle)]
    return str(row.status.iloc[0])


def test_record_goes_through_the_importers_checks(store: str, tmp_path: Path) -> None:
    code, output = run(
        store,
        "record",
        "decision_issued",
        "--child",
        "A",
        "--on",
        "2024-02-01",
        "--set",
        "decision=amend",
        "--by",
        "caseworker 7",
    )
    assert code == 0, output
    assert status(export(store, tmp_path), "decision_4_weeks") == "met"
    code, output = run(store, "record", "paperwork_submitted", "--child", "B", "--on", "2024-02-01")
    assert code == 3
    assert "no plan_issued" in output
    code, output = run(
        store,
        "record",
        "decision_issued",
        "--child",
        "A",
        "--on",
        "2024-02-01",
        "--set",
        "decision=amend",
    )
    assert code == 0 and "already recorded" in output


def test_record_refuses_an_unknown_column(store: str) -> None:
    code, output = run(
        store,
        "record",
        "meeting_held",
        "--child",
        "A",
        "--on",
        "2024-02-01",
        "--set",
        "venue=school",
    )
    assert code == 2
    assert "COLUMN=VALUE" in output


def test_void_removes_the_entry_and_keeps_it_in_the_trail(store: str, tmp_path: Path) -> None:
    assert status(export(store, tmp_path), "review_on_time") == "met"
    code, output = run(
        store,
        "void",
        "--child",
        "A",
        "--action",
        "meeting_held",
        "--occurred-on",
        "2024-01-10",
        "--reason",
        "wrong child",
        "--on",
        "2024-03-01",
    )
    assert code == 0, output
    assert status(export(store, tmp_path), "review_on_time") == "overdue"
    code, output = run(
        store,
        "void",
        "--child",
        "A",
        "--action",
        "meeting_held",
        "--occurred-on",
        "2024-01-10",
        "--reason",
        "again",
        "--on",
        "2024-03-02",
    )
    assert code == 3 and "matches no entry" in output


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_other_formats_hold_the_same_rows(store: str, tmp_path: Path, fmt: str) -> None:
    expected = export(store, tmp_path)
    out = tmp_path / f"out.{fmt}"
    code, output = run(
        store, "export", "compliance", "--as-of", "2024-06-01", "--format", fmt, "--out", str(out)
    )
    assert code == 0, output
    frame = pd.read_parquet(out) if fmt == "parquet" else pd.read_excel(out)
    assert list(frame.columns) == list(expected.columns)
    assert len(frame) == len(expected)
    assert list(frame["measure"]) == list(expected["measure"])


FILE_MAGIC = {"csv": b"child_id", "xlsx": b"PK\x03\x04", "parquet": b"PAR1"}


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("out.xlsx", "xlsx"), ("OUT.PARQUET", "parquet"), ("out.csv", "csv"), ("out", "csv")],
)
def test_the_format_follows_the_files_extension(
    store: str, tmp_path: Path, name: str, fmt: str
) -> None:
    # A file named .xlsx must be a workbook: CSV text under that name will not open in Excel.
    out = tmp_path / name
    code, output = run(store, "export", "compliance", "--as-of", "2024-06-01", "--out", str(out))
    assert code == 0, output
    assert out.read_bytes().startswith(FILE_MAGIC[fmt])


@pytest.mark.parametrize(
    "command",
    [
        ("export", "compliance"),
        ("export", "kpis", "--period", "2024-05"),
        ("export", "sen2", "--year", "2024"),
        ("export", "dfe-measures", "--year", "2023"),
    ],
)
def test_a_format_the_extension_contradicts_is_refused(
    store: str, tmp_path: Path, command: tuple[str, ...]
) -> None:
    out = tmp_path / "figures.xlsx"
    code, output = run(store, *command, "--format", "csv", "--out", str(out))
    assert code == 2, output
    assert "csv does not match --out figures.xlsx" in output
    assert not out.exists()


def test_sen2_named_xlsx_is_one_workbook(store: str, tmp_path: Path) -> None:
    out = tmp_path / "sen2.xlsx"
    code, output = run(store, "export", "sen2", "--year", "2024", "--out", str(out))
    assert code == 0, output
    assert out.read_bytes().startswith(FILE_MAGIC["xlsx"])
    assert sorted(p.name for p in tmp_path.glob("sen2*")) == ["sen2.xlsx"]


def test_project_reports_what_it_read_and_rebuilds(store: str) -> None:
    code, output = run(store, "project")
    assert code == 0 and "caught up" in output
    code, output = run(store, "project")
    assert "0 new log entries" in output
    code, output = run(store, "project", "--rebuild")
    assert code == 0 and "rebuilt" in output


def test_a_bad_date_option_is_a_usage_error(store: str, tmp_path: Path) -> None:
    code, output = run(
        store, "export", "compliance", "--as-of", "2024-06-31", "--out", str(tmp_path / "x.csv")
    )
    assert code == 2
    assert "YYYY-MM-DD or DD/MM/YYYY" in output


def test_a_missing_file_is_unusable(tmp_path: Path) -> None:
    code, output = run(tmp_path / "s.sqlite", "import", "actions", str(tmp_path / "nope.csv"))
    assert code == 2
    assert "no such file" in output


def test_the_store_can_come_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    log = tmp_path / "log.csv"
    write_csv(log, [PLAN])
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("EHCP_AUDIT_DB", str(db))
    result = CliRunner().invoke(cli, ["import", "actions", str(log)])
    assert result.exit_code == 0, result.output
    assert db.exists()
