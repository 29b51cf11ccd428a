"""Sign-in throttling: after 5 failures for a name within 15 minutes, the name is locked for 15
minutes (a pure reading of that name's recent attempts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

FAILURES: Final = 5
WINDOW: Final = timedelta(minutes=15)
LOCK: Final = timedelta(minutes=15)
LOOK_BACK: Final = WINDOW + LOCK

SUCCESS: Final = "success"
LOCKOUT: Final = "lockout"
REFUSED_LOCKED: Final = "refused: locked out"
PASSWORD_RESET: Final = "password reset"
PASSWORD_CHANGED: Final = "password changed"
FAILED: Final = frozenset({"wrong password", "unknown user", "disabled user"})


def _since_reset(
    attempts: Sequence[tuple[datetime, str]],
) -> tuple[datetime | None, list[datetime]]:
    """The last lockout's start and the failures since the last success, reset or lockout."""
    locked_at: datetime | None = None
    failures: list[datetime] = []
    for at, outcome in attempts:
        if outcome in (SUCCESS, PASSWORD_RESET, PASSWORD_CHANGED):
            locked_at, failures = None, []
        elif outcome == LOCKOUT:
            locked_at, failures = at, []
        elif outcome in FAILED:
            failures.append(at)
    return locked_at, failures


def locked_until(attempts: Sequence[tuple[datetime, str]], now: datetime) -> datetime | None:
    """When the lockout in force at `now` ends, or None. `attempts`: (time, outcome), oldest
    first, at least those of the last LOOK_BACK."""
    locked_at, _ = _since_reset(attempts)
    if locked_at is not None and now < locked_at + LOCK:
        return locked_at + LOCK
    return None


def locks_now(attempts: Sequence[tuple[datetime, str]], now: datetime) -> bool:
    """Whether the failures recorded so far (the latest included) start a lockout at `now`."""
    _, failures = _since_reset(attempts)
    return sum(1 for at in failures if at > now - WINDOW) >= FAILURES
