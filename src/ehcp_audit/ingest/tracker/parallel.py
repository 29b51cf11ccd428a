"""Import a large tracker with one process per core, each taking a share of the children.

This process reads the workbook once and sends each row to the process of its child (the
crc32 of the child id cell's text, as for a large action log). Each process plans and
records its children exactly as a one-process import would, and sends back its tally; this
process then writes the one import log.

Workers are `python -m ehcp_audit.ingest.tracker.parallel` subprocesses (see
ingest/parallel.py for why not multiprocessing). Rows, the mapping and the results travel
as pickles over the pipes: both ends are this program, and cells hold dates and numbers.
"""

from __future__ import annotations

import contextlib
import pickle
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from queue import SimpleQueue
from typing import IO, Any

from ehcp_audit.application import EhcpAudit
from ehcp_audit.ingest.csv_file import sha256_of
from ehcp_audit.ingest.importer import ImportResult, RowsDone
from ehcp_audit.ingest.parallel import check_workers, settle
from ehcp_audit.ingest.tracker.cells import cell_text
from ehcp_audit.ingest.tracker.mapping import TrackerMapping
from ehcp_audit.ingest.tracker.reader import open_table

ROWS_PER_MESSAGE = 500

Message = tuple[Any, ...]


def share_of(values: list[object], child_at: int | None, parts: int) -> int:
    """Which process a row goes to: all of a child's rows to the same one."""
    value = values[child_at] if child_at is not None and child_at < len(values) else None
    return zlib.crc32(cell_text(value).encode()) % parts


def import_tracker_in_parts(
    app: EhcpAudit,
    path: Path,
    mapping: TrackerMapping,
    sheet: str | None,
    today: date,
    parts: int,
    progress: RowsDone | None,
) -> tuple[Any, ImportResult]:
    """The merged tally and import counts of importing `path` in `parts` processes."""
    from ehcp_audit.ingest.tracker.importer import TrackerTally

    sha256 = sha256_of(path)
    messages: SimpleQueue[tuple[int, Message | None]] = SimpleQueue()
    with open_table(path, mapping, sheet) as table:
        job = {
            "env": dict(app.env),  # through the pipe, not the command line: it may hold a key
            "mapping": mapping,
            "header": table.header,
            "file": [path.name, sha256, table.where],
            "today": today,
        }
        workers = [_start(job) for _ in range(parts)]
        readers = [
            threading.Thread(target=_read_messages, args=(k, w, messages), daemon=True)
            for k, w in enumerate(workers)
        ]
        for reader in readers:
            reader.start()
        # A worker that stopped closes its pipe: its error (or its silence) is reported below.
        with contextlib.suppress(BrokenPipeError):
            _send_rows(table.rows, table.header.columns.get("child_id"), workers)
    outcomes: dict[int, Message] = {}
    errors: list[str] = []
    try:
        running = parts
        while running:
            k, message = messages.get()
            if message is None:
                running -= 1
            elif message[0] == "done" and progress is not None:
                progress(message[1])
            elif message[0] == "result":
                outcomes[k] = message
            elif message[0] == "error":
                errors.append(message[1])
    finally:
        settle(workers, len(outcomes) + len(errors))
    check_workers(
        workers,
        outcomes,
        errors,
        "the tracker import did not complete: {}. Children already saved stay recorded; "
        "importing the same tracker again completes it",
    )
    tally = TrackerTally(table.where, table.header.names)
    imported: ImportResult | None = None
    for k in range(parts):
        _, share_tally, share_import = outcomes[k]
        tally.add(share_tally)
        if imported is None:
            imported = share_import
        else:
            imported.rows += share_import.rows
            imported.imported += share_import.imported
            imported.duplicates += share_import.duplicates
    assert imported is not None
    return tally, imported


def _start(job: dict[str, Any]) -> subprocess.Popen[bytes]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "ehcp_audit.ingest.tracker.parallel"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert worker.stdin is not None
    pickle.dump(job, worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    return worker


def _send_rows(
    rows: Iterator[tuple[int, list[object]]],
    child_at: int | None,
    workers: list[subprocess.Popen[bytes]],
) -> None:
    parts = len(workers)
    pending: list[list[tuple[int, list[object]]]] = [[] for _ in workers]
    pipes = [w.stdin for w in workers]
    for number, values in rows:
        k = share_of(values, child_at, parts)
        pending[k].append((number, values))
        if len(pending[k]) >= ROWS_PER_MESSAGE:
            _dump(pipes[k], pending[k])
            pending[k] = []
    for k, pipe in enumerate(pipes):
        _dump(pipe, pending[k])
        _dump(pipe, None)
        assert pipe is not None
        pipe.close()


def _dump(pipe: IO[bytes] | None, rows: object) -> None:
    assert pipe is not None
    pickle.dump(rows, pipe, protocol=pickle.HIGHEST_PROTOCOL)


def _read_messages(
    k: int,
    worker: subprocess.Popen[bytes],
    messages: SimpleQueue[tuple[int, Message | None]],
) -> None:
    assert worker.stdout is not None
    try:
        while True:
            messages.put((k, pickle.load(worker.stdout)))
    except (EOFError, pickle.UnpicklingError):
        messages.put((k, None))


def _send(message: Message) -> None:
    pickle.dump(message, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


def _rows(stdin: IO[bytes]) -> Iterator[tuple[int, list[object]]]:
    while (batch := pickle.load(stdin)) is not None:
        yield from batch


def _worker() -> None:
    from ehcp_audit.ingest.tracker.importer import TrackerTally, import_share
    from ehcp_audit.ingest.tracker.planner import TrackerPlan, plan_rows

    stdin = sys.stdin.buffer
    job = pickle.load(stdin)
    file_name, sha256, where = job["file"]
    header = job["header"]
    app: EhcpAudit | None = None
    try:
        app = EhcpAudit(env=job["env"])
        plan = TrackerPlan(file_name, sha256, where, header.names)
        plan_rows(app, plan, header, _rows(stdin), job["mapping"], job["today"])
        imported = import_share(
            app,
            plan,
            strict=False,
            today=job["today"],
            progress=lambda done: _send(("done", done)),
        )
        _send(("result", TrackerTally.of(plan), imported))
    except Exception as exc:  # reported by the parent, which names the import that failed
        _send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None
    finally:
        if app is not None:
            app.close()


if __name__ == "__main__":
    _worker()
