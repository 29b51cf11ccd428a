"""The 16 cycle measures of RULES.md section 3, one function each, as Judgements.

Each function reads one cycle's facts (rules.facts.CycleFacts: the cycle, and for the
12-month clock the decisions around it) and says whether it applies, its deadline and its
done date. Statuses are decided in rules.status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ehcp_audit.domain.vocabulary import ADULTHOOD_TOPIC, CORE_TOPICS
from ehcp_audit.rules.calendar import add_days, add_months, national_curriculum_year
from ehcp_audit.rules.cycles import Cycle
from ehcp_audit.rules.facts import CycleFacts
from ehcp_audit.rules.status import NOT_APPLICABLE, Judgement

# Notice periods in days, as data: local policy beside the statutory minimum.
INVITATION_NOTICE_LOCAL = 28  # local policy: 4 weeks
INVITATION_NOTICE_STATUTORY = 14  # reg 20: 2 weeks
PAPERS_NOTICE = 14  # reg 20; local policy
PAPERWORK_AFTER_MEETING = 14  # reg 20
DECISION_AFTER_MEETING = 28  # reg 20
DECISION_AFTER_PAPERWORK = 14  # seed: "a further 2 weeks"
AMENDMENTS_AFTER_MEETING = 28  # reg 22; Devon CC [2022]
FINAL_PLAN_AFTER_AMENDMENTS = 56  # reg 22: 8 weeks
STATUTORY_REVIEW_MONTHS = 12  # CFA 2014 s.44(1)
ADULTHOOD_FROM_YEAR = 9  # CoP 9.179

REQUIRED_INVITEES: tuple[frozenset[str], ...] = (
    frozenset({"parent_carer"}),
    frozenset({"child"}),
    frozenset({"senco", "headteacher"}),
    frozenset({"caseworker"}),
    frozenset({"health"}),
    frozenset({"social_worker"}),
)

Measure = Callable[[CycleFacts], Judgement]


def _done(cycle: Cycle, action: str) -> date | None:
    entry = cycle.first(action)
    return entry.occurred_on if entry is not None else None


def review_on_time(facts: CycleFacts) -> Judgement:
    cycle = facts.cycle
    return Judgement(deadline=cycle.due_on, done_on=cycle.meeting_on)


def review_decided_12_months(facts: CycleFacts) -> Judgement:
    if facts.cycle.number == 1:
        start = facts.issued_on
    elif facts.previous_decision is None:
        return NOT_APPLICABLE  # the earlier, still-open period carries the breach
    else:
        start = facts.previous_decision
    return Judgement(
        deadline=add_months(start, STATUTORY_REVIEW_MONTHS), done_on=facts.decided_from_here
    )


def _before_meeting(facts: CycleFacts, action: str, notice: int) -> Judgement:
    cycle = facts.cycle
    return Judgement(
        deadline=add_days(cycle.reference_meeting_on, -notice),
        done_on=_done(cycle, action),
        missed_once_meeting_held=True,
    )


def invitations_4_weeks(facts: CycleFacts) -> Judgement:
    return _before_meeting(facts, "invitations_sent", INVITATION_NOTICE_LOCAL)


def invitations_2_weeks(facts: CycleFacts) -> Judgement:
    return _before_meeting(facts, "invitations_sent", INVITATION_NOTICE_STATUTORY)


def papers_circulated_2_weeks(facts: CycleFacts) -> Judgement:
    return _before_meeting(facts, "papers_circulated", PAPERS_NOTICE)


def ehcp_copy_with_invitation(facts: CycleFacts) -> Judgement:
    invitation = facts.cycle.first("invitations_sent")
    if invitation is None:
        return Judgement(missed_once_meeting_held=True)
    copy = invitation.get("ehcp_copy_included", "not_recorded")
    if copy == "not_recorded":
        return NOT_APPLICABLE
    return Judgement(done_on=invitation.occurred_on, condition_met=copy == "yes")


def invitees_complete(facts: CycleFacts) -> Judgement:
    invitation = facts.cycle.first("invitations_sent")
    if invitation is None:
        return Judgement(missed_once_meeting_held=True)
    invitees = invitation.codes("invitees")
    if invitees is None:
        return NOT_APPLICABLE
    complete = all(invitees & needed for needed in REQUIRED_INVITEES)
    return Judgement(done_on=invitation.occurred_on, condition_met=complete)


def reports_2_weeks(facts: CycleFacts) -> Judgement:
    cycle = facts.cycle
    asked = cycle.all("advice_requested") + cycle.all("report_received")
    if not asked:
        return NOT_APPLICABLE
    first_report: dict[str, date] = {}
    for report in cycle.all("report_received"):
        first_report.setdefault(report.get("role"), report.occurred_on)
    roles = {entry.get("role") for entry in asked}
    done = max(first_report[r] for r in roles) if roles <= first_report.keys() else None
    return Judgement(
        deadline=add_days(cycle.reference_meeting_on, -PAPERS_NOTICE),
        done_on=done,
        missed_once_meeting_held=True,
    )


def views_2_weeks(facts: CycleFacts) -> Judgement:
    cycle = facts.cycle
    views = cycle.all("views_received")
    if not views:
        return NOT_APPLICABLE
    first: dict[str, date] = {}
    for view in views:
        first.setdefault(view.get("role"), view.occurred_on)
    done = (
        max(first[r] for r in ("parent_carer", "child"))
        if {"parent_carer", "child"} <= first.keys()
        else None
    )
    return Judgement(
        deadline=add_days(cycle.reference_meeting_on, -PAPERS_NOTICE),
        done_on=done,
        missed_once_meeting_held=True,
    )


def essential_participation(facts: CycleFacts) -> Judgement:
    meeting = facts.cycle.meeting
    if meeting is None:
        return Judgement(missed_once_meeting_held=True)
    attendees = meeting.codes("attendees")
    if attendees is None:
        return NOT_APPLICABLE
    ok = "parent_carer" in attendees and bool(attendees & {"child", "child_in_writing"})
    return Judgement(done_on=meeting.occurred_on, condition_met=ok)


def topics_covered(facts: CycleFacts) -> Judgement:
    meeting = facts.cycle.meeting
    if meeting is None:
        return Judgement(missed_once_meeting_held=True)
    topics = meeting.codes("topics")
    if topics is None:
        return NOT_APPLICABLE
    needed = set(CORE_TOPICS)
    if national_curriculum_year(facts.date_of_birth, meeting.occurred_on) >= ADULTHOOD_FROM_YEAR:
        needed.add(ADULTHOOD_TOPIC)
    return Judgement(done_on=meeting.occurred_on, condition_met=needed <= topics)


def _after_meeting(facts: CycleFacts, action: str, days: int) -> Judgement:
    cycle = facts.cycle
    if cycle.meeting_on is None:
        return Judgement()
    return Judgement(deadline=add_days(cycle.meeting_on, days), done_on=_done(cycle, action))


def paperwork_2_weeks(facts: CycleFacts) -> Judgement:
    return _after_meeting(facts, "paperwork_submitted", PAPERWORK_AFTER_MEETING)


def decision_4_weeks(facts: CycleFacts) -> Judgement:
    return _after_meeting(facts, "decision_issued", DECISION_AFTER_MEETING)


def decision_2_weeks_after_paperwork(facts: CycleFacts) -> Judgement:
    cycle = facts.cycle
    if cycle.meeting_on is None:
        return Judgement()
    paperwork, decision = _done(cycle, "paperwork_submitted"), _done(cycle, "decision_issued")
    if paperwork is None:
        return NOT_APPLICABLE if decision is not None else Judgement()
    return Judgement(deadline=add_days(paperwork, DECISION_AFTER_PAPERWORK), done_on=decision)


def _amend_decided(cycle: Cycle) -> bool | None:
    """None until the held cycle's first decision; then whether it is `amend`."""
    decision = cycle.first("decision_issued")
    if cycle.meeting_on is None or decision is None:
        return None
    return decision.get("decision") == "amend"


def amendments_4_weeks(facts: CycleFacts) -> Judgement:
    cycle = facts.cycle
    amend = _amend_decided(cycle)
    if amend is None:
        return Judgement()
    if not amend:
        return NOT_APPLICABLE
    assert cycle.meeting_on is not None
    return Judgement(
        deadline=add_days(cycle.meeting_on, AMENDMENTS_AFTER_MEETING),
        done_on=_done(cycle, "amendments_proposed"),
    )


def final_plan_8_weeks(facts: CycleFacts) -> Judgement:
    cycle = facts.cycle
    amend = _amend_decided(cycle)
    if amend is None:
        return Judgement()
    if not amend:
        return NOT_APPLICABLE
    amendments = _done(cycle, "amendments_proposed")
    if amendments is None:
        return Judgement()  # the breach is carried by amendments_4_weeks
    done = next(
        (f.occurred_on for f in cycle.all("final_plan_issued") if f.occurred_on >= amendments),
        None,
    )
    return Judgement(deadline=add_days(amendments, FINAL_PLAN_AFTER_AMENDMENTS), done_on=done)


CYCLE_MEASURES: dict[str, Measure] = {
    "review_on_time": review_on_time,
    "review_decided_12_months": review_decided_12_months,
    "invitations_4_weeks": invitations_4_weeks,
    "invitations_2_weeks": invitations_2_weeks,
    "ehcp_copy_with_invitation": ehcp_copy_with_invitation,
    "invitees_complete": invitees_complete,
    "reports_2_weeks": reports_2_weeks,
    "views_2_weeks": views_2_weeks,
    "papers_circulated_2_weeks": papers_circulated_2_weeks,
    "essential_participation": essential_participation,
    "topics_covered": topics_covered,
    "paperwork_2_weeks": paperwork_2_weeks,
    "decision_4_weeks": decision_4_weeks,
    "decision_2_weeks_after_paperwork": decision_2_weeks_after_paperwork,
    "amendments_4_weeks": amendments_4_weeks,
    "final_plan_8_weeks": final_plan_8_weeks,
}
