"""`import tracker`: plan the changes, record them through the action-log importer, and
report rejections by tracker row and cell."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ehcp_audit.application import EhcpAudit
from ehcp_audit.ingest.importer import ImportResult, Progress, import_rows
from ehcp_audit.ingest.tracker.cells import cell_text
from ehcp_audit.ingest.tracker.changes import DEFER, RECORD, REJECT, VOID, Change
from ehcp_audit.ingest.tracker.mapping import TrackerMapping
from ehcp_audit.ingest.tracker.planner import TrackerPlan, plan_tracker
from ehcp_audit.ingest.tracker.source import TrackerSource


@dataclass
class TrackerResult:
    plan: TrackerPlan
    imported: ImportResult | None = None  # None for a dry run

    @property
    def rejected(self) -> list[Change]:
        return [c for c in self.plan.changes() if c.kind == REJECT]

    @property
    def strict_aborted(self) -> bool:
        return self.imported is not None and self.imported.strict_aborted

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def summary(self) -> str:
        plan = self.plan
        voids = plan.count(VOID)
        verb = "would record" if self.imported is None else "recorded"
        if self.strict_aborted:
            verb = "--strict: nothing recorded because some rows were rejected; would record"
        line = (
            f"{plan.where}: {len(plan.rows)} tracker rows, {len(plan.children)} children: "
            f"{verb} {plan.count(RECORD)} entries and {voids} voids; "
            f"{plan.unchanged} unchanged, {len(self.rejected)} rejected"
        )
        deferred = plan.count(DEFER)
        if deferred:
            line += f", {deferred} meetings booked for later days (recorded once the day comes)"
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
    progress: Progress | None = None,
) -> TrackerResult:
    today = today or date.today()
    plan = plan_tracker(app, path, mapping, sheet=sheet, today=today)
    result = TrackerResult(plan)
    if not dry_run:
        changes = [c for c in plan.changes() if c.kind in (RECORD, VOID, REJECT)]
        source = TrackerSource(plan.file_name, plan.sha256, changes)
        result.imported = import_rows(app, source, strict=strict, today=today, progress=progress)
        # Anything the importer rejected that the plan did not foresee (another import
        # recorded entries for the same children meanwhile) is reported the same way.
        for rejection in result.imported.rejections:
            change = source.change_at(rejection.row)
            if change.kind != REJECT:
                change.kind = REJECT
                change.fact.reject(rejection.column, rejection.message)
    if rejects_path is not None and result.rejected:
        write_tracker_rejects(rejects_path, plan, result.rejected)
    return result


def write_tracker_rejects(path: Path, plan: TrackerPlan, rejected: list[Change]) -> None:
    """The rejected tracker rows, unchanged, with the row, the cell and the reason; a row
    with several bad cells appears once per cell."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width = len(plan.header)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*plan.header, "row", "cell", "error"])
        for change in sorted(rejected, key=lambda c: c.fact.row_number):
            fact = change.fact
            values = [cell_text(v) for v in fact.row.values]
            values = (values + [""] * width)[:width]
            cell = str(fact.problem_cell) if fact.problem_cell is not None else ""
            writer.writerow([*values, fact.row_number, cell, fact.problem])
