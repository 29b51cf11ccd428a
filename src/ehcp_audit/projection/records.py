"""Conversions between view rows and rule objects (entries in, compliance rows out)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.compliance import BaseRow, Row

ENTRY_COLUMNS = (
    "position",
    "child_id",
    "version",
    "action",
    "occurred_on",
    "details",
    "recorded_by",
    "recorded_at",
    "imported_at",
    "known_on",
    "source",
    "source_row",
)
BASE_COLUMNS = (
    "child_id",
    "cycle",
    "due_on",
    "meeting_on",
    "school_urn",
    "measure",
    "deadline",
    "done_on",
    "base",
    "visible_from",
)
ROW_COLUMNS = (
    "child_id",
    "cycle",
    "due_on",
    "meeting_on",
    "school_urn",
    "measure",
    "deadline",
    "done_on",
    "status",
)


@lru_cache(maxsize=1 << 16)
def _details(text: str) -> dict[str, str]:
    # Cached: the same detail columns (a role, a list of attendees) recur across entries, and
    # entries never change their details (domain/entry.py), so one dict can serve them all.
    details: dict[str, str] = json.loads(text)
    return details


def entries_by_child(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, list[Entry]]]:
    """Group (child_id, version, action, occurred_on, details, recorded_by, recorded_at,
    known_on) rows, ordered by child, into each child's entries."""
    current: str | None = None
    entries: list[Entry] = []
    for child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on in rows:
        if child_id != current:
            if current is not None:
                yield current, entries
            current, entries = child_id, []
        entries.append(
            Entry(
                child_id=child_id,
                action=action,
                occurred_on=occurred_on,
                details=_details(details),
                recorded_by=recorded_by or "",
                recorded_at=recorded_at or "",
                seq=version,
                known_on=known_on,
            )
        )
    if current is not None:
        yield current, entries


# What base rows are judged from: they read no provenance (recorded_by, recorded_at) and no
# known_on (that only filters answers "as known on" a day), and fetching fewer columns out of
# DuckDB is most of what reading a chunk costs.
BASE_ENTRY_FIELDS = "child_id, version, action, occurred_on, details"


def base_entries_by_child(
    rows: Iterable[tuple[Any, ...]],
) -> Iterator[tuple[str, list[Entry]]]:
    """As entries_by_child, for (child_id, version, action, occurred_on, details) rows."""
    current: str | None = None
    entries: list[Entry] = []
    for child_id, version, action, occurred_on, details in rows:
        if child_id != current:
            if current is not None:
                yield current, entries
            current, entries = child_id, []
        entries.append(Entry(child_id, action, occurred_on, _details(details), seq=version))
    if current is not None:
        yield current, entries


def base_row_tuple(r: BaseRow) -> tuple[Any, ...]:
    return (
        r.child_id,
        r.cycle,
        r.due_on,
        r.meeting_on,
        r.school_urn or None,
        r.measure,
        r.deadline,
        r.done_on,
        r.base,
        r.visible_from,
    )


def row_tuple(r: Row) -> tuple[Any, ...]:
    return (
        r.child_id,
        r.cycle,
        r.due_on,
        r.meeting_on,
        r.school_urn or None,
        r.measure,
        r.deadline,
        r.done_on,
        r.status,
    )
