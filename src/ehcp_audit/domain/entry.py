"""An entry of the action log: one review action, as recorded (the payload of every plan event)."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from ehcp_audit.domain.vocabulary import NOT_RECORDED


class Entry(NamedTuple):
    """A normalised action. `details` holds the non-blank detail columns, normalised
    (dates ISO, yes/no as yes|no, lists as sorted ';'-joined codes). Immutable by convention:
    a NamedTuple because millions are built per rebuild and a frozen dataclass is 3x slower."""

    child_id: str
    action: str
    occurred_on: date
    details: dict[str, str] = {}  # noqa: RUF012 - never mutated
    recorded_by: str = ""
    recorded_at: str = ""
    # Tie-breaker for business-date ordering: (import order, row order) as one increasing number.
    seq: int = 0
    # Date part of when this entry became known (recorded_at, else the import time).
    known_on: date | None = None

    def identity(self) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
        """What makes two rows the same entry (RULES.md "Idempotency and order")."""
        return (
            self.child_id,
            self.action,
            self.occurred_on.isoformat(),
            tuple(sorted(self.details.items())),
        )

    def get(self, column: str, default: str = "") -> str:
        return self.details.get(column, default)

    def codes(self, column: str) -> frozenset[str] | None:
        """A list column as its set of codes; None when not recorded."""
        raw = self.details.get(column, NOT_RECORDED)
        if raw == NOT_RECORDED:
            return None
        return frozenset(raw.split(";"))

    def date_of(self, column: str) -> date | None:
        raw = self.details.get(column)
        return date.fromisoformat(raw) if raw else None

    def as_payload(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "occurred_on": self.occurred_on.isoformat(),
            "details": dict(self.details),
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at,
        }
