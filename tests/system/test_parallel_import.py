"""A large file imported by several processes ends exactly as a one-process import."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest import parallel
from ehcp_audit.ingest.importer import ImportResult, import_actions
from ehcp_audit.store.check import verify

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def salted_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated authority with bad rows salted in, and one child's rows repeated."""
    folder = tmp_path_factory.mktemp("parallel")
    log = folder / "log.csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ehcp_audit.cli",
            "samples",
            "generate",
            "--children",
            "60",
            "--schools",
            "5",
            "--years",
            "2",
            "--seed",
            "11",
            "--end",
            "2026-10-31",
            "--bad-rows",
            "0.05",
            "--out",
            str(log),
        ],
        check=True,
        capture_output=True,
    )
    with log.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    repeated = [r for r in rows[1:] if r[0] == rows[1][0]][:5]
    with log.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(repeated)
    return log


def _import(
    store: Path | str, log: Path, workers: int, rejects: Path | None = None
) -> tuple[ImportResult, pd.DataFrame, pd.DataFrame]:
    settings = Settings(db=str(store))
    app = open_app(settings)
    if rejects is None and isinstance(store, Path):
        rejects = store.with_suffix(".rejects.csv")
    result = import_actions(app, log, today=TODAY, rejects_path=rejects, workers=workers)
    with open_view(settings, app) as view:
        view.catch_up()
        compliance = view.compliance(TODAY)
        imports = view.con.execute(
            "SELECT kind, file_name, rows, imported, duplicates, rejected FROM imports"
        ).df()
    assert verify(app).intact
    return result, compliance, imports


def test_two_processes_give_the_same_events_rejections_and_export(
    tmp_path: Path, salted_log: Path
) -> None:
    one, one_export, one_imports = _import(tmp_path / "one.sqlite", salted_log, workers=1)
    two, two_export, two_imports = _import(tmp_path / "two.sqlite", salted_log, workers=2)
    assert one.rejected > 0 and one.duplicates > 0  # the salt really is there
    assert (two.rows, two.imported, two.duplicates) == (one.rows, one.imported, one.duplicates)
    assert [(r.row, r.error) for r in two.rejections] == [(r.row, r.error) for r in one.rejections]
    assert (tmp_path / "two.rejects.csv").read_bytes() == (
        tmp_path / "one.rejects.csv"
    ).read_bytes()
    pd.testing.assert_frame_equal(two_export, one_export)
    pd.testing.assert_frame_equal(two_imports, one_imports)


@pytest.mark.postgres
def test_two_processes_into_postgresql_equal_one_into_sqlite(
    tmp_path: Path, salted_log: Path, fresh_postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the PostgreSQL store's view file is written here
    one, one_export, _ = _import(tmp_path / "one.sqlite", salted_log, workers=1)
    two, two_export, _ = _import(
        fresh_postgres_url, salted_log, workers=2, rejects=tmp_path / "pg.rejects.csv"
    )
    assert (two.rows, two.imported, two.duplicates) == (one.rows, one.imported, one.duplicates)
    assert [(r.row, r.error) for r in two.rejections] == [(r.row, r.error) for r in one.rejections]
    pd.testing.assert_frame_equal(two_export, one_export)


def test_reimporting_in_parallel_adds_nothing(tmp_path: Path, salted_log: Path) -> None:
    store = tmp_path / "again.sqlite"
    first, export, _ = _import(store, salted_log, workers=2)
    second, again, _ = _import(store, salted_log, workers=3)
    assert second.imported == 0
    assert second.duplicates == first.imported + first.duplicates
    pd.testing.assert_frame_equal(again, export)


def test_each_child_goes_to_exactly_one_process(salted_log: Path) -> None:
    from ehcp_audit.ingest.csv_file import open_action_log

    log = open_action_log(salted_log)
    whole = [values for values, mapping, _ in log.rows() if mapping]
    shares = [
        [values for values, mapping, _ in log.partition(k, 3).rows() if mapping] for k in range(3)
    ]
    assert sorted(map(tuple, whole)) == sorted(tuple(v) for share in shares for v in share)
    owners: dict[str, int] = {}
    for k, share in enumerate(shares):
        for values in share:
            assert owners.setdefault(values[0].strip(), k) == k


def test_a_failing_worker_is_reported_not_hidden(tmp_path: Path, salted_log: Path) -> None:
    app = open_app(Settings(db=str(tmp_path / "broken.sqlite")))
    env = dict(app.env)
    env["SQLITE_DBNAME"] = str(tmp_path / "no-such-dir" / "store.sqlite")
    broken = type("Broken", (), {"env": env})()
    from ehcp_audit.errors import StoreError
    from ehcp_audit.ingest.csv_file import open_action_log

    with pytest.raises(StoreError, match="did not complete"):
        parallel.import_in_parts(broken, open_action_log(salted_log), 2, TODAY)


def test_small_files_and_memory_stores_stay_in_one_process(
    tmp_path: Path, salted_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EHCP_AUDIT_IMPORT_WORKERS", raising=False)
    app = open_app(Settings(db=str(tmp_path / "s.sqlite")))
    assert parallel.parts_for(app, salted_log, None) == 1  # a small file
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 1)
    assert parallel.parts_for(app, salted_log, None) >= 1
    monkeypatch.setenv("EHCP_AUDIT_IMPORT_WORKERS", "3")
    assert parallel.parts_for(app, salted_log, None) == 3
    memory = open_app(Settings(db=":memory:"))
    assert parallel.parts_for(memory, salted_log, 4) == 1
