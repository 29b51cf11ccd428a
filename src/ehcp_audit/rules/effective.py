"""Which entries count: voids applied, entries after the as-of date and unknown ones dropped
(RULES.md "Idempotency and order" and "Status of a row, as of date D")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter

from ehcp_audit.domain.entry import Entry


def voided_by(entries: Iterable[Entry], known_on: date | None = None) -> dict[int, Entry]:
    """{seq of a voided entry: the void that removed it}.

    Voids apply in (occurred_on, seq) order, whatever the as-of date; each removes the earliest
    imported (lowest seq) entry with its action and date that no earlier void removed. With
    `known_on`, entries and voids not yet known on that day are left out.
    """
    known = list(entries) if known_on is None else [e for e in entries if _known(e, known_on)]
    voids = [e for e in known if e.action == "void"]
    removed: dict[int, Entry] = {}
    if not voids:
        return removed
    kept = [e for e in known if e.action != "void"]
    by_key: dict[tuple[str, str], list[Entry]] = {}
    for entry in sorted(kept, key=lambda e: e.seq):
        by_key.setdefault((entry.action, entry.occurred_on.isoformat()), []).append(entry)
    for void in sorted(voids, key=lambda e: (e.occurred_on, e.seq)):
        for candidate in by_key.get((void.get("void_action"), void.get("void_occurred_on")), []):
            if candidate.seq not in removed:
                removed[candidate.seq] = void
                break
    return removed


def apply_voids(entries: Iterable[Entry], known_on: date | None = None) -> list[Entry]:
    """The entries that count: voids, voided entries and (with `known_on`) entries not yet
    known left out; in business order (occurred_on, then seq)."""
    entries = list(entries)
    removed = voided_by(entries, known_on)
    kept = [e for e in entries if e.action != "void" and e.seq not in removed]
    if known_on is not None:
        kept = [e for e in kept if _known(e, known_on)]
    kept.sort(key=_BUSINESS_ORDER)
    return kept


_BUSINESS_ORDER = attrgetter("occurred_on", "seq")


def _known(entry: Entry, known_on: date | None) -> bool:
    return known_on is None or entry.known_on is None or entry.known_on <= known_on


def as_of(entries: list[Entry], day: date) -> list[Entry]:
    """Entries (already in business order) dated on or before `day`."""
    return [entry for entry in entries if entry.occurred_on <= day]
