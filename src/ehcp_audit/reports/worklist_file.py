"""The monthly report's companion workbook (worklist-YYYY-MM.xlsx): every current overdue and
due-soon step, every step of a closed review, every missed step of the month and every row of
the data-quality checks, which the report only counts or lists in part."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

from ehcp_audit.exports.safe_cells import write_plain_xlsx
from ehcp_audit.exports.xlsx_package import Table
from ehcp_audit.reports.quality import (
    DataQuality,
    LateEntry,
    RejectedRow,
    UnrecordedMeeting,
    VoidEntry,
)
from ehcp_audit.reports.worklist import Item, MissedItem
from ehcp_audit.view.periods import Month

_COLUMNS = (
    "child_id",
    "cycle",
    "school_urn",
    "school_name",
    "measure",
    "step",
    "deadline",
    "{days}",
    "next_action",
    "owed_by",
)


def worklist_name(month: Month) -> str:
    return f"worklist-{month}.xlsx"


def _table(items: Sequence[Item], days: str) -> Table:
    rows = [
        (
            i.child_id,
            i.cycle,
            i.school_urn,
            i.school_name,
            i.measure,
            i.step,
            i.deadline,
            i.days,
            i.next_action,
            i.owner,
        )
        for i in items
    ]
    return Table([c.format(days=days) for c in _COLUMNS], rows)


def _closed_counts(closed: Sequence[Item]) -> Table:
    """Closed reviews' steps never done, counted by setting and step: most first, then by
    setting (none last) and measure."""
    counts = Counter((i.school_urn, i.school_name, i.measure, i.step, i.owner) for i in closed)
    rows = sorted(
        ((*key, steps) for key, steps in counts.items()),
        key=lambda r: (-r[5], r[0] is None, r[0] or "", r[2]),
    )
    return Table(["school_urn", "school_name", "measure", "step", "owed_by", "steps"], rows)


def _rows(items: Sequence[Any], kind: type) -> Table:
    """One row per item of dataclass `kind`, its fields as columns (`owner` as `owed_by`)."""
    names = [f.name for f in dataclasses.fields(kind)]
    # Every field is a plain value: attrgetter's shallow tuple, not astuple's deep copies (0.7 s
    # for a 20,000-child authority's lists).
    fields = attrgetter(*names)
    return Table(["owed_by" if n == "owner" else n for n in names], [fields(i) for i in items])


def write_worklist(
    path: Path,
    overdue: Sequence[Item],
    due_soon: Sequence[Item],
    missed: Sequence[MissedItem],
    quality: DataQuality,
) -> Path:
    """Sheets: current overdue steps, current steps due soon (both most urgent first), closed
    reviews' steps never done, their counts by setting and step, the month's missed steps and
    the data-quality checks' rows, each in the report's order."""
    closed = [i for i in overdue if i.closed]
    sheets = {
        "Overdue (current)": _table([i for i in overdue if not i.closed], "days_late"),
        "Due soon (current)": _table([i for i in due_soon if not i.closed], "days_left"),
        "Closed without step": _table(closed, "days_late"),
        "Closed by setting": _closed_counts(closed),
        "Missed in month": _rows(missed, MissedItem),
        "Late entries": _rows(quality.late_entries, LateEntry),
        "Voids": _rows(quality.voids, VoidEntry),
        "Rejected rows": _rows(quality.rejected, RejectedRow),
        "Meetings not recorded": _rows(quality.unrecorded_meetings, UnrecordedMeeting),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_plain_xlsx(path, sheets)
    return path
