"""Crash safety: an import or a projection killed with SIGKILL part way (issue 7).

An import saves a batch of children per transaction, so a killed import leaves each child
either fully imported or untouched, and running it again completes it. The projector writes
a page of entries with its position in one DuckDB transaction, so a killed `project` carries
on where it stopped and ends equal to a rebuild. Each is also shown against a broken variant.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.store_helpers import (
    compliance_csv,
    events_per_child,
    export,
    generated,
    read_rows,
    run,
    run_process,
    spawn,
)

# Python run in the killed process before the CLI starts (see store_helpers.command).
SMALL_BATCHES = """
import os, signal
import ehcp_audit.ingest.importer as importer
importer.CHILDREN_PER_BATCH = {batch}
"""

# The worst moment: the third batch's events (and chain links) are written, not committed.
KILL_INSIDE_THIRD_SAVE = """
from ehcp_audit.store.sqlite_recorder import ChainedSQLiteApplicationRecorder as S
from ehcp_audit.store.postgres_recorder import ChainedPostgresApplicationRecorder as P
_saves = []
def _dying(original):
    def insert(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        _saves.append(1)
        if len(_saves) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return insert
S._insert_events = _dying(S._insert_events)
P._fetch_ids_after_insert_events = _dying(P._fetch_ids_after_insert_events)
"""

# Broken: one save per entry, round by round across the batch's children, and killed after
# the third round (an importer that is not atomic per child).
SAVE_EACH_ENTRY = """
from ehcp_audit.application import EhcpAudit
from ehcp_audit.domain.plan import Plan
def record(self, by_child, existing, import_log=None):
    plans = {c: existing.get(c) or Plan(c) for c, rs in by_child.items() if rs}
    for i in range(max((len(rs) for rs in by_child.values()), default=0)):
        for child, recordings in by_child.items():
            if i < len(recordings):
                r = recordings[i]
                plans[child].record(
                    r.entry, source=r.source, source_row=r.source_row,
                    recorded_by=r.entry.recorded_by, recorded_at=r.entry.recorded_at,
                )
                self.save(plans[child])
        if i == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    if import_log is not None:
        self.save(import_log)
EhcpAudit.record = record
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def full_counts(path: Path) -> Counter[str]:
    """Events per child after a complete import: its rows plus the plan's Opened event."""
    counts = Counter(r["child_id"] for r in read_rows(path)[1])
    return Counter({child: n + 1 for child, n in counts.items()})


def partial_children(db: str, path: Path) -> dict[str, tuple[int, int]]:
    """Children with some but not all of their events: child -> (stored, full)."""
    stored, _ = events_per_child(db)
    full = full_counts(path)
    return {c: (n, full[c]) for c, n in stored.items() if n != full[c]}


def stored_events(db: str) -> int:
    """How many events the store holds, read without the application (0 if not created)."""
    try:
        if db.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(db) as conn:
                row = conn.execute("SELECT count(*) FROM ehcpaudit_events").fetchone()
        else:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                row = conn.execute("SELECT count(*) FROM stored_events").fetchone()
    except Exception:  # not created yet
        return 0
    return int(row[0]) if row else 0


def clean_export(tmp_path: Path, path: Path) -> str:
    db = str(tmp_path / "clean.sqlite")
    assert run(db, "import", "actions", path).exit_code == 0
    return compliance_csv(db, tmp_path / "clean.csv")


def test_import_killed_inside_a_save_leaves_whole_children(store_db: str, tmp_path: Path) -> None:
    sample = generated(tmp_path, 120, seed=3)
    prelude = SMALL_BATCHES.format(batch=20) + KILL_INSIDE_THIRD_SAVE
    killed = run_process(store_db, "import", "actions", sample, prelude=prelude, cwd=tmp_path)
    assert killed.returncode == -signal.SIGKILL
    stored, logs = events_per_child(store_db)
    assert len(stored) == 40 and logs == 0  # two batches of 20 children committed, no more
    assert partial_children(store_db, sample) == {}

    again = run(store_db, "import", "actions", sample)
    assert again.exit_code == 0, again.output
    assert partial_children(store_db, sample) == {}
    assert set(events_per_child(store_db)[0]) == set(full_counts(sample))
    assert compliance_csv(store_db, tmp_path / "resumed.csv") == clean_export(tmp_path, sample)
    assert run(store_db, "verify").exit_code == 0


def test_import_killed_from_outside_leaves_whole_children(store_db: str, tmp_path: Path) -> None:
    sample = generated(tmp_path, 200, seed=4)
    process = spawn(
        store_db, "import", "actions", sample, prelude=SMALL_BATCHES.format(batch=10), cwd=tmp_path
    )
    deadline = time.monotonic() + 120
    while stored_events(store_db) == 0 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL, "the import ended before it was killed"
    stored, _ = events_per_child(store_db)
    assert 0 < len(stored) < len(full_counts(sample))
    assert partial_children(store_db, sample) == {}

    assert run(store_db, "import", "actions", sample).exit_code == 0
    assert partial_children(store_db, sample) == {}
    assert compliance_csv(store_db, tmp_path / "resumed.csv") == clean_export(tmp_path, sample)


def test_a_non_atomic_importer_is_caught(tmp_path: Path) -> None:
    """The broken variant: saving entry by entry, a kill leaves children half imported."""
    db, sample = str(tmp_path / "broken.sqlite"), generated(tmp_path, 30, seed=3)
    prelude = SMALL_BATCHES.format(batch=10) + SAVE_EACH_ENTRY
    killed = run_process(db, "import", "actions", sample, prelude=prelude, cwd=tmp_path)
    assert killed.returncode == -signal.SIGKILL
    partial = partial_children(db, sample)
    assert len(partial) > 5 and all(n == 4 < full for n, full in partial.values()), partial


# -- the projector ---------------------------------------------------------------------------------
SMALL_PAGES = """
import os, signal
import ehcp_audit.view.pages as pages
import ehcp_audit.view.projector as projector
import ehcp_audit.view.recompute as recompute
import ehcp_audit.view.staging as staging
projector.PAGE = 400
recompute.CHILDREN_PER_CHUNK = 15
"""

# Killed inside a DuckDB transaction: the 3rd page's rows written, its position not yet.
KILL_IN_PAGE = """
_insert, _calls = staging.insert, []
def insert(con, table, columns, rows):
    _insert(con, table, columns, rows)
    if table == "{table}":
        _calls.append(1)
        if len(_calls) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
pages.insert = recompute.insert = insert
"""

# Marks the 3rd page done, so that the test can kill the process from outside right then.
MARK_THIRD_PAGE = """
_apply, _pages = projector.Projector._apply_page, []
def apply(self, page):
    _apply(self, page)
    _pages.append(1)
    if len(_pages) == 3:
        open("page3.done", "w").close()
projector.Projector._apply_page = apply
"""

# Broken: the position is moved in its own transaction before the page's rows are written.
POSITION_FIRST = """
_apply, _pages = projector.Projector._apply_page, []
def apply(self, page):
    self.con.execute("DELETE FROM tracking")
    self.con.execute("INSERT INTO tracking VALUES (?, ?)", [page[-1].position, projector.FORMAT])
    _pages.append(1)
    if len(_pages) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    _apply(self, page)
projector.Projector._apply_page = apply
"""


@pytest.fixture
def imported(tmp_path: Path) -> str:
    db = str(tmp_path / "store.sqlite")
    assert run(db, "import", "actions", generated(tmp_path, 80, seed=6)).exit_code == 0
    return db


def resumed_equals_rebuild(db: str, tmp_path: Path) -> bool:
    """Run `project` again, export; then `project --rebuild`, export: the same?"""
    if run(db, "project").exit_code != 0:
        return False
    resumed = export(db, tmp_path / "resumed.csv")
    assert run(db, "project", "--rebuild").exit_code == 0
    return resumed == export(db, tmp_path / "rebuilt.csv")


# In a recompute the base rows are written first, then the last dates (children), then commit.
@pytest.mark.parametrize("table", ["rejected_rows", "children"], ids=["in-page", "in-recompute"])
def test_project_killed_inside_a_transaction_resumes(
    imported: str, tmp_path: Path, table: str
) -> None:
    prelude = SMALL_PAGES + KILL_IN_PAGE.replace("{table}", table)
    killed = run_process(imported, "project", "--rebuild", prelude=prelude, cwd=tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert resumed_equals_rebuild(imported, tmp_path)


def test_project_killed_from_outside_resumes(imported: str, tmp_path: Path) -> None:
    process = spawn(imported, "project", prelude=SMALL_PAGES + MARK_THIRD_PAGE, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while not (tmp_path / "page3.done").exists() and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL, "the projection ended before it was killed"
    assert resumed_equals_rebuild(imported, tmp_path)


def test_a_projector_that_moves_its_position_first_is_caught(imported: str, tmp_path: Path) -> None:
    """The broken variant: position and rows in separate transactions lose a page on a crash."""
    prelude = SMALL_PAGES + POSITION_FIRST
    killed = run_process(imported, "project", prelude=prelude, cwd=tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert not resumed_equals_rebuild(imported, tmp_path)
