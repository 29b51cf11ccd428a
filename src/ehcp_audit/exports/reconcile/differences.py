"""Reconciling a return with the log: both sides read, compared, and the differences written as
a CSV (one row per difference) with a summary table for stderr."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from ehcp_audit.exports.safe_cells import SafeCsvWriter
from ehcp_audit.rules.reconcile.compare import (
    DIFFERS,
    ONLY_OURS,
    ONLY_THEIRS,
    Difference,
    OurChild,
    Value,
    compare,
)
from ehcp_audit.view.compliance_view import ComplianceView
from ehcp_audit.view.sql_files import sql_text

COLUMNS: Final = ("child_id", "difference", "item", "theirs", "ours", "our_entries")


@dataclass(frozen=True)
class Reconciliation:
    what: str  # the return, as the summary names it
    day: date
    theirs: int  # children in their return
    ours: int  # children the log puts in it
    items: Sequence[str]
    differences: list[Difference]
    # (child_id, version) -> log position, import file, its row
    positions: Mapping[tuple[str, int], tuple[int, str | None, int | None]]

    @property
    def agree(self) -> bool:
        return not self.differences


def reconcile(
    view: ComplianceView,
    what: str,
    day: date,
    theirs: Mapping[str, Mapping[str, Value]],
    ours: Mapping[str, OurChild],
    items: Sequence[str],
) -> Reconciliation:
    found = compare(theirs, ours, items)
    children = sorted({d.child_id for d in found if d.entries})
    rows = view.con.execute(sql_text("entry_positions"), {"children": children}).fetchall()
    positions = {(child, version): (position, source, line) for child, version, position,
                 source, line in rows}  # fmt: skip
    return Reconciliation(what, day, len(theirs), len(ours), items, found, positions)


def _cell(value: Value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return value or ""


def entries_text(result: Reconciliation, found: Difference) -> str:
    """The log entries behind our value, each with its position and the file row it came from."""
    described = []
    for entry in found.entries:
        position, source, line = result.positions.get((entry.child_id, entry.seq), (0, None, None))
        known = f", recorded {entry.known_on}" if entry.known_on else ""
        origin = f", from {source} row {line}" if source and line else ""
        described.append(
            f"log position {position}: {entry.action} dated {entry.occurred_on}{known}{origin}"
        )
    return "; ".join(described)


def write_differences(result: Reconciliation, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for found in result.differences:
            writer.writerow((
                found.child_id, found.kind, found.item, _cell(found.theirs), _cell(found.ours),
                entries_text(result, found),
            ))  # fmt: skip


def summary(result: Reconciliation, out: Path) -> list[str]:
    """The summary table: children on each side, then differing values per item."""
    kinds = Counter(d.kind for d in result.differences)
    per_item = Counter(d.item for d in result.differences if d.kind == DIFFERS)
    only_theirs, only_ours = kinds[ONLY_THEIRS], kinds[ONLY_OURS]
    width = max([len(item) + 2 for item in result.items] + [28])
    lines = [
        f"{result.what} against the log ({result.day:%d/%m/%Y}):",
        f"  {'children in their return':<{width}} {result.theirs:>7,}",
        f"  {'children the log puts in it':<{width}} {result.ours:>7,}",
        f"  {'in both':<{width}} {result.theirs - only_theirs:>7,}",
        f"  {ONLY_THEIRS:<{width}} {only_theirs:>7,}",
        f"  {ONLY_OURS:<{width}} {only_ours:>7,}",
        "  values that differ, children in both:",
    ]
    lines += [f"    {item:<{width - 2}} {per_item[item]:>7,}" for item in result.items]
    both = result.theirs - only_theirs
    if both == 0 and result.theirs and result.ours:
        lines.append(
            "  no child is on both sides: are their ids the log's child_id? (docs/formats.md)"
        )
    count = len(result.differences)
    plural = "s" if count > 1 else ""
    verdict = f"they differ: {count:,} difference{plural}" if count else "they agree"
    lines.append(f"{verdict}; written to {out}")
    return lines
