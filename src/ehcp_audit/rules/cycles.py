"""Review cycles (RULES.md section 2): anchors, due dates, which cycle an action belongs to,
the reference meeting date R and the placement at a date."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.vocabulary import POST_MEETING, PRE_MEETING
from ehcp_audit.rules.calendar import add_months, is_under_five

ANNUAL_CYCLE_MONTHS = 12
UNDER_FIVE_CYCLE_MONTHS = 6  # local policy; CoP 9.178


@dataclass(slots=True)
class Cycle:
    number: int
    anchor: date
    due_on: date
    meeting: Entry | None = None
    # Entries of the cycle by action, each list in business order.
    actions: dict[str, list[Entry]] = field(default_factory=dict)

    @property
    def meeting_on(self) -> date | None:
        return self.meeting.occurred_on if self.meeting is not None else None

    def first(self, action: str) -> Entry | None:
        found = self.actions.get(action)
        return found[0] if found else None

    def all(self, action: str) -> list[Entry]:
        return self.actions.get(action, [])

    @property
    def reference_meeting_on(self) -> date:
        """R: the meeting once held, else the latest booking's meeting_on, else the due date."""
        if self.meeting is not None:
            return self.meeting.occurred_on
        for scheduled in reversed(self.all("review_scheduled")):
            booked = scheduled.date_of("meeting_on")
            if booked is not None:
                return booked
        return self.due_on


@dataclass(slots=True)
class PlanHistory:
    """One child's plan as of a day: the effective entries arranged into cycles."""

    child_id: str
    plan: Entry
    date_of_birth: date
    ceased_on: date | None
    cycles: list[Cycle]
    placements: list[tuple[date, str]]
    final_plans: list[Entry]

    @property
    def issued_on(self) -> date:
        return self.plan.occurred_on

    def placement_on(self, day: date) -> str:
        return placement_on(self.placements, day)


def placement_on(placements: Sequence[tuple[date, str]], day: date) -> str:
    """URN of the latest plan_issued or placement_changed (`placements`: (date, URN) in business
    order) dated on or before `day`."""
    index = bisect_right(placements, (day, "\uffff"))
    return placements[index - 1][1] if index else ""


def due_date(anchor: date, date_of_birth: date) -> date:
    months = (
        UNDER_FIVE_CYCLE_MONTHS if is_under_five(date_of_birth, anchor) else ANNUAL_CYCLE_MONTHS
    )
    return add_months(anchor, months)


def is_annual(meeting: Entry) -> bool:
    return meeting.get("review_type", "annual") != "interim"


def build_history(entries: list[Entry]) -> PlanHistory | None:
    """Arrange effective entries (business order, already limited to the as-of day) into cycles.

    Returns None when the child has no plan (yet, or any more after a void).
    """
    plan = next((e for e in entries if e.action == "plan_issued"), None)
    if plan is None:
        return None
    issued = plan.occurred_on
    dob = plan.date_of("date_of_birth") or issued
    if entries[0].occurred_on < issued:  # rare: entries in business order start at the plan
        entries = [e for e in entries if e.occurred_on >= issued]
    ceased = next((e.occurred_on for e in entries if e.action == "plan_ceased"), None)

    meetings = [e for e in entries if e.action == "meeting_held" and is_annual(e)]
    cycles: list[Cycle] = []
    anchor = issued
    for number, meeting in enumerate(meetings, start=1):
        cycles.append(Cycle(number, anchor, due_date(anchor, dob), meeting))
        anchor = meeting.occurred_on
        if ceased is not None and anchor > ceased:
            break
    else:
        cycles.append(Cycle(len(meetings) + 1, anchor, due_date(anchor, dob)))

    # Every annual meeting, including any after the one that closed the last cycle of a ceased
    # plan: those close no cycle, so what belongs to them belongs to no cycle.
    meeting_days = [m.occurred_on for m in meetings]
    held = sum(1 for c in cycles if c.meeting is not None)
    for entry in entries:
        if entry.action in PRE_MEETING:
            # First annual meeting on or after the date, else the open cycle.
            index = bisect_left(meeting_days, entry.occurred_on)
            if index >= held and cycles[-1].meeting is not None:
                continue  # after the last meeting, but the next cycle was never anchored (ceased)
        elif entry.action in POST_MEETING:
            # Last annual meeting on or before the date; none (or one that closed no cycle, after
            # a cease) means no cycle.
            index = bisect_right(meeting_days, entry.occurred_on) - 1
            if index < 0 or index >= held:
                continue
        else:
            continue
        cycles[index].actions.setdefault(entry.action, []).append(entry)

    placements = [
        (e.occurred_on, e.get("school_urn"))
        for e in entries
        if e.action in ("plan_issued", "placement_changed")
    ]
    final_plans = [e for e in entries if e.action == "final_plan_issued"]
    return PlanHistory(plan.child_id, plan, dob, ceased, cycles, placements, final_plans)
