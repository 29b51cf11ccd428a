"""One child's compliance rows (RULES.md sections 2-4): the entry point of the rulebook."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.cycles import PlanHistory, build_history, placement_on
from ehcp_audit.rules.effective import apply_voids
from ehcp_audit.rules.effective import as_of as entries_as_of
from ehcp_audit.rules.facts import CycleFacts, CycleOutline, PlanFacts, groups_of
from ehcp_audit.rules.measures import CYCLE_MEASURES
from ehcp_audit.rules.phase_transfer import applicable_transfers, final_plan_for
from ehcp_audit.rules.status import Judgement, base_status, resolve

PHASE_TRANSFER = "phase_transfer_deadline"


class BaseRow(NamedTuple):
    """A compliance row before the as-of day turns `open` into overdue or pending.
    `visible_from` is set on phase-transfer rows: they exist once their school year began."""

    child_id: str
    cycle: int
    due_on: date
    meeting_on: date | None
    school_urn: str
    measure: str
    deadline: date | None
    done_on: date | None
    base: str
    visible_from: date | None = None

    def sort_key(self) -> tuple[str, int, str, date]:
        return (self.child_id, self.cycle, self.measure, self.deadline or date.min)


class Row(NamedTuple):
    child_id: str
    cycle: int
    due_on: date
    meeting_on: date | None
    school_urn: str
    measure: str
    deadline: date | None
    done_on: date | None
    status: str


def cycle_rows(child_id: str, facts: CycleFacts) -> list[BaseRow]:
    """A cycle's 16 rows, from its facts alone."""
    cycle = facts.cycle
    held, ceased_on = cycle.meeting is not None, facts.ceased_on
    # What the 16 rows share, worked out once.
    cycle_fields = (child_id, cycle.number, cycle.due_on, cycle.meeting_on, facts.school_urn)
    rows: list[BaseRow] = []
    for name, measure in CYCLE_MEASURES.items():
        base, deadline, done_on = base_status(measure(facts), held, ceased_on)
        rows.append(BaseRow(*cycle_fields, name, deadline, done_on, base))
    return rows


def _in_force(cycles: tuple[CycleOutline, ...], day: date) -> CycleOutline:
    """The last cycle anchored on or before `day` (else the first)."""
    current = cycles[0]
    for cycle in cycles:
        if cycle.anchor <= day:
            current = cycle
    return current


def transfer_rows(child_id: str, facts: PlanFacts) -> list[BaseRow]:
    """The plan's phase-transfer rows, from its facts alone."""
    rows: list[BaseRow] = []
    for transfer in applicable_transfers(facts.date_of_birth, facts.issued_on, facts.ceased_on):
        in_force = _in_force(facts.cycles, transfer.deadline)
        judgement = Judgement(
            deadline=transfer.deadline, done_on=final_plan_for(facts.final_plans, transfer)
        )
        base, deadline, done_on = base_status(judgement, False, facts.ceased_on)
        rows.append(
            BaseRow(
                child_id,
                in_force.number,
                in_force.due_on,
                in_force.meeting_on,
                placement_on(facts.placements, transfer.deadline),
                PHASE_TRANSFER,
                deadline,
                done_on,
                base,
                visible_from=transfer.school_year_starts,
            )
        )
    return rows


def group_rows(child_id: str, facts: CycleFacts | PlanFacts) -> list[BaseRow]:
    """A group's rows (rules.facts), from its facts alone."""
    if isinstance(facts, PlanFacts):
        return transfer_rows(child_id, facts)
    return cycle_rows(child_id, facts)


def base_rows(plan: PlanHistory) -> list[BaseRow]:
    """Every row of the plan judged from its entries alone (any as-of day on or after them)."""
    return [row for _, facts in groups_of(plan) for row in group_rows(plan.child_id, facts)]


def evaluate_base(effective: list[Entry], day: date) -> list[BaseRow]:
    """Base rows from effective entries (voids applied) as of `day`."""
    plan = build_history(entries_as_of(effective, day))
    if plan is None:
        return []
    return base_rows(plan)


def resolve_rows(rows: Iterable[BaseRow], day: date) -> list[Row]:
    return [
        Row(
            r.child_id,
            r.cycle,
            r.due_on,
            r.meeting_on,
            r.school_urn,
            r.measure,
            r.deadline,
            r.done_on,
            resolve(r.base, r.deadline, day),
        )
        for r in sorted(rows, key=BaseRow.sort_key)
        if r.visible_from is None or r.visible_from <= day
    ]


def evaluate_child(entries: Iterable[Entry], day: date, known_on: date | None = None) -> list[Row]:
    """The child's compliance rows as of `day` (and as known on `known_on`), sorted per RULES.md."""
    return resolve_rows(evaluate_base(apply_voids(entries, known_on), day), day)
