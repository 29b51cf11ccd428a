"""RULES.md section 1: actions, roles, topics, decisions and the action-log columns."""

from __future__ import annotations

import re
from typing import Final

ACTIONS: Final = (
    "plan_issued",
    "placement_changed",
    "review_scheduled",
    "invitations_sent",
    "advice_requested",
    "report_received",
    "views_received",
    "papers_circulated",
    "meeting_held",
    "paperwork_submitted",
    "decision_issued",
    "amendments_proposed",
    "final_plan_issued",
    "appeal_lodged",
    "appeal_concluded",
    "plan_ceased",
    "void",
)
ACTION_SET: Final = frozenset(ACTIONS)

# A school's URN: six digits, the first not 0 (100000-999999).
URN: Final = re.compile(r"[1-9][0-9]{5}")

# Required extra columns per action (RULES.md section 1, bold columns).
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "plan_issued": ("date_of_birth", "school_urn"),
    "placement_changed": ("school_urn",),
    "review_scheduled": ("meeting_on",),
    "invitations_sent": ("ehcp_copy_included",),
    "advice_requested": ("role",),
    "report_received": ("role",),
    "views_received": ("role",),
    "papers_circulated": (),
    "meeting_held": ("attendees", "topics"),
    "paperwork_submitted": (),
    "decision_issued": ("decision",),
    "amendments_proposed": (),
    "final_plan_issued": (),
    "appeal_lodged": (),
    "appeal_concluded": ("outcome",),
    "plan_ceased": ("reason",),
    "void": ("void_action", "void_occurred_on", "reason"),
}

PRE_MEETING: Final = frozenset(
    {
        "review_scheduled",
        "invitations_sent",
        "advice_requested",
        "report_received",
        "views_received",
        "papers_circulated",
    }
)
POST_MEETING: Final = frozenset(
    {"paperwork_submitted", "decision_issued", "amendments_proposed", "final_plan_issued"}
)
ALLOWED_AFTER_CEASE: Final = frozenset({"void", "appeal_lodged", "appeal_concluded"})

ROLES: Final = frozenset(
    {
        "parent_carer",
        "child",
        "child_in_writing",
        "senco",
        "headteacher",
        "caseworker",
        "health",
        "social_worker",
        "educational_psychologist",
        "advisory_teacher",
        "new_setting",
        "other",
    }
)
VIEW_ROLES: Final = frozenset({"parent_carer", "child"})

CORE_TOPICS: Final = (
    "important_to_child_family",
    "working_well",
    "concerns",
    "progress_to_outcomes",
    "support_and_provision",
    "impact_of_support",
    "next_steps",
    "personal_budget",
)
ADULTHOOD_TOPIC: Final = "preparing_for_adulthood"
TOPICS: Final = frozenset((*CORE_TOPICS, ADULTHOOD_TOPIC))

DECISIONS: Final = frozenset({"maintain", "amend", "cease"})
REVIEW_TYPES: Final = frozenset({"annual", "interim"})
NOT_RECORDED: Final = "not_recorded"

COLUMNS: Final = (
    "child_id",
    "action",
    "occurred_on",
    "recorded_by",
    "recorded_at",
    "date_of_birth",
    "school_urn",
    "school_name",
    "meeting_on",
    "role",
    "ehcp_copy_included",
    "invitees",
    "attendees",
    "topics",
    "review_type",
    "decision",
    "outcome",
    "reason",
    "void_action",
    "void_occurred_on",
)
REQUIRED_COLUMNS: Final = ("child_id", "action", "occurred_on")
DATE_COLUMNS: Final = frozenset({"occurred_on", "date_of_birth", "meeting_on", "void_occurred_on"})
LIST_COLUMNS: Final = frozenset({"invitees", "attendees", "topics"})
# Columns that are not part of an entry's identity (RULES.md "Idempotency and order").
PROVENANCE_COLUMNS: Final = frozenset({"recorded_by", "recorded_at"})
DETAIL_COLUMNS: Final = tuple(
    c for c in COLUMNS if c not in ("child_id", "action", "occurred_on", *PROVENANCE_COLUMNS)
)

MEASURES: Final = (
    "review_on_time",
    "review_decided_12_months",
    "invitations_4_weeks",
    "invitations_2_weeks",
    "ehcp_copy_with_invitation",
    "invitees_complete",
    "reports_2_weeks",
    "views_2_weeks",
    "papers_circulated_2_weeks",
    "essential_participation",
    "topics_covered",
    "paperwork_2_weeks",
    "decision_4_weeks",
    "decision_2_weeks_after_paperwork",
    "amendments_4_weeks",
    "final_plan_8_weeks",
    "phase_transfer_deadline",
)
STATUSES: Final = ("met", "missed", "overdue", "pending", "n/a")
