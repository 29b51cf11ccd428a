"""Several OS processes importing overlapping files into one store at once end with exactly the
events of a serial import: no loss, no duplicates, conflicts retried (issue 7)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.store_helpers import (
    compliance_csv,
    events_per_child,
    generated,
    read_rows,
    run,
    run_process,
    spawn,
    write_rows,
)

WRITERS = 4
CONFLICTED = "test: a save conflicted"  # written by a writer whose save lost a conflict
SHARED = 12  # children at the head of every file: every writer's first batch is the same

# Run in each process before the CLI: small batches (many interleaved saves), and a pause
# between judging the first batch and saving it, after a common start signal, so that every
# writer judges the shared children before any of them saves: all but one must conflict.
PRELUDE = """
import os, sys, time
import ehcp_audit.ingest.importer as importer
from ehcp_audit.application import EhcpAudit
from ehcp_audit.errors import ConcurrentWriteError
importer.CHILDREN_PER_BATCH = 12
importer.RETRIES = {retries}
_record, _paused = EhcpAudit.record, []
def record(self, *args, **kwargs):
    if not _paused:
        _paused.append(1)
        time.sleep(0.6)
    try:
        return _record(self, *args, **kwargs)
    except ConcurrentWriteError:
        sys.stderr.write(CONFLICTED + "\\n")
        raise
EhcpAudit.record = record
open(os.environ["GO_FILE"] + f".ready.{{os.getpid()}}", "w").close()
while not os.path.exists(os.environ["GO_FILE"]):
    time.sleep(0.005)
"""


def overlapping_files(directory: Path) -> list[Path]:
    """WRITERS files: the shared children, then half of the others each (every child of those
    in two files), each child's rows complete and in the master file's order."""
    header, rows = read_rows(generated(directory, 60, seed=5))
    by_child: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_child.setdefault(row["child_id"], []).append(row)
    children = list(by_child)
    shared, others = children[:SHARED], children[SHARED:]
    files = []
    for k in range(WRITERS):
        mine = shared + [c for i, c in enumerate(others) if i % WRITERS in (k, (k + 1) % WRITERS)]
        path = directory / f"part{k}.csv"
        write_rows(path, header, [r for c in mine for r in by_child[c]])
        files.append(path)
    return files


def serial_import(directory: Path, files: list[Path]) -> tuple[object, str]:
    db = str(directory / "serial.sqlite")
    for path in files:
        result = run(db, "import", "actions", path)
        assert result.exit_code == 0, result.output
    return events_per_child(db), compliance_csv(db, directory / "serial.csv")


def concurrent_import(
    db: str, directory: Path, files: list[Path], retries: int
) -> list[subprocess.CompletedProcess[str]]:
    go = directory / f"go-{retries}"
    prelude = PRELUDE.format(retries=retries).replace("CONFLICTED", repr(CONFLICTED))
    processes = [
        spawn(db, "import", "actions", path, prelude=prelude, cwd=directory, GO_FILE=str(go))
        for path in files
    ]
    deadline = time.monotonic() + 60
    while len(list(directory.glob(f"{go.name}.ready.*"))) < len(processes):
        assert time.monotonic() < deadline, "the writers did not start"
        time.sleep(0.01)
    go.touch()
    done = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def same_as_serial(
    db: str, directory: Path, done: list[subprocess.CompletedProcess[str]], serial: tuple
) -> list[str]:
    """What differs from the serial import (empty: nothing)."""
    problems = [f"a writer failed: {p.stderr.strip()[-300:]}" for p in done if p.returncode != 0]
    counts, logs = events_per_child(db)
    (serial_counts, _), serial_export = serial
    if counts != serial_counts:
        lost = {c: n - counts.get(c, 0) for c, n in serial_counts.items() if counts.get(c) != n}
        problems.append(f"events per child differ from the serial import: {lost}")
    if logs != len(done):
        problems.append(f"{logs} import logs for {len(done)} imports")
    if compliance_csv(db, directory / "concurrent.csv") != serial_export:
        problems.append("the compliance export differs from the serial import's")
    verified = run_process(db, "verify", cwd=directory)
    if verified.returncode != 0:
        problems.append(f"verify: {verified.stderr.strip()}")
    return problems


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A PostgreSQL store's view file is kept in the working directory (not the repo's).
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return overlapping_files(tmp_path)


def test_concurrent_imports_equal_a_serial_import(
    store_db: str, tmp_path: Path, files: list[Path]
) -> None:
    serial = serial_import(tmp_path, files)
    done = concurrent_import(store_db, tmp_path, files, retries=8)
    assert same_as_serial(store_db, tmp_path, done, serial) == []
    # Conflicts really happened and were retried: writers lost a save (usually all but the
    # first to save; a writer slowed down enough by a loaded machine judges after the winner
    # saved and has no conflict), then skipped the shared rows the winner had saved.
    conflicted = [p for p in done if CONFLICTED in p.stderr]
    assert conflicted, [p.stderr for p in done]
    assert all(" 0 duplicates skipped" not in p.stderr for p in conflicted)


def test_without_retries_the_check_sees_the_loss(
    store_db: str, tmp_path: Path, files: list[Path]
) -> None:
    """The broken variant: a writer that gives up on its first conflict."""
    serial = serial_import(tmp_path, files)
    done = concurrent_import(store_db, tmp_path, files, retries=1)
    problems = same_as_serial(store_db, tmp_path, done, serial)
    assert sum(p.returncode == 1 for p in done) == WRITERS - 1, [p.stderr for p in done]
    assert any(p.startswith("events per child differ") for p in problems), problems
