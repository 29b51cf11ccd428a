"""A large tracker imported by several processes ends exactly as a one-process import:
the same entries (source rows included), rejections, rejects file, import log and export,
on a first import and on a re-import that voids and re-records changed dates."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ehcp_audit.application import EhcpAudit
from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import ImportResult, RowsDone
from ehcp_audit.ingest.parallel import MAX_WORKERS
from ehcp_audit.ingest.tracker import TrackerMapping, TrackerResult, import_tracker, load_mapping
from ehcp_audit.ingest.tracker.parallel import share_of
from ehcp_audit.store.check import verify
from tests.tracker_helpers import mapping_file, write_big_xlsx

TODAY = date(2026, 10, 31)
CHILDREN = 240


def _as_csv(xlsx: Path, out: Path, edit: bool) -> Path:
    """The workbook as a CSV tracker with bad cells salted in (and, with `edit`, three
    changed dates and one changed decision)."""
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx, read_only=True).worksheets[0]
    rows = [
        [
            "" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, datetime) else str(v)
            for v in row
        ]
        for row in sheet.iter_rows(values_only=True)
    ]
    rows[5][10] = "31/02/2025"  # not a date
    rows[9][13] = "Perhaps"  # not a decision
    rows[14][0] = "bad id!"
    rows.append(list(rows[20]))  # a child's row twice
    if edit:
        for number in (32, 33, 34):  # rows with invitations sent
            sent = datetime.strptime(rows[number][8], "%d/%m/%Y") - timedelta(days=1)
            rows[number][8] = sent.strftime("%d/%m/%Y")
        rows[44][13] = "Amend" if rows[44][13] == "Maintain" else "Maintain"
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return out


Imported = tuple[TrackerResult, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _import(db: Path | str, tracker: Path, workers: int, rejects: Path) -> Imported:
    settings = Settings(db=str(db))
    app = open_app(settings)
    mapping = load_mapping(mapping_file(rejects.parent))
    result = import_tracker(
        app, tracker, mapping, today=TODAY, rejects_path=rejects, workers=workers
    )
    assert verify(app).intact
    with open_view(settings, app) as view:
        view.catch_up()
        entries = view.con.execute(
            "SELECT child_id, version, action, occurred_on, details, source, source_row "
            "FROM entries ORDER BY child_id, version"
        ).df()
        imports = view.con.execute(
            "SELECT kind, file_name, rows, imported, duplicates, rejected FROM imports "
            "ORDER BY position"
        ).df()
        rejected = view.con.execute(
            "SELECT source, row, error FROM rejected_rows ORDER BY position, row"
        ).df()
        export = view.compliance(TODAY)
    return result, entries, imports, rejected, export


@pytest.fixture(scope="module")
def trackers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("trackers")
    xlsx = folder / "big.xlsx"
    write_big_xlsx(xlsx, CHILDREN)
    return _as_csv(xlsx, folder / "first.csv", False), _as_csv(xlsx, folder / "later.csv", True)


def test_two_processes_import_a_tracker_and_its_reimport_as_one_does(
    tmp_path: Path, trackers: tuple[Path, Path]
) -> None:
    first, later = trackers
    outcomes = {}
    for workers in (1, 2):
        folder = tmp_path / f"w{workers}"
        folder.mkdir()
        store = folder / "store.sqlite"
        one = _import(store, first, workers, folder / "first.rejects.csv")
        two = _import(store, later, workers, folder / "later.rejects.csv")
        outcomes[workers] = (folder, one, two)
    (folder1, *serial), (folder2, *parallel) = outcomes[1], outcomes[2]
    for (s_result, *s_frames), (p_result, *p_frames) in zip(serial, parallel, strict=True):
        assert p_result.summary() == s_result.summary()
        for s_frame, p_frame in zip(s_frames, p_frames, strict=True):
            pd.testing.assert_frame_equal(p_frame, s_frame)
    first_result, first_entries = serial[0][0], serial[0][1]
    later_result = serial[1][0]
    assert len(first_result.rejected) >= 3  # the salt is there
    assert later_result.tally.voids >= 4  # the edits are there
    # An entry's source row is its tracker row.
    assert set(first_entries["source_row"]) <= set(range(2, CHILDREN + 3))
    for name in ("first.rejects.csv", "later.rejects.csv"):
        assert (folder2 / name).read_bytes() == (folder1 / name).read_bytes()


@pytest.mark.postgres
def test_two_processes_into_postgresql_import_a_tracker_as_one_into_sqlite(
    tmp_path: Path,
    trackers: tuple[Path, Path],
    fresh_postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the PostgreSQL store's view file is written here
    first, later = trackers
    (tmp_path / "lite").mkdir()
    serial = [
        _import(tmp_path / "lite" / "s.sqlite", t, 1, tmp_path / "lite" / f"{t.stem}.csv")
        for t in (first, later)
    ]
    parallel = [
        _import(fresh_postgres_url, t, 2, tmp_path / f"{t.stem}.csv") for t in (first, later)
    ]
    for (s_result, *s_frames), (p_result, *p_frames) in zip(serial, parallel, strict=True):
        assert p_result.summary() == s_result.summary()
        for s_frame, p_frame in zip(s_frames, p_frames, strict=True):
            pd.testing.assert_frame_equal(p_frame, s_frame)


def test_every_row_of_a_child_goes_to_the_same_process() -> None:
    rows = [[f"C{i % 7}", i] for i in range(50)] + [[None, 1], [" C3 ", 2]]
    owners: dict[object, int] = {}
    for values in rows:
        key = str(values[0]).strip() if values[0] is not None else ""
        assert owners.setdefault(key, share_of(values, 0, 3)) == share_of(values, 0, 3)
    assert owners["C3"] == share_of([" C3 "], 0, 3)
    assert len(set(owners.values())) > 1


def test_a_dry_run_or_strict_import_stays_in_one_process(
    tmp_path: Path, trackers: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ehcp_audit.ingest.tracker import parallel

    def refuse(*_: object) -> None:
        raise AssertionError("ran in parts")

    monkeypatch.setattr(parallel, "import_tracker_in_parts", refuse)
    app = open_app(Settings(db=str(tmp_path / "s.sqlite")))
    mapping = load_mapping(mapping_file(tmp_path))
    dry = import_tracker(app, trackers[0], mapping, today=TODAY, dry_run=True, workers=2)
    assert dry.imported is None and dry.plan is not None
    strict = import_tracker(app, trackers[0], mapping, today=TODAY, strict=True, workers=2)
    assert strict.strict_aborted


def test_a_planned_change_holds_the_entry_its_row_parses_to(
    tmp_path: Path, trackers: tuple[Path, Path]
) -> None:
    """The importer takes a tracker's planned entries as they are, without parsing the rows
    again: so each must be what parsing its action-log row gives."""
    from ehcp_audit.ingest.row_parser import parse_row
    from ehcp_audit.ingest.tracker.changes import RECORD, VOID

    settings = Settings(db=str(tmp_path / "p.sqlite"))
    app = open_app(settings)
    mapping = load_mapping(mapping_file(tmp_path))
    plans = [import_tracker(app, trackers[0], mapping, today=TODAY, dry_run=True).plan]
    import_tracker(app, trackers[0], mapping, today=TODAY, workers=1)
    plans.append(import_tracker(app, trackers[1], mapping, today=TODAY, dry_run=True).plan)
    checked = {VOID: 0, RECORD: 0}
    for plan in plans:
        assert plan is not None
        for change in plan.changes():
            if change.kind in checked:
                assert change.fact.entry == parse_row(change.fact.values, TODAY)
                checked[change.kind] += 1
    assert checked[RECORD] > 1000 and checked[VOID] >= 4


def test_a_tracker_of_a_mebibyte_or_more_is_imported_in_parts(
    tmp_path: Path, trackers: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ehcp_audit.ingest.tracker import importer, parallel

    monkeypatch.delenv("EHCP_AUDIT_IMPORT_WORKERS", raising=False)
    real = parallel.import_tracker_in_parts
    parts: list[int] = []

    def counted(
        app: EhcpAudit,
        path: Path,
        mapping: TrackerMapping,
        sheet: str | None,
        today: date,
        n: int,
        progress: RowsDone | None,
    ) -> tuple[Any, ImportResult]:
        parts.append(n)
        return real(app, path, mapping, sheet, today, n, progress)

    monkeypatch.setattr(parallel, "import_tracker_in_parts", counted)
    mapping = load_mapping(mapping_file(tmp_path))
    small = import_tracker(open_app(Settings(db=str(tmp_path / "a.sqlite"))), trackers[0], mapping)
    assert parts == [] and not small.strict_aborted
    monkeypatch.setattr(importer, "PARALLEL_FROM_BYTES", trackers[0].stat().st_size)
    large = import_tracker(open_app(Settings(db=str(tmp_path / "b.sqlite"))), trackers[0], mapping)
    cores = min(MAX_WORKERS, len(os.sched_getaffinity(0)))
    assert parts == ([cores] if cores > 1 else [])
    assert large.summary() == small.summary()


def test_a_failing_tracker_worker_is_reported_not_hidden(
    tmp_path: Path, trackers: tuple[Path, Path]
) -> None:
    from ehcp_audit.errors import StoreError
    from ehcp_audit.ingest.tracker.parallel import import_tracker_in_parts

    env = dict(open_app(Settings(db=str(tmp_path / "ok.sqlite"))).env)
    env["SQLITE_DBNAME"] = str(tmp_path / "no-such-dir" / "store.sqlite")
    broken = type("Broken", (), {"env": env})()
    mapping = load_mapping(mapping_file(tmp_path))
    with pytest.raises(StoreError, match="tracker import did not complete"):
        import_tracker_in_parts(broken, trackers[0], mapping, None, TODAY, 2, None)
