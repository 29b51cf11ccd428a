"""Read a tracker and work out, child by child, what importing it would change, judged by
the action-log importer's own admission rules (so a dry run predicts the import exactly)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ehcp_audit import clock
from ehcp_audit.application import EhcpAudit
from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.plan import entry_from_event
from ehcp_audit.ingest.csv_file import sha256_of
from ehcp_audit.ingest.row_parser import CHILD_ID
from ehcp_audit.ingest.tracker.changes import RECORD, REJECT, VOID, Change, ChildChanges
from ehcp_audit.ingest.tracker.headers import Header
from ehcp_audit.ingest.tracker.mapping import TrackerMapping
from ehcp_audit.ingest.tracker.reader import open_table
from ehcp_audit.ingest.tracker.rows import RowFacts, TrackerRow, read_row, row_facts
from ehcp_audit.rules.admission import DUPLICATE, REJECTED, Candidate, admit

CHILDREN_PER_BATCH = 1000


@dataclass
class TrackerPlan:
    file_name: str
    sha256: str
    where: str  # file and sheet, for messages
    header: list[str]
    rows: dict[int, TrackerRow] = field(default_factory=dict)
    children: dict[str, ChildChanges] = field(default_factory=dict)
    orphans: list[Change] = field(default_factory=list)  # rows with no usable child id

    def changes(self) -> Iterator[Change]:
        yield from self.orphans
        for child in self.children.values():
            yield from child.changes

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes() if c.kind == kind)

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.children.values())


def plan_tracker(
    app: EhcpAudit,
    path: Path,
    mapping: TrackerMapping,
    *,
    sheet: str | None = None,
    today: date | None = None,
) -> TrackerPlan:
    today = today or clock.today()
    with open_table(path, mapping, sheet) as table:
        plan = TrackerPlan(path.name, sha256_of(path), table.where, table.header.names)
        return plan_rows(app, plan, table.header, table.rows, mapping, today)


def plan_rows(
    app: EhcpAudit,
    plan: TrackerPlan,
    header: Header,
    rows: Iterable[tuple[int, list[object]]],
    mapping: TrackerMapping,
    today: date,
) -> TrackerPlan:
    """Plan these rows of the tracker (all of them, or one process's share of children)."""
    by_child: dict[str, list[RowFacts]] = {}
    for number, values in rows:
        row = read_row(number, values, header, mapping, today)
        if row is None:
            continue
        plan.rows[number] = row
        facts = row_facts(row, mapping, today)
        if CHILD_ID.fullmatch(row.child_id):
            by_child.setdefault(row.child_id, []).append(facts)
        else:
            plan.orphans.extend(Change(REJECT, f) for f in facts.rejected)
    reason = f"changed in tracker {plan.file_name} on {today}"
    children = list(by_child)
    for start in range(0, len(children), CHILDREN_PER_BATCH):
        batch = children[start : start + CHILDREN_PER_BATCH]
        stored = app.plans(batch)
        for child_id in batch:
            aggregate = stored.get(child_id)
            events = aggregate.entries if aggregate is not None else []
            recorded = [(entry_from_event(child_id, e), e.source) for e in events]
            child = ChildChanges(child_id, recorded, today, reason)
            rows_of_child = by_child[child_id]
            for facts in (
                sorted(rows_of_child, key=_cycle_order) if len(rows_of_child) > 1 else rows_of_child
            ):
                child.apply(facts)
            judge(child, [entry for entry, _ in recorded])
            plan.children[child_id] = child
    return plan


def _cycle_order(facts: RowFacts) -> tuple[date, int]:
    """A child's rows (one per review, in some trackers) are taken in meeting order."""
    meeting = facts.meeting.entry if facts.meeting is not None else None
    return (meeting.occurred_on if meeting is not None else date.max, facts.row.number)


def judge(child: ChildChanges, existing: list[Entry]) -> None:
    """Reject what the importer would reject; a void and the entry replacing what it undoes
    stand or fall together (a rejected new date must not leave the old one voided)."""
    while True:
        live = [c for c in child.changes if c.kind in (RECORD, VOID)]
        if not live:
            return
        candidates = []
        for number, change in enumerate(live, start=1):
            assert change.fact.entry is not None
            candidates.append(Candidate(number, change.fact.entry))
        again = False
        for change, verdict in zip(live, admit(existing, candidates), strict=True):
            if verdict.outcome == DUPLICATE:
                change.kind = "duplicate"
            elif verdict.outcome == REJECTED:
                change.kind = REJECT
                change.fact.reject(verdict.column, verdict.message)
                again = True
                partner = change.pair
                if partner is not None and partner.kind != REJECT:
                    partner.kind = REJECT
                    partner.fact.reject(
                        "occurred_on",
                        "not voided: the new value that replaces it was rejected"
                        if partner.fact.action == "void"
                        else "not recorded: the tracker's earlier entry could not be voided",
                    )
        if not again:
            return
