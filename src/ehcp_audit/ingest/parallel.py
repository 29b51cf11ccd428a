"""Import a large action log with one process per core, each taking a share of the children.

Every child's rows go to one process (its share is the crc32 of its child_id), which judges
and records them exactly as a single-process import would, a batch of children per atomic
save. The processes write into the same store at once, which the store already makes safe
(tests/test_concurrency.py): SQLite and PostgreSQL serialise the writes and the chain, and a
child is only ever written by its own process. The parent adds the import log at the end.

Workers are plain `python -m ehcp_audit.ingest.parallel` subprocesses talking JSON lines over
their pipes, not multiprocessing: spawning would re-run the caller's main script, and forking
would copy the caller's open store connections and threads.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from ehcp_audit.application import EhcpAudit
from ehcp_audit.errors import StoreError, UnusableFileError
from ehcp_audit.ingest.csv_file import ActionLogFile

# Below this size a second process costs more (its start-up, about a second) than it saves.
PARALLEL_FROM_BYTES = 4 << 20
MAX_WORKERS = 4
# The stores that several processes can open at once.
_SHARED_STORES = ("eventsourcing.sqlite", "eventsourcing.postgres")

Rejected = dict[int, tuple[str, str]]


def parts_for(
    app: EhcpAudit, path: Path, workers: int | None, from_bytes: int | None = None
) -> int:
    """How many processes to import this file with (1: here, in this process)."""
    dbname = app.env.get("SQLITE_DBNAME") or ""
    if app.env.get("PERSISTENCE_MODULE") not in _SHARED_STORES or (
        ":memory:" in dbname or "mode=memory" in dbname
    ):
        return 1
    if workers is None:
        configured = os.environ.get("EHCP_AUDIT_IMPORT_WORKERS", "")
        if configured.isdigit() and int(configured) > 0:
            workers = int(configured)
        elif path.stat().st_size < (from_bytes or PARALLEL_FROM_BYTES):
            return 1
        else:
            workers = min(MAX_WORKERS, len(os.sched_getaffinity(0)))
    return max(1, workers)


def import_in_parts(
    app: EhcpAudit,
    log: ActionLogFile,
    parts: int,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> tuple[Any, Rejected]:
    """Import `log` in `parts` processes; the summed result and every rejected row."""
    from ehcp_audit.ingest.importer import ImportResult

    workers = [_start(dict(app.env), log, k, parts, today) for k in range(parts)]
    lines: queue.SimpleQueue[tuple[int, str | None]] = queue.SimpleQueue()
    readers = [
        threading.Thread(target=_read_lines, args=(k, w, lines), daemon=True)
        for k, w in enumerate(workers)
    ]
    for reader in readers:
        reader.start()
    outcomes: dict[int, dict[str, Any]] = {}
    errors: list[str] = []
    unusable: list[str] = []
    try:
        running = len(workers)
        while running:
            k, line = lines.get()
            if line is None:
                running -= 1
                continue
            message = json.loads(line)
            if "done" in message and progress is not None:
                progress(message["done"])
            elif "result" in message:
                outcomes[k] = message["result"]
            elif "error" in message:
                errors.append(message["error"])
            elif "unusable" in message:
                unusable.append(message["unusable"])
    finally:
        settle(workers, len(outcomes) + len(errors) + len(unusable))
    if unusable:
        # Every process reads the whole file and stops on it before saving anything.
        raise UnusableFileError(unusable[0])
    check_workers(
        workers,
        outcomes,
        errors,
        "the import did not complete: {}. Children already saved stay recorded; "
        "importing the same file again completes it (saved rows count as duplicates)",
    )
    result = ImportResult(log.name, log.sha256)
    rejected: Rejected = {}
    for k in range(parts):
        outcome = outcomes[k]
        result.rows += outcome["rows"]
        result.imported += outcome["imported"]
        result.duplicates += outcome["duplicates"]
        rejected.update({int(row): (c, m) for row, (c, m) in outcome["rejected"].items()})
    return result, rejected


def settle(workers: Sequence[subprocess.Popen[Any]], answered: int) -> None:
    """Wait for every worker; stop those still running if the import was interrupted (each
    saved batch is whole, the rest unsaved)."""
    for worker in workers:
        if worker.poll() is None and answered < len(workers):
            worker.terminate()
        worker.wait()


def check_workers(
    workers: Sequence[subprocess.Popen[Any]],
    outcomes: Mapping[int, object],
    errors: list[str],
    message: str,
) -> None:
    """Raise StoreError (`message` with the detail) unless every worker gave a result."""
    failed = [k for k, w in enumerate(workers) if w.returncode != 0 or k not in outcomes]
    if errors or failed:
        detail = "; ".join(errors) or f"import process(es) {failed} stopped without a result"
        raise StoreError(message.format(detail))


def _read_lines(
    k: int, worker: subprocess.Popen[str], lines: queue.SimpleQueue[tuple[int, str | None]]
) -> None:
    assert worker.stdout is not None
    for line in worker.stdout:
        lines.put((k, line))
    lines.put((k, None))


def _start(
    env: dict[str, str], log: ActionLogFile, part: int, parts: int, today: date
) -> subprocess.Popen[str]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "ehcp_audit.ingest.parallel"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert worker.stdin is not None
    # Through the pipe, not the command line: the store settings may hold the cipher key.
    job = {
        "env": env,
        "log": {**asdict(log), "path": str(log.path)},
        "part": [part, parts],
        "today": today.isoformat(),
    }
    worker.stdin.write(json.dumps(job))
    worker.stdin.close()
    return worker


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _worker() -> None:
    from ehcp_audit.ingest.importer import ImportResult, import_children

    job = json.loads(sys.stdin.read())
    fields = job["log"]
    log = ActionLogFile(
        Path(fields["path"]), fields["header"], fields["sha256"], fields["kind"]
    ).partition(*job["part"])
    app: EhcpAudit | None = None
    try:
        app = EhcpAudit(env=job["env"])
        result = ImportResult(log.name, log.sha256)
        rejected = import_children(
            app,
            log,
            result,
            False,
            date.fromisoformat(job["today"]),
            lambda done: _send({"done": done}),
        )
        _send(
            {
                "result": {
                    "rows": result.rows,
                    "imported": result.imported,
                    "duplicates": result.duplicates,
                    "rejected": {str(row): list(why) for row, why in rejected.items()},
                }
            }
        )
    except UnusableFileError as exc:
        _send({"unusable": str(exc)})
        raise SystemExit(1) from None
    except Exception as exc:  # reported by the parent, which names the import that failed
        _send({"error": f"{type(exc).__name__}: {exc}"})
        raise SystemExit(1) from None
    finally:
        if app is not None:
            app.close()


if __name__ == "__main__":
    _worker()
