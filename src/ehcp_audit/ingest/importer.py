"""Import an action-log CSV: parse every row, judge each child's rows against its history,
record the accepted ones a batch of children at a time (each batch atomic), report the rest.

Exit statuses (RULES.md): 0 all imported, 3 some rows rejected, 2 the file is unusable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ehcp_audit import clock
from ehcp_audit.application import EhcpAudit, NewEntry
from ehcp_audit.domain.import_log import ImportLog
from ehcp_audit.errors import ConcurrentWriteError
from ehcp_audit.ingest.csv_file import RowSource, open_action_log
from ehcp_audit.ingest.rejects import Rejection, write_rejects
from ehcp_audit.ingest.row_parser import RowError, parse_row
from ehcp_audit.rules.admission import ACCEPTED, DUPLICATE, Candidate, admit

CHILDREN_PER_BATCH = 1000
RETRIES = 8

RowsDone = Callable[[int], None]


@dataclass
class ImportResult:
    file_name: str
    sha256: str
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    strict_aborted: bool = False

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def exit_code(self) -> int:
        return 3 if self.rejections else 0

    def import_log(self, kind: str) -> ImportLog:
        """The import log of this result: its counts and each rejection's row and error."""
        return ImportLog(
            kind=kind,
            file_name=self.file_name,
            sha256=self.sha256,
            rows=self.rows,
            imported=self.imported,
            duplicates=self.duplicates,
            rejected=[{"row": r.row, "error": r.error} for r in self.rejections],
        )

    def summary(self) -> str:
        line = (
            f"{self.file_name}: {self.rows} rows: {self.imported} imported, "
            f"{self.duplicates} duplicates skipped, {self.rejected} rejected"
        )
        if self.strict_aborted:
            line += " (--strict: nothing was imported because some rows were rejected)"
        return line


def import_actions(
    app: EhcpAudit,
    path: Path,
    *,
    strict: bool = False,
    today: date | None = None,
    rejects_path: Path | None = None,
    progress: RowsDone | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Import an action-log CSV file (a large one in parallel, children split between
    processes; `workers=1` keeps it in this process)."""
    from ehcp_audit.ingest.parallel import import_in_parts, parts_for

    log = open_action_log(path)
    parts = 1 if strict else parts_for(app, path, workers)
    if parts == 1:
        return import_rows(
            app, log, strict=strict, today=today, rejects_path=rejects_path, progress=progress
        )
    today = today or clock.today()
    result, rejected_rows = import_in_parts(app, log, parts, today, progress)
    return _finish(app, log, result, rejected_rows, rejects_path)


def import_rows(
    app: EhcpAudit,
    log: RowSource,
    *,
    strict: bool = False,
    today: date | None = None,
    rejects_path: Path | None = None,
    progress: RowsDone | None = None,
) -> ImportResult:
    """Import rows from a file or any other source (the `record` and `void` commands)."""
    result = ImportResult(log.name, log.sha256)
    rejected_rows = import_children(app, log, result, strict, today or clock.today(), progress)
    return _finish(app, log, result, rejected_rows, rejects_path)


def check_actions(
    app: EhcpAudit, path: Path, *, today: date | None = None, rejects_path: Path | None = None
) -> ImportResult:
    """What `import_actions` would record, reject and skip as a duplicate, recording nothing
    (the web's dry run before an upload is confirmed)."""
    log = open_action_log(path)
    result = ImportResult(log.name, log.sha256)
    by_child, problems = _parse(log, today or clock.today(), result)
    rejected_rows: dict[int, tuple[str, str]] = dict(problems)
    children = list(by_child)
    for start in range(0, len(children), CHILDREN_PER_BATCH):
        batch = children[start : start + CHILDREN_PER_BATCH]
        accepted, _, duplicates = _judge(app, batch, by_child, rejected_rows)
        result.imported += sum(len(rows) for rows in accepted.values())
        result.duplicates += duplicates
    result.rejections = _rejections(log, rejected_rows)
    if rejects_path is not None and result.rejections:
        write_rejects(rejects_path, log.header, result.rejections)
    return result


def import_children(
    app: EhcpAudit,
    log: RowSource,
    result: ImportResult,
    strict: bool,
    today: date,
    progress: RowsDone | None,
    source_row: Callable[[int], int] | None = None,
) -> dict[int, tuple[str, str]]:
    """Parse, judge and record the source's rows (counted into `result`); the rejected rows
    by row number, as (column, reason). No import log is written here. Each entry keeps its
    row number as its source row unless `source_row` says otherwise (a tracker's row)."""
    by_child, problems = _parse(log, today, result)
    rejected_rows: dict[int, tuple[str, str]] = dict(problems)

    children = list(by_child)
    batches = [
        children[i : i + CHILDREN_PER_BATCH] for i in range(0, len(children), CHILDREN_PER_BATCH)
    ]
    if strict:
        for batch in batches:
            _judge(app, batch, by_child, rejected_rows)
        if rejected_rows:
            result.strict_aborted = True
    if not result.strict_aborted:
        source = f"{log.name} sha256:{log.sha256[:16]}"
        for batch in batches:
            imported, duplicates = _record_batch(
                app, batch, by_child, rejected_rows, source, source_row
            )
            result.imported += imported
            result.duplicates += duplicates
            if progress is not None:
                progress(sum(len(by_child[c]) for c in batch))
    return rejected_rows


def _finish(
    app: EhcpAudit,
    log: RowSource,
    result: ImportResult,
    rejected_rows: dict[int, tuple[str, str]],
    rejects_path: Path | None,
) -> ImportResult:
    result.rejections = _rejections(log, rejected_rows)
    if not result.strict_aborted:
        app.record({}, {}, result.import_log(log.kind))
    if rejects_path is not None and result.rejections:
        write_rejects(rejects_path, log.header, result.rejections)
    return result


def _parse(
    log: RowSource, today: date, result: ImportResult
) -> tuple[dict[str, list[Candidate]], dict[int, tuple[str, str]]]:
    by_child: dict[str, list[Candidate]] = {}
    problems: dict[int, tuple[str, str]] = {}
    parsed = getattr(log, "parsed", None)
    if parsed is not None:  # a tracker's rows, parsed by parse_row when it was planned
        for number, entry, problem in parsed():
            result.rows += 1
            if entry is None:
                problems[number] = ("", problem)
            else:
                by_child.setdefault(entry.child_id, []).append(Candidate(number, entry))
        return by_child, problems
    for number, (_, mapping, problem) in enumerate(log.rows(), start=1):
        if not mapping and not problem:
            continue  # a blank line: numbered, but nothing to import or reject
        result.rows += 1
        if problem:
            problems[number] = ("", problem)
            continue
        try:
            entry = parse_row(mapping, today)
        except RowError as exc:
            problems[number] = (exc.column, exc.message)
            continue
        by_child.setdefault(entry.child_id, []).append(Candidate(number, entry))
    return by_child, problems


def _judge(
    app: EhcpAudit,
    batch: Sequence[str],
    by_child: dict[str, list[Candidate]],
    rejected_rows: dict[int, tuple[str, str]],
) -> tuple[dict[str, list[Candidate]], dict[str, object], int]:
    plans = app.plans(batch)
    accepted: dict[str, list[Candidate]] = {}
    duplicates = 0
    for child_id in batch:
        plan = plans.get(child_id)
        existing = plan.as_entries() if plan is not None else []
        candidates = by_child[child_id]
        keep = []
        for candidate, verdict in zip(candidates, admit(existing, candidates), strict=True):
            if verdict.outcome == ACCEPTED:
                keep.append(candidate)
            elif verdict.outcome == DUPLICATE:
                duplicates += 1
            else:
                rejected_rows[candidate.row] = (verdict.column, verdict.message)
        accepted[child_id] = keep
    return accepted, dict(plans), duplicates


def _record_batch(
    app: EhcpAudit,
    batch: Sequence[str],
    by_child: dict[str, list[Candidate]],
    rejected_rows: dict[int, tuple[str, str]],
    source: str,
    source_row: Callable[[int], int] | None,
) -> tuple[int, int]:
    for attempt in range(RETRIES):
        trial: dict[int, tuple[str, str]] = {}
        accepted, plans, duplicates = _judge(app, batch, by_child, trial)
        recordings = {
            child: [
                NewEntry(c.entry, source, source_row(c.row) if source_row else c.row)
                for c in candidates
            ]
            for child, candidates in accepted.items()
        }
        try:
            app.record(recordings, plans)  # type: ignore[arg-type]
        except ConcurrentWriteError:
            if attempt == RETRIES - 1:
                raise
            continue
        rejected_rows.update(trial)
        return sum(len(r) for r in recordings.values()), duplicates
    raise AssertionError("unreachable")


def _rejections(log: RowSource, rejected_rows: dict[int, tuple[str, str]]) -> list[Rejection]:
    if not rejected_rows:
        return []
    found = []
    for number, (values, _, _) in enumerate(log.rows(), start=1):
        if number in rejected_rows:
            column, message = rejected_rows[number]
            found.append(Rejection(number, column, message, values))
    return found
