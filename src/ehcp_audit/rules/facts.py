"""What each group of a plan's rows is judged from, and all of it.

A plan's rows fall into groups: each cycle's 16 measure rows, and the plan's phase-transfer
rows. Each group is judged from its facts alone (rules.compliance), so a group whose facts
did not change has not changed either: a catch-up judges only the groups whose facts differ
from the stored ones (projection.records.facts_digest).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from ehcp_audit.rules.cycles import Cycle, PlanHistory

# The group of a plan's phase-transfer rows (cycle groups are numbered from 1).
TRANSFERS = 0


class CycleFacts(NamedTuple):
    """One cycle's 16 rows are judged from these, and nothing else."""

    cycle: Cycle
    issued_on: date
    # The first decision of the cycle before (none for cycle 1): the 12-month clock's start.
    previous_decision: date | None
    # The first decision of this cycle or of any later one: what ends the 12-month period.
    decided_from_here: date | None
    date_of_birth: date
    ceased_on: date | None
    # The placement on the meeting date if held, else on the due date.
    school_urn: str


class CycleOutline(NamedTuple):
    number: int
    anchor: date
    due_on: date
    meeting_on: date | None


class PlanFacts(NamedTuple):
    """The plan's phase-transfer rows are judged from these, and nothing else."""

    date_of_birth: date
    issued_on: date
    ceased_on: date | None
    cycles: tuple[CycleOutline, ...]
    placements: tuple[tuple[date, str], ...]
    final_plans: tuple[date, ...]


def _first_decision(cycle: Cycle) -> date | None:
    decision = cycle.first("decision_issued")
    return decision.occurred_on if decision is not None else None


def cycle_facts(plan: PlanHistory) -> list[CycleFacts]:
    decisions = [_first_decision(c) for c in plan.cycles]
    from_here: list[date | None] = []
    later: date | None = None
    for decided in reversed(decisions):
        later = decided if decided is not None else later
        from_here.append(later)
    from_here.reverse()
    return [
        CycleFacts(
            cycle,
            plan.issued_on,
            decisions[k - 1] if k else None,
            from_here[k],
            plan.date_of_birth,
            plan.ceased_on,
            plan.placement_on(cycle.meeting_on or cycle.due_on),
        )
        for k, cycle in enumerate(plan.cycles)
    ]


def plan_facts(plan: PlanHistory) -> PlanFacts:
    return PlanFacts(
        plan.date_of_birth,
        plan.issued_on,
        plan.ceased_on,
        tuple(CycleOutline(c.number, c.anchor, c.due_on, c.meeting_on) for c in plan.cycles),
        tuple(plan.placements),
        tuple(e.occurred_on for e in plan.final_plans),
    )


def groups_of(plan: PlanHistory) -> list[tuple[int, CycleFacts | PlanFacts]]:
    """The plan's groups of rows, each as (group, its facts): the cycles by number, then the
    phase transfers (TRANSFERS)."""
    groups: list[tuple[int, CycleFacts | PlanFacts]] = [
        (facts.cycle.number, facts) for facts in cycle_facts(plan)
    ]
    groups.append((TRANSFERS, plan_facts(plan)))
    return groups
