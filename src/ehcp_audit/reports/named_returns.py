"""What an inspector asks of each named child beside the case: the child's row of Ofsted's Annex A
List 1 (`export annex-a`'s columns and dates, from the same rules) and, when the authority's own
List 1 is given, where it and the log disagree (`reconcile annex-a`'s comparison and wording)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ehcp_audit.domain.entry import Entry
from ehcp_audit.exports.reconcile.differences import Reconciliation, entries_text
from ehcp_audit.rules.annex_a.list1 import HEADERS, list1_rows
from ehcp_audit.rules.reconcile.compare import Value, compare
from ehcp_audit.rules.reconcile.log_side import LIST1_ITEMS, annex_a_children

TheirRows = Mapping[str, Mapping[str, Value]]


@dataclass(frozen=True)
class TheirList:
    """The authority's own List 1 (`--their-list`), read by `reconcile annex-a`'s reader."""

    path: Path
    rows: TheirRows


@dataclass(frozen=True)
class ReturnLine:
    kind: str  # compare.ONLY_THEIRS, ONLY_OURS or DIFFERS
    item: str
    theirs: str
    ours: str
    our_entries: str


@dataclass(frozen=True)
class NamedReturn:
    child_id: str
    day: date
    cells: tuple[tuple[str, str], ...]  # List 1 header, text; () when not on the list
    compared_with: str  # their list's file name; "" when none was given
    lines: tuple[ReturnLine, ...]


def shown(value: Value) -> str:
    """A cell as `export annex-a` shows it: dates DD/MM/YYYY, blanks empty."""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return value or ""


def _entries(frame: pd.DataFrame, children: Sequence[str]) -> Iterator[tuple[str, list[Entry]]]:
    """The children's entries as the rules read them, voids included (the log's own order)."""
    picked = frame[frame["child_id"].isin(list(children))].sort_values("position")
    by_child: dict[str, list[Entry]] = {child: [] for child in children}
    for r in picked.to_dict("records"):
        by_child[str(r["child_id"])].append(
            Entry(
                child_id=str(r["child_id"]),
                action=str(r["action"]),
                occurred_on=pd.Timestamp(r["occurred_on"]).date(),
                details=json.loads(str(r["details"]) or "{}"),
                recorded_by=str(r["recorded_by"] or ""),
                recorded_at=str(r["recorded_at"] or ""),
                seq=int(r["position"]),
            )
        )
    yield from by_child.items()


def named_returns(
    entries: pd.DataFrame, children: Sequence[str], day: date, theirs: TheirList | None
) -> dict[str, NamedReturn]:
    """Per named child: its List 1 row on `day` and, with `theirs`, the differences."""
    rows = {row.child_id: row.cells() for row in list1_rows(_entries(entries, children), day)}
    lines: dict[str, list[ReturnLine]] = {child: [] for child in children}
    if theirs is not None:
        result = _reconciliation(entries, children, day, theirs)
        for found in result.differences:
            lines[found.child_id].append(
                ReturnLine(
                    found.kind,
                    found.item,
                    shown(found.theirs),
                    shown(found.ours),
                    entries_text(result, found),
                )
            )
    return {
        child: NamedReturn(
            child,
            day,
            tuple((h, shown(rows[child][h])) for h in HEADERS) if child in rows else (),
            theirs.path.name if theirs is not None else "",
            tuple(lines[child]),
        )
        for child in children
    }


def _reconciliation(
    entries: pd.DataFrame, children: Sequence[str], day: date, theirs: TheirList
) -> Reconciliation:
    ours = {
        child: found
        for child, found in annex_a_children(_entries(entries, children), day).items()
        if child in children
    }
    their_rows = {child: theirs.rows[child] for child in children if child in theirs.rows}
    found = compare(their_rows, ours, LIST1_ITEMS)
    positions = _positions(entries, children)
    what = f"Annex A List 1 {theirs.path.name}"
    return Reconciliation(what, day, len(their_rows), len(ours), LIST1_ITEMS, found, positions)


def _positions(
    entries: pd.DataFrame, children: Sequence[str]
) -> dict[tuple[str, int], tuple[int, str | None, int | None]]:
    """(child, seq) -> log position, import file and its row: an entry's seq is its position."""
    picked = entries[entries["child_id"].isin(list(children))]
    return {
        (str(r["child_id"]), int(r["position"])): (
            int(r["position"]),
            r["source"] if isinstance(r["source"], str) and r["source"] else None,
            int(r["source_row"]) if pd.notna(r["source_row"]) else None,
        )
        for r in picked.to_dict("records")
    }
