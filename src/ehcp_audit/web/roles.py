"""Who may see and do what: the one place the web application's role rules live.

- `la`: everything.
- `viewer`: reads everything, writes nothing; child ids shown as pseudonyms unless the deployment
  turns that off (`serve --viewers-see-ids`).
- `school`: only the children placed at its URN on the day viewed, and only the actions the
  setting owns. Another setting's pages and children are "not found" (404: their existence is
  not disclosed); a write for them is refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ehcp_audit.accounts import User
from ehcp_audit.exports.pseudonyms import pseudonym

SCHOOL_ACTIONS: Final = frozenset(
    {
        "review_scheduled",
        "invitations_sent",
        "advice_requested",
        "report_received",
        "views_received",
        "papers_circulated",
        "meeting_held",
        "paperwork_submitted",
    }
)


@dataclass(frozen=True)
class Access:
    user: User
    pseudonym_key: bytes | None = None  # set: a viewer sees pseudonyms

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def school_urn(self) -> str | None:
        """The one setting a school user sees; None: every setting."""
        return self.user.urn if self.user.role == "school" else None

    @property
    def writes(self) -> bool:
        return self.user.role in ("la", "school")

    @property
    def runs_imports_and_reports(self) -> bool:
        """Imports write for any child; reports and files name every child in clear."""
        return self.user.role == "la"

    def may_record(self, action: str, void_action: str = "") -> bool:
        """An entry of `action` (a void: of the action it voids)."""
        if self.user.role == "la":
            return True
        owned = void_action if action == "void" else action
        return self.user.role == "school" and owned in SCHOOL_ACTIONS

    def sees_school(self, urn: str) -> bool:
        return self.school_urn is None or self.school_urn == urn

    def sees_child_at(self, placed_at: str | None) -> bool:
        """A child placed at `placed_at` today (None: placed nowhere today)."""
        return self.school_urn is None or placed_at == self.school_urn

    @property
    def pseudonymised(self) -> bool:
        return self.user.role == "viewer" and self.pseudonym_key is not None

    def child_label(self, child_id: str) -> str:
        """The child as this user sees (and links to) it."""
        if self.pseudonymised and self.pseudonym_key is not None:
            return pseudonym(child_id, self.pseudonym_key)
        return child_id
