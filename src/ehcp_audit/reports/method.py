"""The method as the inspection pack states it: every measure's rule and its legal source.

Text follows RULES.md section 3 (contract v1); keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class MeasureRule:
    measure: str
    applies: str
    deadline: str
    done_when: str
    source: str


RULES: Final = (
    MeasureRule(
        "review_on_time",
        "every cycle",
        "due date",
        "annual meeting held",
        "local policy (meeting-based); CoP 9.178",
    ),
    MeasureRule(
        "review_decided_12_months",
        "cycle 1; a later cycle only if the previous cycle has a decision",
        "start of the statutory period + 12 months",
        "decision issued",
        "Children and Families Act 2014 s.44(1)",
    ),
    MeasureRule(
        "invitations_4_weeks",
        "every cycle",
        "reference meeting date - 28 days",
        "invitations sent",
        "local policy",
    ),
    MeasureRule(
        "invitations_2_weeks",
        "every cycle",
        "reference meeting date - 14 days",
        "invitations sent",
        "SEND Regulations 2014 reg 20 (statutory minimum)",
    ),
    MeasureRule(
        "ehcp_copy_with_invitation",
        "every cycle",
        "none",
        "judged on the first invitations: met if a copy of the plan was included",
        "local policy",
    ),
    MeasureRule(
        "invitees_complete",
        "every cycle",
        "none",
        "judged on the first invitations: met if they list parent/carer, child, SENCO "
        "or headteacher, caseworker, health and social worker",
        'reg 20(2); local policy ("Who should be invited")',
    ),
    MeasureRule(
        "reports_2_weeks",
        "cycles with any advice requested or report received",
        "reference meeting date - 14 days",
        "every role asked for advice or reporting has a report; done on the latest of "
        "each role's first report",
        "local policy; reg 20",
    ),
    MeasureRule(
        "views_2_weeks",
        "cycles with any views received",
        "reference meeting date - 14 days",
        "views of both the parent/carer and the child received; done on the later",
        "local policy (views circulated two weeks before)",
    ),
    MeasureRule(
        "papers_circulated_2_weeks",
        "every cycle",
        "reference meeting date - 14 days",
        "papers circulated",
        "reg 20; local policy",
    ),
    MeasureRule(
        "essential_participation",
        "every cycle",
        "none",
        "judged on the annual meeting: met if the parent/carer and the child (in person "
        "or in writing) took part",
        'local policy ("essential")',
    ),
    MeasureRule(
        "topics_covered",
        "every cycle",
        "none",
        "judged on the annual meeting: met if the 8 core topics were covered, and "
        "preparing for adulthood from Year 9",
        "local policy; CoP 9.179",
    ),
    MeasureRule(
        "paperwork_2_weeks",
        "every cycle (pending with no deadline until the meeting)",
        "meeting + 14 days",
        "review paperwork sent to the LA",
        "reg 20; local policy",
    ),
    MeasureRule(
        "decision_4_weeks",
        "every cycle (pending with no deadline until the meeting)",
        "meeting + 28 days",
        "decision issued",
        "reg 20; local policy",
    ),
    MeasureRule(
        "decision_2_weeks_after_paperwork",
        "every cycle; n/a if the cycle has a decision but no paperwork",
        "first paperwork + 14 days",
        "the cycle's first decision (one before the paperwork is met)",
        'local policy ("a further 2 weeks")',
    ),
    MeasureRule(
        "amendments_4_weeks",
        "first decision is amend",
        "meeting + 28 days",
        "proposed amendments sent",
        "reg 22; R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)",
    ),
    MeasureRule(
        "final_plan_8_weeks",
        "first decision is amend",
        "amendments + 56 days",
        "first final plan issued on or after the amendments",
        "reg 22",
    ),
    MeasureRule(
        "phase_transfer_deadline",
        "entry to Reception, Year 6 to 7 and Year 11 to post-16, for plans issued before "
        "that school year",
        "15 February (31 March for post-16)",
        "final plan issued in that school year",
        "reg 18",
    ),
)

HEADLINE_RATE: Final = (
    "Each row has a period date: its deadline, else the date the step was done, else the meeting "
    "date. For a measure and a month, the population is the rows whose period date falls in the "
    "month. On-time rate = met / (met + missed + overdue). Pending and n/a rows are left out of "
    "the rate and counted separately. Every figure is computed as of the report's as-of date."
)

STATUS_RULES: Final = (
    ("n/a", "the measure does not apply (for example the decision was not to amend)"),
    ("met", "done on or before the deadline (or, with no deadline, the condition holds)"),
    (
        "missed",
        "done after the deadline; or, once the meeting is held, a pre-meeting step never "
        "done; or not done before the plan ceased",
    ),
    ("overdue", "not done and the deadline has passed, however late"),
    ("pending", "not done and the deadline not yet passed, or not yet known"),
)

SOURCES: Final = (
    "Children and Families Act 2014, section 44",
    "The Special Educational Needs and Disability Regulations 2014 (SI 2014/1530), "
    "regulations 18, 20 and 22",
    "SEND Code of Practice: 0 to 25 years (2015), paragraphs 9.166 to 9.185",
    "The local authority's published EHCP review process (local policy)",
)
