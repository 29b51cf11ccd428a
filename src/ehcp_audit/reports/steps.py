"""Plain words for each measure: what the step is, what is owed next and who owes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SETTING: Final = "setting"
LOCAL_AUTHORITY: Final = "local authority"


@dataclass(frozen=True)
class Step:
    title: str  # the measure as a reader would name it
    next_action: str  # what to do when it is owed
    owner: str  # SETTING or LOCAL_AUTHORITY


STEPS: Final[dict[str, Step]] = {
    "review_on_time": Step(
        "Review meeting held by the due date", "Hold the annual review meeting", SETTING
    ),
    "review_decided_12_months": Step(
        "Review decided within 12 months (statutory)", "Issue the review decision", LOCAL_AUTHORITY
    ),
    "invitations_4_weeks": Step(
        "Invitations sent 4 weeks before the meeting (local policy)",
        "Send the review meeting invitations",
        SETTING,
    ),
    "invitations_2_weeks": Step(
        "Invitations sent 2 weeks before the meeting (statutory)",
        "Send the review meeting invitations",
        SETTING,
    ),
    "ehcp_copy_with_invitation": Step(
        "Copy of the plan sent with the invitation",
        "Send a copy of the plan with the invitation",
        SETTING,
    ),
    "invitees_complete": Step(
        "Everyone who must be invited was invited",
        "Invite everyone who must be invited",
        SETTING,
    ),
    "reports_2_weeks": Step(
        "Professional reports received 2 weeks before the meeting",
        "Obtain the outstanding professional reports",
        SETTING,
    ),
    "views_2_weeks": Step(
        "Views of parent/carer and child received 2 weeks before the meeting",
        "Gather the views of the parent/carer and the child",
        SETTING,
    ),
    "papers_circulated_2_weeks": Step(
        "Papers circulated 2 weeks before the meeting",
        "Circulate the reports and views to everyone invited",
        SETTING,
    ),
    "essential_participation": Step(
        "Parent/carer and child took part in the meeting",
        "Involve the parent/carer and the child in the meeting",
        SETTING,
    ),
    "topics_covered": Step(
        "Meeting covered every required topic", "Cover every required topic", SETTING
    ),
    "paperwork_2_weeks": Step(
        "Review paperwork sent to the LA within 2 weeks of the meeting",
        "Send the completed review paperwork to the LA",
        SETTING,
    ),
    "decision_4_weeks": Step(
        "Decision issued within 4 weeks of the meeting", "Issue the decision", LOCAL_AUTHORITY
    ),
    "decision_2_weeks_after_paperwork": Step(
        "Decision issued within 2 weeks of the paperwork", "Issue the decision", LOCAL_AUTHORITY
    ),
    "amendments_4_weeks": Step(
        "Proposed amendments sent within 4 weeks of the meeting",
        "Send the proposed amendments (draft amended plan) to the parent",
        LOCAL_AUTHORITY,
    ),
    "final_plan_8_weeks": Step(
        "Final amended plan issued within 8 weeks of the amendments",
        "Issue the final amended plan",
        LOCAL_AUTHORITY,
    ),
    "phase_transfer_deadline": Step(
        "Phase transfer plan issued by the deadline (15 Feb / 31 Mar)",
        "Issue the final plan naming the next setting",
        LOCAL_AUTHORITY,
    ),
}

KEY_MEASURES: Final = (
    "review_on_time",
    "review_decided_12_months",
    "invitations_2_weeks",
    "decision_4_weeks",
    "final_plan_8_weeks",
)

ACTION_WORDS: Final[dict[str, str]] = {
    "plan_issued": "Plan issued",
    "placement_changed": "Setting changed",
    "review_scheduled": "Review meeting booked",
    "invitations_sent": "Invitations sent",
    "advice_requested": "Advice requested",
    "report_received": "Report received",
    "views_received": "Views received",
    "papers_circulated": "Papers circulated",
    "meeting_held": "Review meeting held",
    "paperwork_submitted": "Review paperwork sent to the LA",
    "decision_issued": "Decision issued",
    "amendments_proposed": "Proposed amendments sent",
    "final_plan_issued": "Final plan issued",
    "appeal_lodged": "Appeal lodged",
    "appeal_concluded": "Appeal concluded",
    "plan_ceased": "Plan ceased",
    "void": "Correction (void)",
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action)
