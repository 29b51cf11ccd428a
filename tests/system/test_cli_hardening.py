"""CLI hardening (issue 16 items 1, 6, 7, 8; issue 17's dates): no output overwrites the store
or an input, reading never creates a store, readers wait for the view, and no traceback."""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

from ehcp_audit.cli.main import _register, cli
from ehcp_audit.config import Settings
from ehcp_audit.store.env import is_postgres_url
from tests.strategies import write_csv

_register()

PLAN = {
    "child_id": "A",
    "action": "plan_issued",
    "occurred_on": "2023-01-16",
    "date_of_birth": "2012-05-10",
    "school_urn": "123456",
}
BAD = {"child_id": "B", "action": "plan_issued", "occurred_on": "not a date"}


def run(db: Path | str, *args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], env=env or None)


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log.csv"
    write_csv(path, [PLAN, BAD])
    return path


@pytest.fixture
def store(tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.sqlite"
    assert run(db, "import", "actions", str(log)).exit_code == 3
    return db


# -- item 1: no output overwrites the store, its view or an input ------------------------------
@pytest.mark.parametrize("target", ["s.sqlite", "s.sqlite-wal", "s.view.duckdb", "link.csv"])
def test_export_refuses_to_overwrite_the_store_or_its_view(store: Path, target: str) -> None:
    (store.parent / "link.csv").symlink_to(store)
    assert run(store, "project").exit_code == 0  # the view's files exist
    for command in (
        ["export", "compliance", "--as-of", "2024-06-01"],
        ["export", "kpis", "--period", "2024-05"],
        ["export", "sen2", "--year", "2024", "--format", "xlsx"],
        ["export", "annex-a", "--as-of", "2024-06-01"],
    ):
        result = run(store, *command, "--out", str(store.parent / target))
        assert result.exit_code == 2, result.output
        assert result.output.count("\n") == 1
        assert "choose another path" in result.output
    # Nothing was written: the store verifies and the view still reads (the bytes of the files
    # may differ, as SQLite checkpoints its journal when a connection closes).
    assert run(store, "verify").exit_code == 0
    with duckdb.connect(str(store.with_suffix(".view.duckdb"))) as view:
        assert view.execute("SELECT count(*) FROM entries").fetchone() == (1,)


def test_sen2_csv_parts_beside_out_are_guarded_too(store: Path) -> None:
    # --out x.csv writes x_ceased.csv beside it: that must not be the store either.
    moved = store.with_name("s_ceased.csv")
    store.rename(moved)
    result = run(moved, "export", "sen2", "--year", "2024", "--out", str(store.parent / "s.csv"))
    assert result.exit_code == 2, result.output
    assert "is the event store" in result.output
    assert moved.stat().st_size > 0 and sqlite3.connect(moved).execute("SELECT 1").fetchone()


def test_rejects_may_not_overwrite_the_import_file_or_the_store(
    tmp_path: Path, log: Path
) -> None:
    db = tmp_path / "s.sqlite"
    text = log.read_text()
    for target in (log, db):
        result = run(db, "import", "actions", str(log), "--rejects", str(target))
        assert result.exit_code == 2, result.output
        assert "choose another path" in result.output
    assert log.read_text() == text
    assert not db.exists()  # refused before the store was opened


def test_tracker_rejects_may_not_overwrite_the_mapping(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('child_id = "Ref"\n')
    tracker = tmp_path / "t.csv"
    tracker.write_text("Ref\nA\n")
    result = run(
        tmp_path / "s.sqlite", "import", "tracker", str(tracker), "--mapping", str(mapping),
        "--rejects", str(mapping),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "a file this command reads" in result.output
    assert mapping.read_text() == 'child_id = "Ref"\n'


def test_samples_may_not_overwrite_the_store(store: Path) -> None:
    gc.collect()  # as below
    size = store.stat().st_size
    result = run(store, "samples", "generate", "--children", "2", "--out", str(store))
    assert result.exit_code == 2, result.output
    assert store.stat().st_size == size


def test_out_at_a_folder_and_a_report_folder_at_a_file(store: Path) -> None:
    folder = store.parent / "folder"
    folder.mkdir()
    result = run(store, "export", "compliance", "--out", str(folder))
    assert result.exit_code == 2 and "is a folder" in result.output, result.output
    no_traceback(result)
    gc.collect()  # an earlier command's store connection, closed when collected, checkpoints
    size = store.stat().st_size
    result = run(store, "report", "monthly", "--month", "2024-05", "--out", str(store))
    assert result.exit_code == 2, result.output
    assert "is a file" in result.output and store.stat().st_size == size


def test_rejects_in_a_folder_that_cannot_be_written_is_refused_before_importing(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.sqlite"
    (tmp_path / "file").write_text("x")
    result = run(db, "import", "actions", str(log), "--rejects", str(tmp_path / "file" / "r.csv"))
    assert result.exit_code == 2 and "is a file, not a folder" in result.output, result.output
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # Tests run as root here, where permission bits do not bind: deny the folder explicitly.
    monkeypatch.setattr(
        os, "access", lambda p, mode: Path(p) != locked and real_access(p, mode)
    )
    result = run(db, "import", "actions", str(log), "--rejects", str(locked / "r.csv"))
    assert result.exit_code == 2, result.output
    assert f"the folder {locked} is read-only" in result.output
    assert not db.exists()


# -- item 6: one handler, no traceback ---------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "message"),
    [("not-base64!", "must be 16, 24 or 32"), ("a2V5a2V5a2V5a2V5a2V5aw==", "does not open")],
)
def test_report_with_a_wrong_or_malformed_key_is_one_line(
    store: Path, key: str, message: str
) -> None:
    result = run(store, "report", "monthly", "--month", "2024-05", EHCP_AUDIT_CIPHER_KEY=key)
    assert result.exit_code == 1
    assert message in result.output and result.output.count("\n") == 1
    no_traceback(result)


def _fail_with(error: BaseException) -> Callable[..., None]:
    def record(*_: object, **__: object) -> None:
        raise error

    return record


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (sqlite3.OperationalError("database or disk is full"), "the disk is full"),
        (OSError(28, "No space left on device"), "the disk is full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "permission denied"),
        (RuntimeError("boom"), "internal error (RuntimeError: boom)"),
    ],
)
def test_store_failures_during_an_import_are_one_line(
    tmp_path: Path,
    log: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    expected: str,
) -> None:
    from eventsourcing.persistence import OperationalError

    wrapped = OperationalError(str(error))
    wrapped.__cause__ = error
    monkeypatch.setattr(
        "ehcp_audit.application.EhcpAudit.record",
        _fail_with(error if isinstance(error, RuntimeError) else wrapped),
    )
    result = run(tmp_path / "s.sqlite", "import", "actions", str(log))
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"error: {expected}"), result.output
    assert result.output.count("\n") == 1
    no_traceback(result)


def test_an_unexpected_error_is_one_line_unless_debugging(
    tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ehcp_audit.application.EhcpAudit.record", _fail_with(RuntimeError("x")))
    result = run(tmp_path / "s.sqlite", "import", "actions", str(log))
    assert result.exit_code == 1 and "set EHCP_AUDIT_DEBUG=1 to see where" in result.output
    result = run(tmp_path / "s.sqlite", "import", "actions", str(log), EHCP_AUDIT_DEBUG="1")
    assert isinstance(result.exception, RuntimeError)


def test_rejects_on_a_full_disk_is_one_line(tmp_path: Path, log: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    result = run(tmp_path / "s.sqlite", "import", "actions", str(log), "--rejects", "/dev/full")
    assert result.exit_code == 1, result.output
    assert "error: the disk is full" in result.output
    no_traceback(result)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "kpis", "--period", "2024-13", "--out", "k.csv"],
        ["export", "kpis", "--period", "2024-00", "--out", "k.csv"],
        ["report", "monthly", "--month", "0001-01"],
        ["report", "inspection", "--from", "2010-01", "--to", "2024-12"],
        ["report", "monthly", "--month", "2024-05", "--at-position", "99999999999999999999"],
        ["export", "compliance", "--as-of", "1899-12-31", "--out", "c.csv"],
    ],
)
def test_bad_values_are_refused_before_the_store_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path / "s.sqlite", *args)
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output
    no_traceback(result)
    assert list(tmp_path.iterdir()) == []


def test_postgres_url_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = run("postgresql://u:secret@localhost/db", "verify")
    assert result.exit_code == 1, result.output
    assert "pip install 'ehcp-audit[postgres]'" in result.output


def test_unreachable_postgres_is_one_line_and_hides_the_password(tmp_path: Path) -> None:
    url = "POSTGRESQL://u:secret@127.0.0.1:1/db?connect_timeout=1"
    result = run(url, "export", "compliance", "--out", str(tmp_path / "c.csv"))
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: cannot open the event store POSTGRESQL://u:***@")
    assert "secret" not in result.output
    no_traceback(result)


def test_the_handler_masks_the_password_in_any_message() -> None:
    from ehcp_audit.cli.errors import hide_password

    settings = Settings(db="postgresql://u:p%40ss@h/db")
    masked = hide_password("auth failed for p@ss and p%40ss", settings)
    assert masked == "auth failed for *** and ***"


def test_postgres_detection_is_one_and_ignores_case() -> None:
    for url in ("POSTGRESQL://u:secret@h/db", "Postgres://u:secret@h/db", "postgresql://h/d"):
        settings = Settings(db=url)
        assert settings.is_postgres and is_postgres_url(url)
        assert "secret" not in settings.display_db
        assert "secret" not in str(settings.analytics_path)
    assert not Settings(db="./postgres/store.sqlite").is_postgres


# -- item 7: reading never creates a store -----------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["verify"],
        ["project"],
        ["export", "compliance", "--out", "c.csv"],
        ["export", "kpis", "--period", "2024-05", "--out", "k.csv"],
        ["export", "sen2", "--year", "2024", "--out", "s2.csv"],
        ["export", "annex-a", "--out", "a.xlsx"],
        ["report", "monthly", "--month", "2024-05"],
    ],
)
def test_reading_a_missing_store_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("missing.sqlite", *args)
    assert result.exit_code == 2, result.output
    assert result.output == (
        "error: no store at missing.sqlite; `ehcp-audit import` creates one\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_verify_on_an_empty_store_says_so(tmp_path: Path) -> None:
    from ehcp_audit.bootstrap import open_app

    db = tmp_path / "empty.sqlite"
    open_app(Settings(db=str(db)))
    result = run(db, "verify")
    assert result.exit_code == 0
    assert "empty store: no entries are recorded yet" in result.output


# -- issue 17: dates the way UK users type them ------------------------------------------------
def test_uk_dates_and_months_give_the_same_answers(store: Path) -> None:
    out = store.parent
    for as_of, name in (("2024-06-01", "iso"), ("01/06/2024", "uk")):
        assert run(store, "export", "compliance", "--as-of", as_of, "--as-known-on", as_of,
                   "--out", str(out / f"c_{name}.csv")).exit_code == 0  # fmt: skip
    assert (out / "c_iso.csv").read_text() == (out / "c_uk.csv").read_text()
    for period, name in (("2024-05", "iso"), ("05/2024", "uk")):
        result = run(store, "export", "kpis", "--period", period, "--as-of", "01/06/2024",
                     "--out", str(out / f"k_{name}.csv"))  # fmt: skip
        assert result.exit_code == 0, result.output
    assert (out / "k_iso.csv").read_text() == (out / "k_uk.csv").read_text()


def test_every_date_and_month_option_is_typed_as_one() -> None:
    options = {
        ("export", "compliance"): ["--as-of DATE", "--as-known-on DATE"],
        ("export", "kpis"): ["--period MONTH", "--as-of DATE"],
        ("export", "sen2"): ["--census DATE"],
        ("export", "annex-a"): ["--as-of DATE"],
        ("record",): ["--on DATE"],
        ("void",): ["--occurred-on DATE", "--on DATE"],
        ("report", "monthly"): ["--month MONTH", "--as-of DATE"],
        ("report", "inspection"): ["--from MONTH", "--to MONTH", "--as-of DATE"],
        ("samples", "generate"): ["--end DATE"],
    }
    for command, shown in options.items():
        result = run("x.sqlite", *command, "--help")
        assert result.exit_code == 0, result.output
        for text in shown:
            assert text in result.output, (command, text)


def test_record_and_void_take_uk_dates(store: Path) -> None:
    result = run(store, "record", "meeting_held", "--child", "A", "--on", "10/01/2024",
                 "--set", "attendees=parent_carer", "--set", "topics=concerns")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "on 2024-01-10" in result.output
    result = run(store, "void", "--child", "A", "--action", "meeting_held", "--reason", "typo",
                 "--occurred-on", "10/01/2024", "--on", "11/01/2024")  # fmt: skip
    assert result.exit_code == 0, result.output
    result = run(store, "record", "meeting_held", "--child", "A", "--on", "0001-01-05")
    assert result.exit_code == 2 and "before 1900-01-01" in result.output, result.output


def test_day_and_month_types() -> None:
    import click

    from ehcp_audit.cli.params import DAY, MONTH
    from ehcp_audit.view.periods import Month

    assert DAY.convert("2025-03-04", None, None) == date(2025, 3, 4)
    assert DAY.convert("4/3/2025", None, None) == date(2025, 3, 4)
    assert MONTH.convert("03/2025", None, None) == Month(2025, 3)
    assert MONTH.convert("2025-03", None, None) == Month(2025, 3)
    for bad in ("2025-3-4x", "2025/03/04", "1899-12-31", "31/02/2024"):
        with pytest.raises(click.BadParameter):
            DAY.convert(bad, None, None)
    for bad in ("13/2025", "2025-00", "2025-3", "1899-12", "2025"):
        with pytest.raises(click.BadParameter):
            MONTH.convert(bad, None, None)


# -- item 8: concurrent readers wait -----------------------------------------------------------
def _cli_process(db: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from ehcp_audit.cli import main; main()", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=db.parent,
        env={**os.environ, **env},
    )


def test_exports_at_once_all_succeed(tmp_path: Path) -> None:
    store = tmp_path / "big.sqlite"
    sample = tmp_path / "sample.csv"
    generated = run(store, "samples", "generate", "--children", "300", "--out", str(sample))
    assert generated.exit_code == 0
    assert run(store, "import", "actions", str(sample)).exit_code == 0
    # The view is not caught up yet: the first export to open it holds it for a catch-up.
    processes = [
        _cli_process(store, "export", "compliance", "--as-of", "2024-06-01", "--out", f"{n}.csv")
        for n in (1, 2, 3)
    ]
    for process in processes:
        _, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
    exported = {(tmp_path / f"{n}.csv").read_text() for n in (1, 2, 3)}
    assert len(exported) == 1


def _hold_view(store: Path, seconds: float) -> subprocess.Popen[str]:
    view = store.with_suffix(".view.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); time.sleep(float(sys.argv[2]))", str(view), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_reader_waits_for_the_view_then_gives_up_clearly(store: Path) -> None:
    holder = _hold_view(store, 2)
    started = time.monotonic()
    waiting = _cli_process(store, "export", "compliance", "--out", "w.csv")
    _, err = waiting.communicate(timeout=120)
    holder.wait()
    assert waiting.returncode == 0, err
    assert time.monotonic() - started >= 1
    holder = _hold_view(store, 30)
    try:
        impatient = _cli_process(
            store, "export", "compliance", "--out", "i.csv", EHCP_AUDIT_VIEW_WAIT="0.5"
        )
        _, err = impatient.communicate(timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert impatient.returncode == 1
    assert "is still in use by another ehcp-audit command after 0.5 s" in err
    assert "Traceback" not in err and err.count("\n") == 1
