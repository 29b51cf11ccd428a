"""The five statuses (RULES.md "Status of a row, as of date D").

A row is first judged from the entries alone, giving a *base* status: met, missed, n/a, or
`open` (not done, not missed). An open row becomes overdue or pending only against the as-of
date, so the base row can be stored once and resolved for any later as-of day.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

OPEN = "open"


class Judgement(NamedTuple):
    """What a measure says of one cycle before statuses: does it apply, its deadline, when
    (and whether) it was done, and whether a held meeting makes it missed (step 3). A
    NamedTuple: sixteen are made per cycle judged, and a frozen dataclass builds 3x slower."""

    applies: bool = True
    deadline: date | None = None
    done_on: date | None = None
    condition_met: bool = True
    missed_once_meeting_held: bool = False


NOT_APPLICABLE = Judgement(applies=False)


def base_status(
    judgement: Judgement, meeting_held: bool, ceased_on: date | None
) -> tuple[str, date | None, date | None]:
    """(base status, deadline, done_on) of a row; an n/a row has no deadline or done date."""
    if not judgement.applies:
        return "n/a", None, None
    deadline, done_on = judgement.deadline, judgement.done_on
    if done_on is not None:
        if deadline is None:
            ok = judgement.condition_met
        else:
            ok = done_on <= deadline and judgement.condition_met
        return ("met" if ok else "missed"), deadline, done_on
    if judgement.missed_once_meeting_held and meeting_held:
        return "missed", deadline, None
    if ceased_on is not None:
        if deadline is not None and deadline < ceased_on:
            return "missed", deadline, None
        return "n/a", None, None
    return OPEN, deadline, None


def resolve(base: str, deadline: date | None, as_of: date) -> str:
    """Turn an open row into overdue (deadline known and passed) or pending."""
    if base != OPEN:
        return base
    if deadline is not None and as_of > deadline:
        return "overdue"
    return "pending"
