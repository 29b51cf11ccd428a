"""The SEN2 person-level return's annual-review and phase-transfer items, derived from the events
(issue 8; docs/sen2.md says where every item comes from and what was chosen)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.cycles import Cycle, PlanHistory, build_history
from ehcp_audit.rules.effective import apply_voids, as_of
from ehcp_audit.rules.phase_transfer import PhaseTransfer, applicable_transfers, final_plan_for
from ehcp_audit.rules.sen2.cease import cease_reason_code
from ehcp_audit.rules.sen2.checks import Check, active_checks, ceased_checks

OUTCOME_CODES: Final = {"amend": "A", "maintain": "M", "cease": "C"}
ACTIVE_COLUMNS: Final = (
    "child_id",
    "URN",
    "StartDate",
    "ReviewMeeting",
    "ReviewOutcome",
    "LastReview",
    "ReviewDraft",
    "PhaseTransferDueDate",
    "PhaseTransferFinalDate",
)
CEASED_COLUMNS: Final = ("child_id", "StartDate", "CeaseDate", "CeaseReasonText", "CeaseReason")
THURSDAY: Final = 3


def census_date(year: int) -> date:
    """The third Thursday of January: the SEN2 census day."""
    first = date(year, 1, 1)
    return first + timedelta(days=(THURSDAY - first.weekday()) % 7 + 14)


@dataclass(frozen=True, slots=True)
class ActivePlan:
    child_id: str
    urn: str
    start_date: date
    review_meeting: date | None
    review_outcome: str
    last_review: date | None
    review_draft: date | None
    phase_transfer_due: date | None
    phase_transfer_final: date | None

    def row(self) -> tuple[str | date | None, ...]:
        return (
            self.child_id,
            self.urn,
            self.start_date,
            self.review_meeting,
            self.review_outcome,
            self.last_review,
            self.review_draft,
            self.phase_transfer_due,
            self.phase_transfer_final,
        )


@dataclass(frozen=True, slots=True)
class CeasedPlan:
    child_id: str
    start_date: date
    cease_date: date
    reason_text: str
    cease_reason: int | None

    def row(self) -> tuple[str | date | int | None, ...]:
        return (
            self.child_id,
            self.start_date,
            self.cease_date,
            self.reason_text,
            self.cease_reason,
        )


@dataclass(slots=True)
class Sen2Return:
    census: date
    active: list[ActivePlan] = field(default_factory=list)
    ceased: list[CeasedPlan] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


def latest_review(history: PlanHistory) -> Cycle | None:
    """The cycle closed by the latest annual meeting: its decisions and drafts are the ones
    dated on or after that meeting (interim meetings close no cycle, RULES.md section 2)."""
    held = [cycle for cycle in history.cycles if cycle.meeting is not None]
    return held[-1] if held else None


def transfer_in_year(history: PlanHistory, year: int) -> PhaseTransfer | None:
    transfers = applicable_transfers(history.date_of_birth, history.issued_on, history.ceased_on)
    return next((t for t in transfers if t.deadline.year == year), None)


def active_plan(history: PlanHistory, census: date) -> ActivePlan:
    review = latest_review(history)
    decision = review.first("decision_issued") if review else None
    draft = review.first("amendments_proposed") if review else None
    transfer = transfer_in_year(history, census.year)
    final_plans = (e.occurred_on for e in history.final_plans)
    return ActivePlan(
        child_id=history.child_id,
        urn=history.placement_on(census),
        start_date=history.issued_on,
        review_meeting=review.meeting_on if review else None,
        review_outcome=OUTCOME_CODES.get(decision.get("decision"), "") if decision else "",
        last_review=decision.occurred_on if decision else None,
        review_draft=draft.occurred_on if draft else None,
        phase_transfer_due=transfer.deadline if transfer else None,
        phase_transfer_final=final_plan_for(final_plans, transfer) if transfer else None,
    )


def ceased_plan(history: PlanHistory, effective: list[Entry]) -> CeasedPlan:
    entry = next(
        e for e in effective if e.action == "plan_ceased" and e.occurred_on >= history.issued_on
    )
    reason = entry.get("reason")
    return CeasedPlan(
        history.child_id, history.issued_on, entry.occurred_on, reason, cease_reason_code(reason)
    )


def add_child(result: Sen2Return, entries: Iterable[Entry]) -> None:
    """Add one child's record(s) and checks, from all its entries (voids included)."""
    census = result.census
    effective = as_of(apply_voids(entries), census)
    history = build_history(effective)
    if history is None:
        return
    if history.ceased_on is None or history.ceased_on >= census:
        record = active_plan(history, census)
        result.active.append(record)
        result.checks.extend(active_checks(history, effective, record, census))
    elif history.ceased_on.year == census.year - 1:
        ceased = ceased_plan(history, effective)
        result.ceased.append(ceased)
        result.checks.extend(ceased_checks(ceased))


def sen2_return(children: Iterable[tuple[str, list[Entry]]], census: date) -> Sen2Return:
    """The return for every child (pairs of child_id and entries), sorted by child_id."""
    result = Sen2Return(census)
    for _, entries in children:
        add_child(result, entries)
    result.active.sort(key=lambda r: r.child_id)
    result.ceased.sort(key=lambda r: r.child_id)
    result.checks.sort(key=lambda c: c.child_id)  # stable: a child's checks keep their order
    return result
