"""How the store names plans and events, as plain values: a plan's stream id, each event's
topic. Readers of the log (the projector, reports) need these and not the aggregate classes,
whose definition costs every command's start about 0.04 s (domain/plan.py defines them from
these names)."""

from __future__ import annotations

from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from ehcp_audit.domain.vocabulary import ACTIONS

PLAN_NAMESPACE: Final = uuid5(NAMESPACE_URL, "https://ehcp-audit.invalid/plan")
PLAN_OPENED: Final = "ehcp_audit:Plan.Opened"
IMPORT_COMPLETED: Final = "ehcp_audit:ImportLog.Completed"


def plan_id(child_id: str) -> UUID:
    return uuid5(PLAN_NAMESPACE, child_id)


def event_name(action: str) -> str:
    """The event class of an action: plan_issued -> PlanIssued, void -> Voided."""
    name = "".join(part.capitalize() for part in action.split("_"))
    return {"Void": "Voided"}.get(name, name)


# One event type per action of RULES.md section 1 (PlanIssued, ReviewScheduled, ..., Voided).
ACTION_TOPICS: Final = {action: f"ehcp_audit:Plan.{event_name(action)}" for action in ACTIONS}
