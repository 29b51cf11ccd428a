"""Ofsted's Annex A, List 1 as a workbook: List_1 (Ofsted's 21 columns), Reviews_owed (what the
list lacks: the review due date and the step owed, from the compliance rows) and Validation
(the open List 1 rules). docs/formats.md, "Ofsted Annex A, List 1"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import pandas as pd

from ehcp_audit.exports.people_csv import People
from ehcp_audit.exports.xlsx_package import SheetLayout, write_workbook
from ehcp_audit.reports.worklist import Item, due_soon_items, overdue_items
from ehcp_audit.rules.annex_a.checks import CHECK_COLUMNS, Finding, validate
from ehcp_audit.rules.annex_a.list1 import (
    ABSENCE,
    DATE_HEADERS,
    EXCLUSIONS,
    HEADERS,
    SUSPENSIONS,
    List1Row,
    list1_rows,
    with_people,
)
from ehcp_audit.view.compliance_view import ComplianceView
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.row_tuples import entries_by_child

LIST_SHEET: Final = "List_1"
OWED_SHEET: Final = "Reviews_owed"
CHECKS_SHEET: Final = "Validation"
OWED_COLUMNS: Final = (
    "Unique ID",
    "Review due date",
    "Step owed",
    "Owed by",
    "Step deadline",
    "Days overdue",
    "Steps overdue",
)
OWED_DATES: Final = frozenset({"Review due date", "Step deadline"})
NUMBER_HEADERS: Final = (SUSPENSIONS, EXCLUSIONS, ABSENCE)
DATE_FORMAT: Final = "DD/MM/YYYY"
PLAIN_NUMBER: Final = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
# Dates shown DD/MM/YYYY (still date cells); widths that fit; the header row and the person id
# kept in view.
LAYOUT: Final = SheetLayout(
    column_formats=dict.fromkeys(DATE_HEADERS | OWED_DATES, DATE_FORMAT),
    freeze="B2",
    widest=60,
    title_counts=30,
)


@dataclass(frozen=True)
class ReviewOwed:
    child_id: str
    review_due: date | None
    step: Item | None  # the most overdue step, else the next one due
    overdue: int  # steps overdue

    def row(self) -> tuple[Any, ...]:
        step = self.step
        late = step is not None and self.overdue > 0
        return (
            self.child_id,
            self.review_due,
            step.next_action if step else None,
            step.owner if step else None,
            step.deadline if step else None,
            step.days if late and step else None,
            self.overdue,
        )


@dataclass(frozen=True)
class AnnexA:
    day: date
    rows: list[List1Row]
    owed: list[ReviewOwed]
    findings: list[Finding]
    unmatched: list[str]  # people.csv ids not on the list
    without_people: int  # children on the list with no people.csv row


def extract(view: ComplianceView, day: date, people: People | None) -> AnnexA:
    """List 1 as of `day` from every entry the (caught-up) view holds, with its checks."""
    rows = list1_rows(entries_by_child(view.entry_rows()), day)
    unmatched: list[str] = []
    if people is not None:
        rows, unmatched = with_people(rows, people.by_child)
    known = people.by_child if people is not None else {}
    findings = validate((row.cells() for row in rows), day)
    owed = reviews_owed(view.compliance(day), day, [row.child_id for row in rows])
    missing = sum(1 for row in rows if row.child_id not in known)
    return AnnexA(day, rows, owed, findings, unmatched, missing)


def reviews_owed(compliance: pd.DataFrame, day: date, children: list[str]) -> list[ReviewOwed]:
    """Per child, in `children`'s order: the latest cycle's review due date and the step owed
    (the reports' overdue and due-soon items: the same steps, wording and owners)."""
    con = compliance_connection(compliance)
    try:
        overdue = overdue_items(con, day, {})
        upcoming = due_soon_items(con, day, date.max, {})
        due = dict(
            con.execute(
                "SELECT child_id, arg_max(deadline, cycle) FROM compliance "
                "WHERE measure = 'review_on_time' GROUP BY child_id"
            ).fetchall()
        )
    finally:
        con.close()
    first_overdue: dict[str, Item] = {}
    counts: dict[str, int] = {}
    for item in overdue:  # most days late first
        first_overdue.setdefault(item.child_id, item)
        counts[item.child_id] = counts.get(item.child_id, 0) + 1
    next_due: dict[str, Item] = {}
    for item in upcoming:  # earliest deadline first
        next_due.setdefault(item.child_id, item)
    return [
        ReviewOwed(
            child,
            due.get(child),
            first_overdue.get(child) or next_due.get(child),
            counts.get(child, 0),
        )
        for child in children
    ]


def _number(value: object) -> object:
    """A count or a percentage as a number, so that the sheet sums and sorts it."""
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return int(value) if value.isdigit() else float(value)
    return value


def frames(result: AnnexA) -> dict[str, pd.DataFrame]:
    listed = pd.DataFrame([row.cells() for row in result.rows], columns=list(HEADERS))
    for header in NUMBER_HEADERS:
        listed[header] = listed[header].map(_number).astype(object)
    return {
        LIST_SHEET: listed,
        OWED_SHEET: pd.DataFrame([o.row() for o in result.owed], columns=list(OWED_COLUMNS)),
        CHECKS_SHEET: pd.DataFrame([f.row() for f in result.findings], columns=list(CHECK_COLUMNS)),
    }


def write_annex_a(result: AnnexA, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(out, frames(result), LAYOUT)
