"""Parse and check one action-log row on its own (RULES.md section 1, "Action-log CSV" and the
row-level reasons of "Rejected rows"). Checks that need the child's history: rules.admission."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.vocabulary import (
    ACTION_SET,
    DATE_COLUMNS,
    DECISIONS,
    LIST_COLUMNS,
    NOT_RECORDED,
    REQUIRED,
    REVIEW_TYPES,
    ROLES,
    TOPICS,
    URN,
    VIEW_ROLES,
)

CHILD_ID = re.compile(r"[A-Za-z0-9_/-]{1,32}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# Contract v2: no date before this is a date (0001-01-01 is another system's null).
EARLIEST = date(1900, 1, 1)
# Contract v2: a booking may be for a later day; these dates may not be.
NOT_AFTER_IMPORT = frozenset({"date_of_birth", "void_occurred_on"})
# C0 controls and DEL: invisible in a report, illegal in XLSX, never part of a review's record.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
YES = frozenset({"yes", "y", "true"})
NO = frozenset({"no", "n", "false"})


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column
        self.message = message


def parse_date(column: str, raw: str) -> date:
    """YYYY-MM-DD or DD/MM/YYYY (UK), on or after 1900-01-01."""
    day = _date_or_none(raw)
    if day is None:
        raise RowError(column, f"{raw!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    return _not_before_earliest(column, day)


def _not_before_earliest(column: str, day: date) -> date:
    if day < EARLIEST:
        raise RowError(
            column, f"{day} is before {EARLIEST}: not a date (another system's blank?)"
        )
    return day


@lru_cache(maxsize=1 << 16)
def _date_or_none(raw: str) -> date | None:
    # Cached: a file of a million rows holds a few thousand distinct dates.
    try:
        if len(raw) == 10 and raw[4] == "-" and ISO_DATE.fullmatch(raw):
            return date.fromisoformat(raw)
        uk = UK_DATE.fullmatch(raw)
        if uk:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
    except ValueError:
        pass
    return None


def parse_recorded_at(raw: str, today: date) -> str:
    try:
        recorded = datetime.fromisoformat(raw)
    except ValueError:
        raise RowError("recorded_at", f"{raw!r} is not an ISO-8601 date-time") from None
    _not_before_earliest("recorded_at", recorded.date())
    if recorded.date() > today:
        raise RowError("recorded_at", f"{raw} is after the day of import ({today})")
    return recorded.isoformat()


@lru_cache(maxsize=1 << 14)
def _codes(column: str, raw: str, allowed: frozenset[str]) -> str:
    # Cached: attendee and topic lists repeat across rows (errors are raised, never cached).
    codes = {c.strip().lower() for c in raw.split(";") if c.strip()}
    if not codes:
        return ""  # only separators (" ; "): no codes, the same as a blank list
    if codes == {NOT_RECORDED}:
        return NOT_RECORDED
    unknown = sorted(codes - allowed)
    if unknown:
        kind = "topic" if column == "topics" else "role"
        raise RowError(column, f"unknown {kind} {', '.join(map(repr, unknown))}")
    return ";".join(sorted(codes))


def _yes_no(column: str, raw: str) -> str:
    value = raw.lower()
    if value in YES:
        return "yes"
    if value in NO:
        return "no"
    if value == NOT_RECORDED and column == "ehcp_copy_included":
        return NOT_RECORDED
    raise RowError(column, f"{raw!r} is not yes or no")


def _in(column: str, raw: str, allowed: frozenset[str], kind: str) -> str:
    value = raw.lower()
    if value not in allowed:
        raise RowError(column, f"unknown {kind} {raw!r}")
    return value


def _detail(column: str, raw: str, action: str, today: date) -> str:
    if column in DATE_COLUMNS:
        day = parse_date(column, raw)
        if column in NOT_AFTER_IMPORT and day > today:
            raise RowError(column, f"{day} is after the day of import ({today})")
        return day.isoformat()
    if column == "school_urn":
        if not URN.fullmatch(raw):
            raise RowError(column, f"{raw!r} is not a 6-digit school URN (100000-999999)")
        return raw
    if column == "role":
        allowed = VIEW_ROLES if action == "views_received" else ROLES
        return _in(column, raw, allowed, "role")
    if column in LIST_COLUMNS:
        return _codes(column, raw, TOPICS if column == "topics" else ROLES)
    if column == "ehcp_copy_included":
        return _yes_no(column, raw)
    if column == "review_type":
        return _in(column, raw, REVIEW_TYPES, "review type")
    if column == "decision":
        return _in(column, raw, DECISIONS, "decision")
    if column == "void_action":
        value = _in(column, raw, ACTION_SET, "action")
        if value == "void":
            raise RowError(column, "a void cannot void another void")
        return value
    return raw


_SKIP = frozenset({"child_id", "action", "occurred_on", "recorded_by", "recorded_at"})


def parse_row(raw: Mapping[str, str | None], today: date) -> Entry:
    """Check one row and return it as a normalised entry; raise RowError naming the column."""
    child_id = (raw.get("child_id") or "").strip()
    if not child_id:
        raise RowError("child_id", "is blank")
    if not CHILD_ID.fullmatch(child_id):
        raise RowError("child_id", f"{child_id!r} must be 1-32 characters of A-Z a-z 0-9 - _ /")
    given_action = (raw.get("action") or "").strip()
    if not given_action:
        raise RowError("action", "is blank")
    action = given_action.lower()
    if action not in ACTION_SET:
        raise RowError("action", f"unknown action {given_action!r}")
    day_text = (raw.get("occurred_on") or "").strip()
    if not day_text:
        raise RowError("occurred_on", "is blank")
    occurred_on = parse_date("occurred_on", day_text)
    if occurred_on > today:
        raise RowError("occurred_on", f"{occurred_on} is after the day of import ({today})")

    _refuse_control_characters(raw)
    details: dict[str, str] = {}
    not_recorded: set[str] = set()
    for column, given in raw.items():
        if not given or column in _SKIP:
            continue
        value = given.strip()
        if not value:
            continue
        normal = _detail(column, value, action, today)
        if column in LIST_COLUMNS and normal in ("", NOT_RECORDED):
            # a blank list and not_recorded are the same fact; only not_recorded fills a
            # required list column
            if normal == NOT_RECORDED:
                not_recorded.add(column)
            continue
        details[column] = normal
    for column in REQUIRED[action]:
        if column not in details and column not in not_recorded:
            raise RowError(column, f"is required for {action}")
    if action == "meeting_held":
        details.setdefault("review_type", "annual")
    dob = details.get("date_of_birth")
    if dob and dob > occurred_on.isoformat():
        raise RowError("date_of_birth", f"{dob} is after occurred_on ({occurred_on})")
    recorded_at = (raw.get("recorded_at") or "").strip()
    return Entry(
        child_id=child_id,
        action=action,
        occurred_on=occurred_on,
        details=details,
        recorded_by=(raw.get("recorded_by") or "").strip(),
        recorded_at=parse_recorded_at(recorded_at, today) if recorded_at else "",
    )


def _refuse_control_characters(raw: Mapping[str, str | None]) -> None:
    """RowError naming the first column whose value (without its surrounding spaces, which are
    ignored) holds a control character: a line break, tab, NUL and the like."""
    joined = "".join(filter(None, raw.values()))
    if joined.isprintable() or CONTROL.search(joined) is None:
        return  # the usual case: one check of the whole row
    for column, given in raw.items():
        found = CONTROL.search(given.strip()) if given else None
        if found is not None:
            raise RowError(
                column,
                f"contains the control character U+{ord(found.group()):04X}; line breaks, "
                "tabs and other control characters are not allowed in a value",
            )
