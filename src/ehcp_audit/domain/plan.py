"""The Plan aggregate: one child's EHC plan, whose event stream is the child's audit trail.

Every action of the log is one immutable event of its own type; a mistake is undone by a
`Voided` event, never by changing or removing one. Topics are explicit so that renaming a
class never breaks stored history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.streams import ACTION_TOPICS, PLAN_OPENED, event_name, plan_id


class Plan(Aggregate):
    TOPIC = "ehcp_audit:Plan"

    class Event(Aggregate.Event):
        TOPIC = "ehcp_audit:Plan.Event"

    class Opened(Aggregate.Created):
        """The child's stream begins (before its first action is recorded)."""

        TOPIC = PLAN_OPENED
        child_id: str

    class ActionRecorded(Aggregate.Event):
        """Base of every action event: the business date, the detail columns, who recorded
        it and when the source system did, and where it came from (file hash and row)."""

        TOPIC = "ehcp_audit:Plan.ActionRecorded"
        ACTION: ClassVar[str] = ""
        occurred_on: str
        details: dict[str, str]
        recorded_by: str
        recorded_at: str
        source: str
        source_row: int

        def apply(self, aggregate: Any) -> None:
            aggregate.entries.append(self)

        def as_state(self) -> dict[str, Any]:
            return {
                "action": self.ACTION,
                "occurred_on": self.occurred_on,
                "details": self.details,
                "recorded_by": self.recorded_by,
                "recorded_at": self.recorded_at,
                "imported_at": self.timestamp.isoformat(),
                "source": self.source,
                "source_row": self.source_row,
                "version": self.originator_version,
            }

    def __init__(self, child_id: str) -> None:
        self.child_id = child_id
        self.entries: list[Plan.ActionRecorded] = []

    @staticmethod
    def create_id(child_id: str) -> UUID:
        return plan_id(child_id)

    def record(
        self,
        entry: Entry,
        *,
        source: str,
        source_row: int,
        recorded_by: str,
        recorded_at: str,
        timestamp: datetime | None = None,
    ) -> None:
        """Record one validated action (validation lives in rules.admission)."""
        if entry.child_id != self.child_id:
            raise ValueError(f"entry for {entry.child_id!r} recorded on plan of {self.child_id!r}")
        self.trigger_event(
            EVENT_CLASSES[entry.action],
            occurred_on=entry.occurred_on.isoformat(),
            details=dict(entry.details),
            recorded_by=recorded_by,
            recorded_at=recorded_at,
            source=source,
            source_row=source_row,
            timestamp=timestamp,
        )

    def as_entries(self) -> list[Entry]:
        return [entry_from_event(self.child_id, e) for e in self.entries]


def entry_from_event(child_id: str, event: Plan.ActionRecorded) -> Entry:
    recorded_at = event.recorded_at or ""
    return Entry(
        child_id=child_id,
        action=event.ACTION,
        occurred_on=date.fromisoformat(event.occurred_on),
        details=event.details,
        recorded_by=event.recorded_by,
        recorded_at=recorded_at,
        seq=event.originator_version,
        known_on=date.fromisoformat(recorded_at[:10]) if recorded_at else event.timestamp.date(),
    )


def _event_class(action: str) -> type[Plan.ActionRecorded]:
    name = event_name(action)
    cls = type(name, (Plan.ActionRecorded,), {"TOPIC": ACTION_TOPICS[action], "ACTION": action})
    cls.__qualname__ = f"Plan.{name}"
    setattr(Plan, name, cls)
    return cls


# One event type per action of RULES.md section 1 (domain/streams.py names them).
EVENT_CLASSES: dict[str, type[Plan.ActionRecorded]] = {}


def _define_events() -> None:
    from eventsourcing.utils import register_topic

    from ehcp_audit.domain.vocabulary import ACTIONS

    for action in ACTIONS:
        cls = _event_class(action)
        register_topic(cls.TOPIC, cls)
        EVENT_CLASSES[action] = cls


_define_events()
