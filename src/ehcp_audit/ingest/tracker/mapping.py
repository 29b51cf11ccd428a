"""The tracker mapping (a TOML file): which spreadsheet column holds which fact.

See docs/tracker.md for the format, with examples.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping as AnyMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ehcp_audit.errors import UnusableFileError
from ehcp_audit.ingest.tracker.synonyms import expand

# Every column a mapping may name, and what it holds.
FIELDS: dict[str, str] = {
    "child_id": "the LA's case reference",
    "date_of_birth": "date of birth",
    "school_urn": "the current school's URN",
    "school_name": "the current school's name",
    "placement_from": "the day the child started at the current school",
    "recorded_by": "who keeps the row (caseworker)",
    "plan_issued": "the day the EHC plan was first issued",
    "review_due": "the review due date (read, not recorded: the rulebook computes it)",
    "meeting_booked": "the date the review meeting is booked for",
    "booked_on": "the day the meeting was booked",
    "invitations_sent": "the day invitations were sent",
    "ehcp_copy_included": "whether a copy of the plan went with the invitations",
    "invitees": "roles invited",
    "papers_circulated": "the day reports and views were circulated",
    "meeting_held": "the day the review meeting took place",
    "last_meeting_held": "the day the previous annual review meeting took place",
    "attendees": "roles that attended",
    "topics": "topics covered",
    "paperwork_submitted": "the day the review paperwork reached the LA",
    "decision_issued": "the day the LA's decision was sent",
    "decision": "the decision (amend, maintain, cease)",
    "amendments_proposed": "the day the proposed amendments were sent",
    "final_plan_issued": "the day the final (amended) plan was issued",
    "plan_ceased": "the day the plan ceased",
    "ceased_reason": "why the plan ceased",
}
DATE_FIELDS = frozenset(
    {
        "date_of_birth",
        "placement_from",
        "plan_issued",
        "review_due",
        "meeting_booked",
        "booked_on",
        "invitations_sent",
        "papers_circulated",
        "meeting_held",
        "last_meeting_held",
        "paperwork_submitted",
        "decision_issued",
        "amendments_proposed",
        "final_plan_issued",
        "plan_ceased",
    }
)
VALUE_FIELDS = frozenset(
    {"decision", "ehcp_copy_included", "invitees", "attendees", "topics", "ceased_reason"}
)
# A column that is mapped needs these mapped too (the rulebook's required columns).
NEEDS: dict[str, tuple[str, ...]] = {
    "plan_issued": ("date_of_birth", "school_urn"),
    "decision_issued": ("decision",),
}
DEFAULT_BLANKS = frozenset(
    {"n/a", "na", "n.a.", "tbc", "tba", "-", "--", "–", "—", "none", "nil", "?", "not applicable"}
)
MAX_HEADER_ROWS = 3


def normalise(text: str) -> str:
    """Headers and mapped values are matched case- and space-insensitively."""
    return "".join(text.split()).lower()


@dataclass(frozen=True)
class TrackerMapping:
    columns: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None
    header_rows: int | None = None
    day_first: bool = True
    blanks: frozenset[str] = DEFAULT_BLANKS
    name: str = ""

    def maps(self, key: str) -> bool:
        return key in self.columns

    def value(self, key: str, text: str) -> str:
        """A cell's text through the mapping's value table for `key` (unchanged if not listed)."""
        table = self.values.get(key)
        if not table:
            return text
        return table.get(normalise(text), text)

    def is_blank(self, text: str) -> bool:
        return normalise(text) in self.blanks


def load_mapping(path: Path) -> TrackerMapping:
    """Read and check a mapping file, or raise UnusableFileError saying what is wrong."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise UnusableFileError(f"{path}: no such mapping file") from None
    except tomllib.TOMLDecodeError as exc:
        raise UnusableFileError(f"{path.name}: not a valid TOML mapping ({exc})") from None
    try:
        return parse_mapping(data)
    except ValueError as exc:
        raise UnusableFileError(f"{path.name}: {exc}") from None


def parse_mapping(data: AnyMapping[str, Any]) -> TrackerMapping:
    unknown = sorted(set(data) - {"tracker", "columns", "values"})
    if unknown:
        raise ValueError(f"unknown section(s) {', '.join(unknown)} (use tracker, columns, values)")
    options = _table(data, "tracker")
    columns = _columns(_table(data, "columns"))
    values = _values(_table(data, "values"))
    extra = options.get("blank_values", [])
    if not isinstance(extra, list) or not all(isinstance(v, str) for v in extra):
        raise ValueError("tracker.blank_values must be a list of texts")
    known = {"name", "sheet", "header_row", "header_rows", "day_first", "blank_values"}
    stray = sorted(set(options) - known)
    if stray:
        raise ValueError(f"unknown tracker option(s): {', '.join(stray)}")
    return TrackerMapping(
        columns=columns,
        values=values,
        sheet=_optional_text(options, "sheet"),
        header_row=_auto_or_int(options, "header_row", 1, 1_000_000),
        header_rows=_auto_or_int(options, "header_rows", 1, MAX_HEADER_ROWS),
        day_first=bool(options.get("day_first", True)),
        blanks=DEFAULT_BLANKS | {normalise(v) for v in extra},
        name=_optional_text(options, "name") or "",
    )


def _table(data: AnyMapping[str, Any], key: str) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ValueError(f"[{key}] must be a table")
    return table


def _columns(table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise ValueError(
            f"unknown column key(s) {', '.join(unknown)}; known keys: {', '.join(FIELDS)}"
        )
    columns: dict[str, tuple[str, ...]] = {}
    for key, spec in table.items():
        names = (spec,) if isinstance(spec, str) else spec
        if not isinstance(names, list | tuple) or not names:
            raise ValueError(f"columns.{key} must be a header text or a list of them")
        if not all(isinstance(n, str) and n.strip() for n in names):
            raise ValueError(f"columns.{key} must be a header text or a list of them")
        columns[key] = expand(key, tuple(names))
    if "child_id" not in columns:
        raise ValueError("columns.child_id is required")
    for key, needed in NEEDS.items():
        missing = [n for n in needed if key in columns and n not in columns]
        if missing:
            raise ValueError(f"columns.{key} needs columns.{', columns.'.join(missing)} too")
    return columns


def _values(table: dict[str, Any]) -> dict[str, dict[str, str]]:
    values: dict[str, dict[str, str]] = {}
    for key, pairs in table.items():
        if key not in VALUE_FIELDS:
            raise ValueError(f"values.{key}: only {', '.join(sorted(VALUE_FIELDS))} take values")
        if not isinstance(pairs, dict) or not all(isinstance(v, str) for v in pairs.values()):
            raise ValueError(f"[values.{key}] must map texts to codes")
        values[key] = {normalise(k): v for k, v in pairs.items()}
    return values


def _optional_text(options: dict[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"tracker.{key} must be a text")
    return value


def _auto_or_int(options: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = options.get(key, "auto")
    if value == "auto":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f'tracker.{key} must be "auto" or a whole number {low}-{high}')
    return value
