"""The monthly report's companion workbook (worklist-YYYY-MM.xlsx): every current overdue and
due-soon step, every step of a closed review, every missed step of the month and every row of
the data-quality checks, which the report only counts or lists in part."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from operator import attrgetter
from pathlib import Path
from typing import Any

import pandas as pd

from ehcp_audit.exports.safe_cells import write_plain_xlsx
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


def _frame(items: Sequence[Item], days: str) -> pd.DataFrame:
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
    return pd.DataFrame(rows, columns=[c.format(days=days) for c in _COLUMNS])


def _closed_counts(closed: Sequence[Item]) -> pd.DataFrame:
    frame = _frame(closed, "days_late")
    columns = ["school_urn", "school_name", "measure", "step", "owed_by"]
    counts = frame.groupby(columns, dropna=False).size().reset_index(name="steps")
    return counts.sort_values(["steps", "school_urn", "measure"], ascending=[False, True, True])


def _rows(items: Sequence[Any], kind: type) -> pd.DataFrame:
    """One row per item of dataclass `kind`, its fields as columns (`owner` as `owed_by`)."""
    names = [f.name for f in dataclasses.fields(kind)]
    # Every field is a plain value: attrgetter's shallow tuple, not astuple's deep copies (0.7 s
    # for a 20,000-child authority's lists).
    fields = attrgetter(*names)
    rows = [fields(i) for i in items]
    return pd.DataFrame(rows, columns=["owed_by" if n == "owner" else n for n in names])


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
        "Overdue (current)": _frame([i for i in overdue if not i.closed], "days_late"),
        "Due soon (current)": _frame([i for i in due_soon if not i.closed], "days_left"),
        "Closed without step": _frame(closed, "days_late"),
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
