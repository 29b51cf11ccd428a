"""`import tracker`: plan the changes, record them through the action-log importer, and
report rejections by tracker row and cell.

A large tracker is imported by one process per core (tracker/parallel.py), each planning
and recording a share of the children exactly as one process would; this process reads the
file once, hands each row to its child's process, and writes the import log at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ehcp_audit import clock
from ehcp_audit.application import EhcpAudit
from ehcp_audit.exports.safe_cells import SafeCsvWriter
from ehcp_audit.ingest.importer import ImportResult, RowsDone, import_children
from ehcp_audit.ingest.rejects import Rejection
from ehcp_audit.ingest.tracker.cells import cell_text
from ehcp_audit.ingest.tracker.changes import RECORD, REJECT, VOID, Change
from ehcp_audit.ingest.tracker.mapping import TrackerMapping
from ehcp_audit.ingest.tracker.planner import TrackerPlan, plan_tracker
from ehcp_audit.ingest.tracker.source import TrackerSource, problem_text

# A tracker row is about 90 bytes of XLSX (150 of CSV) and implies six entries: from about
# 12,000 rows a second process saves more than its start-up costs.
PARALLEL_FROM_BYTES = 1 << 20


@dataclass
class TrackerTally:
    """What a tracker import (or one process's share of it) planned and did."""

    where: str
    header: list[str]
    rows: int = 0
    children: int = 0
    recorded: int = 0
    voids: int = 0
    unchanged: int = 0
    rejected: list[Change] = field(default_factory=list)

    @classmethod
    def of(cls, plan: TrackerPlan) -> TrackerTally:
        tally = cls(plan.where, plan.header, len(plan.rows), len(plan.children))
        tally.unchanged = plan.unchanged
        for change in plan.changes():
            if change.kind == RECORD:
                tally.recorded += 1
            elif change.kind == VOID:
                tally.voids += 1
            elif change.kind == REJECT:
                tally.rejected.append(change)
        tally.rejected.sort(key=_row_of)
        return tally

    def add(self, other: TrackerTally) -> None:
        self.rows += other.rows
        self.children += other.children
        self.recorded += other.recorded
        self.voids += other.voids
        self.unchanged += other.unchanged
        # A tracker row's changes all come from one share: ordering by row alone keeps a
        # row's own order, so the merged list is the one a single process makes.
        self.rejected = sorted([*self.rejected, *other.rejected], key=_row_of)


def _row_of(change: Change) -> int:
    return change.fact.row_number


@dataclass
class TrackerResult:
    tally: TrackerTally
    imported: ImportResult | None = None  # None for a dry run
    plan: TrackerPlan | None = None  # the whole plan, kept by a one-process import (dry runs)

    @property
    def rejected(self) -> list[Change]:
        return self.tally.rejected

    @property
    def strict_aborted(self) -> bool:
        return self.imported is not None and self.imported.strict_aborted

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def summary(self) -> str:
        tally = self.tally
        verb = "would record" if self.imported is None else "recorded"
        if self.strict_aborted:
            verb = "--strict: nothing recorded because some rows were rejected; would record"
        line = (
            f"{tally.where}: {tally.rows} tracker rows, {tally.children} children: "
            f"{verb} {tally.recorded} entries and {tally.voids} voids; "
            f"{tally.unchanged} unchanged, {len(tally.rejected)} rejected"
        )
        return line


def import_tracker(
    app: EhcpAudit,
    path: Path,
    mapping: TrackerMapping,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    today: date | None = None,
    rejects_path: Path | None = None,
    progress: RowsDone | None = None,
    workers: int | None = None,
) -> TrackerResult:
    """Import a tracker (a large one in parallel; `workers=1` keeps it in this process)."""
    from ehcp_audit.ingest.parallel import parts_for
    from ehcp_audit.ingest.tracker.parallel import import_tracker_in_parts

    today = today or clock.today()
    parts = 1 if dry_run or strict else parts_for(app, path, workers, PARALLEL_FROM_BYTES)
    if parts > 1:
        tally, imported = import_tracker_in_parts(app, path, mapping, sheet, today, parts, progress)
        result = TrackerResult(tally, imported)
    else:
        plan = plan_tracker(app, path, mapping, sheet=sheet, today=today)
        if dry_run:
            result = TrackerResult(TrackerTally.of(plan), None, plan)
        else:
            imported = import_share(app, plan, strict=strict, today=today, progress=progress)
            result = TrackerResult(TrackerTally.of(plan), imported, plan)
    if result.imported is not None and not result.strict_aborted:
        write_import_log(app, path, result)
    if rejects_path is not None and result.rejected:
        write_tracker_rejects(rejects_path, result.tally)
    return result


def import_share(
    app: EhcpAudit,
    plan: TrackerPlan,
    *,
    strict: bool,
    today: date,
    progress: RowsDone | None,
) -> ImportResult:
    """Record a plan's changes (the whole tracker's, or one share's) through the action-log
    importer, without an import log; what it rejects that the plan did not foresee (another
    import recorded entries for the same children meanwhile) is marked in the plan."""
    changes = [c for c in plan.changes() if c.kind in (RECORD, VOID, REJECT)]
    source = TrackerSource(plan.file_name, plan.sha256, changes)
    result = ImportResult(source.name, source.sha256)
    rejected_rows = import_children(app, source, result, strict, today, progress, source.source_row)
    for row, (column, message) in rejected_rows.items():
        change = source.change_at(row)
        if change.kind != REJECT:
            change.kind = REJECT
            change.fact.reject(column, message)
    return result


def write_import_log(app: EhcpAudit, path: Path, result: TrackerResult) -> None:
    """One import log for the whole tracker; each rejection by tracker row and cell."""
    imported = result.imported
    assert imported is not None
    imported.rejections = [
        Rejection(c.fact.row_number, "", problem_text(c), [cell_text(v) for v in c.fact.row.values])
        for c in result.rejected
    ]
    app.record({}, {}, imported.import_log("tracker"))


def write_tracker_rejects(path: Path, tally: TrackerTally) -> None:
    """The rejected tracker rows, unchanged, with the row, the cell and the reason; a row
    with several bad cells appears once per cell."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width = len(tally.header)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow([*tally.header, "row", "cell", "error"])
        for change in sorted(tally.rejected, key=_row_of):
            fact = change.fact
            values = [cell_text(v) for v in fact.row.values]
            values = (values + [""] * width)[:width]
            cell = str(fact.problem_cell) if fact.problem_cell is not None else ""
            writer.writerow([*values, fact.row_number, cell, fact.problem])
