"""Which entries count: voids applied, entries after the as-of date and unknown ones dropped
(RULES.md "Idempotency and order" and "Status of a row, as of date D")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ehcp_audit.domain.entry import Entry


def apply_voids(entries: Iterable[Entry], known_on: date | None = None) -> list[Entry]:
    """The entries a void has not removed, in business order (occurred_on, then seq).

    Voids apply in (occurred_on, seq) order, whatever the as-of date; each removes the earliest
    imported (lowest seq) entry with its action and date that no earlier void removed. With
    `known_on`, entries and voids not yet known on that day are left out first.
    """
    kept: list[Entry] = []
    voids: list[Entry] = []
    for entry in entries:
        if known_on is not None and entry.known_on is not None and entry.known_on > known_on:
            continue
        (voids if entry.action == "void" else kept).append(entry)
    if voids:
        removed: set[int] = set()
        by_key: dict[tuple[str, str], list[int]] = {}
        for index, entry in sorted(enumerate(kept), key=lambda pair: pair[1].seq):
            by_key.setdefault((entry.action, entry.occurred_on.isoformat()), []).append(index)
        for void in sorted(voids, key=lambda e: (e.occurred_on, e.seq)):
            candidates = by_key.get((void.get("void_action"), void.get("void_occurred_on")), [])
            for index in candidates:
                if index not in removed:
                    removed.add(index)
                    break
        kept = [entry for index, entry in enumerate(kept) if index not in removed]
    kept.sort(key=lambda e: (e.occurred_on, e.seq))
    return kept


def as_of(entries: list[Entry], day: date) -> list[Entry]:
    """Entries (already in business order) dated on or before `day`."""
    return [entry for entry in entries if entry.occurred_on <= day]
