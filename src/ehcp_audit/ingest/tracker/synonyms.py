"""Common spellings of tracker headers, for a mapping that names a column `"auto"`
(docs/tracker.md, "Common columns").

Only exact headers are listed (matched ignoring case and spaces, as every header is): a
spelling that could mean two columns ("AR date": this review's or the last one's?) is not.
"""

from __future__ import annotations

AUTO = "auto"

SYNONYMS: dict[str, tuple[str, ...]] = {
    "child_id": ("Child ID", "Case ref", "Case reference", "LA ref", "Person ID", "EHCP ref"),
    "date_of_birth": ("DOB", "Date of birth", "D.O.B.", "Birth date"),
    "school_urn": ("URN", "School URN", "Setting URN", "Establishment URN"),
    "school_name": ("School", "School name", "Setting", "Setting name", "Establishment name"),
    "recorded_by": ("Caseworker", "Case officer", "EHC coordinator", "SEN officer"),
    "plan_issued": ("EHCP issued", "Date EHCP issued", "EHCP finalised date", "Plan issued"),
    "review_due": (
        "Review due",
        "Review due date",
        "Annual review due",
        "Annual review due date",
        "AR due date",
        "Next review due",
    ),
    "last_meeting_held": (
        "Last AR Date",
        "Last AR",
        "Date of last review",
        "Date of last annual review",
        "Last review date",
        "Last annual review",
        "Last annual review date",
        "Previous review date",
        "Previous AR date",
    ),
    "meeting_booked": ("Meeting booked", "Review meeting booked", "Planned review date"),
    "invitations_sent": ("Invites sent", "Invitations sent", "Date invitations sent"),
    "papers_circulated": ("Papers sent", "Reports circulated", "Date reports circulated"),
    "meeting_held": (
        "Review date",
        "Review meeting date",
        "Date of review",
        "Annual review date",
        "Date of annual review",
        "Meeting held",
    ),
    "paperwork_submitted": (
        "Date paperwork returned",
        "Paperwork returned",
        "Paperwork received",
        "Date paperwork received",
        "Review paperwork received",
    ),
    "decision_issued": (
        "Date decision letter sent",
        "Decision letter sent",
        "Decision date",
        "Outcome letter sent",
    ),
    "decision": ("Decision", "Review decision", "Outcome", "Review outcome"),
    "amendments_proposed": (
        "Date draft amended plan sent",
        "Draft amended plan sent",
        "Draft EHCP sent",
        "Proposed amendments sent",
    ),
    "final_plan_issued": (
        "Final plan date",
        "Date final plan issued",
        "Final amended plan issued",
        "Final EHCP issued",
    ),
    "plan_ceased": ("Date ceased", "Ceased date", "EHCP ceased date", "Date plan ceased"),
    "ceased_reason": ("Ceased reason", "Reason ceased", "Ceasing reason"),
}


def expand(key: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The names a mapping gives a column, `"auto"` replaced by the common spellings."""
    if AUTO not in (n.strip().lower() for n in names):
        return names
    if key not in SYNONYMS:
        raise ValueError(f'columns.{key}: "auto" has no common spellings to use; name the header')
    out: list[str] = []
    for name in names:
        out.extend(SYNONYMS[key] if name.strip().lower() == AUTO else (name,))
    return tuple(dict.fromkeys(out))
