"""Data-quality checks on a SEN2 record before submission, each with what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.vocabulary import URN
from ehcp_audit.rules.calendar import add_months
from ehcp_audit.rules.cycles import PlanHistory, is_annual

if TYPE_CHECKING:  # annotations only: sen2 imports this module
    from ehcp_audit.rules.sen2.census import ActivePlan, CeasedPlan

CHECK_COLUMNS: Final = ("child_id", "part", "check", "item", "found", "action")


@dataclass(frozen=True, slots=True)
class Check:
    child_id: str
    part: str  # "active_plans" or "ceased_plans"
    check: str
    item: str  # the SEN2 item that would fail
    found: str
    action: str

    def row(self) -> tuple[str, ...]:
        return (self.child_id, self.part, self.check, self.item, self.found, self.action)


def active_checks(
    history: PlanHistory, effective: list[Entry], record: ActivePlan, census: date
) -> list[Check]:
    """Checks on an active plan's record; `effective` is the child's effective entries up to the
    census (voids applied), needed for decisions that belong to no review cycle."""
    found = [
        outcome_without_meeting(history, effective, record),
        decision_before_meeting(history, effective, record),
        review_over_12_months(history, record, census),
        phase_transfer_without_final_plan(record),
        placement_without_urn(record, census),
    ]
    return [check for check in found if check is not None]


def ceased_checks(record: CeasedPlan) -> list[Check]:
    if record.cease_reason is not None:
        return []
    return [
        Check(
            record.child_id,
            "ceased_plans",
            "cease_reason_unmapped",
            "CeaseReason",
            f"the reason recorded on {record.cease_date} ({record.reason_text!r}) does not map "
            "to a SEN2 code",
            "choose the CeaseReason code (1-9) by hand; to have it mapped next time, record the "
            "reason in the guide's words (see docs/sen2.md)",
        )
    ]


def _decisions(history: PlanHistory, effective: list[Entry]) -> list[Entry]:
    return [
        e for e in effective if e.action == "decision_issued" and e.occurred_on >= history.issued_on
    ]


def outcome_without_meeting(
    history: PlanHistory, effective: list[Entry], record: ActivePlan
) -> Check | None:
    """A decision with no annual review meeting at all on or before the census."""
    decisions = _decisions(history, effective)
    if record.review_meeting is not None or not decisions:
        return None
    latest = decisions[-1]
    interim = [
        e.occurred_on
        for e in effective
        if e.action == "meeting_held" and not is_annual(e) and e.occurred_on <= latest.occurred_on
    ]
    why = (
        f"only an interim meeting ({interim[-1]}) precedes it"
        if interim
        else "no annual review meeting is recorded before it (was one voided?)"
    )
    return Check(
        record.child_id,
        "active_plans",
        "outcome_without_meeting",
        "ReviewOutcome",
        f"a {latest.get('decision')} decision of {latest.occurred_on} but {why}",
        "record the annual review meeting the decision followed (or correct its review type); "
        "if the decision was entered in error, void it",
    )


def decision_before_meeting(
    history: PlanHistory, effective: list[Entry], record: ActivePlan
) -> Check | None:
    """The latest meeting has no decision, and a decision its own cycle did not need (a second
    one, or one before any meeting) is dated shortly before it: one of the dates looks wrong."""
    meeting = record.review_meeting
    if meeting is None or record.last_review is not None:
        return None
    held = [c for c in history.cycles if c.meeting is not None]
    previous = held[-2] if len(held) > 1 else None
    since = previous.meeting_on if previous and previous.meeting_on else history.issued_on
    already = previous.first("decision_issued") if previous else None
    spare = [
        d
        for d in _decisions(history, effective)
        if since <= d.occurred_on < meeting and d is not already
    ]
    if not spare:
        return None
    decision = spare[-1]
    return Check(
        record.child_id,
        "active_plans",
        "decision_before_meeting",
        "LastReview",
        f"a {decision.get('decision')} decision of {decision.occurred_on} is dated before the "
        f"annual review meeting of {meeting}, which has no decision after it",
        "if that decision followed this meeting, one of the two dates is wrong: void the wrong "
        "entry and record it again with the right date; otherwise record the decision that "
        "followed the meeting",
    )


def review_over_12_months(history: PlanHistory, record: ActivePlan, census: date) -> Check | None:
    """The latest annual meeting (or, with none, the plan's issue) is over 12 months old."""
    limit = add_months(census, -12)
    if record.review_meeting is not None:
        if record.review_meeting >= limit:
            return None
        found = f"the latest annual review meeting was on {record.review_meeting}"
    elif history.issued_on < limit:
        found = f"no annual review meeting since the plan was issued on {history.issued_on}"
    else:
        return None
    return Check(
        record.child_id,
        "active_plans",
        "review_over_12_months",
        "ReviewMeeting",
        f"{found}, more than 12 months before the census ({census})",
        "record the annual review meeting held since, if there was one; otherwise the review "
        "is overdue: hold it now",
    )


def phase_transfer_without_final_plan(record: ActivePlan) -> Check | None:
    if record.phase_transfer_due is None or record.phase_transfer_final is not None:
        return None
    due = record.phase_transfer_due
    return Check(
        record.child_id,
        "active_plans",
        "phase_transfer_no_final_plan",
        "PhaseTransferFinalDate",
        f"a phase transfer is due by {due} and no final plan has been issued since "
        f"1 September {due.year - 1}",
        f"issue the amended final plan naming the next setting by {due}; if it has been issued, "
        "record final_plan_issued",
    )


def placement_without_urn(record: ActivePlan, census: date) -> Check | None:
    if URN.fullmatch(record.urn):
        return None
    found = f"URN {record.urn!r} is not a 6-digit URN" if record.urn else "no URN recorded"
    return Check(
        record.child_id,
        "active_plans",
        "placement_without_urn",
        "URN",
        f"placement on the census date ({census}): {found}",
        "record the setting's URN (placement_changed with school_urn); if the child has no "
        "setting with a URN (home education, EOTAS, NEET, early years), give the SENsetting "
        "code in the return instead",
    )
