"""The differences between the authority's return and the log: children on one side only, and
per child every item whose values differ, with the log entries behind ours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from ehcp_audit.domain.entry import Entry

Value = str | date | None

ONLY_THEIRS: Final = "only in their return"
ONLY_OURS: Final = "only in the log"
DIFFERS: Final = "differs"


@dataclass(frozen=True, slots=True)
class Ours:
    """One item as the log has it, and the entries it was read from."""

    value: Value
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True, slots=True)
class OurChild:
    items: Mapping[str, Ours]
    basis: tuple[Entry, ...]  # why the child is in the return: its plan (and cease) entries


@dataclass(frozen=True, slots=True)
class Difference:
    child_id: str
    kind: str
    item: str = ""
    theirs: Value = None
    ours: Value = None
    entries: tuple[Entry, ...] = field(default=())


def same(theirs: Value, ours: Value) -> bool:
    """Equal values: dates as dates, text ignoring case and surrounding spaces, blank as none."""
    if isinstance(theirs, str) and isinstance(ours, str):
        return theirs.strip().casefold() == ours.strip().casefold()
    return _blank(theirs) == _blank(ours)


def _blank(value: Value) -> Value:
    return None if isinstance(value, str) and not value.strip() else value


def compare(
    theirs: Mapping[str, Mapping[str, Value]],
    ours: Mapping[str, OurChild],
    items: Sequence[str],
) -> list[Difference]:
    """Every difference, by child id (code point order), then in `items`' order."""
    found: list[Difference] = []
    for child_id in sorted(set(theirs) | set(ours)):
        our = ours.get(child_id)
        their = theirs.get(child_id)
        if our is None:
            found.append(Difference(child_id, ONLY_THEIRS))
        elif their is None:
            found.append(Difference(child_id, ONLY_OURS, entries=our.basis))
        else:
            for item in items:
                mine = our.items.get(item, Ours(None))
                if not same(their.get(item), mine.value):
                    found.append(
                        Difference(
                            child_id, DIFFERS, item, their.get(item), mine.value, mine.entries
                        )
                    )
    return found
