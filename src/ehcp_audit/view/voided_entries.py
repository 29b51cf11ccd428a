"""The entries a void cancels, kept in the view (table `voided_entries`) for the children each
recompute judges, so that a report reads them in SQL instead of fetching every voiding child's
log and applying the voids in Python. rules.effective.voided_by decides, as everywhere."""

from __future__ import annotations

from collections.abc import Iterable

from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.effective import voided_by

VOIDED_COLUMNS = ("child_id", "version", "void_version", "reason")
VoidedRow = tuple[str, int, int, str]


def voided_rows(children: Iterable[tuple[str, list[Entry]]]) -> list[VoidedRow]:
    """(child, version of the voided entry, version of its void, the void's reason) of each
    entry a void cancels in the whole log (no as-of or known-on cut: what the reports show)."""
    return [
        (child_id, seq, void.seq, void.get("reason"))
        for child_id, entries in children
        for seq, void in voided_by(entries).items()
    ]
