"""Overdue steps and steps due soon, with the action owed and who owes it; missed steps of a
month, with what happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from ehcp_audit.reports.steps import STEPS, Step
from ehcp_audit.view.queries import records, rows

# The due-soon list's window (monthly and school reports), from the as-of day.
DUE_SOON_DAYS = 28

@dataclass(frozen=True)
class Item:
    child_id: str
    cycle: int
    school_urn: str
    school_name: str
    measure: str
    step: str
    deadline: date
    days: int  # days late (overdue list) or days left (due-soon list)
    next_action: str
    owner: str
    closed: bool  # a step of a review the child has moved past (see current_work.py)


def _items(
    con: duckdb.DuckDBPyConnection,
    query: str,
    names: dict[str, str],
    days_column: str,
    **params: object,
) -> list[Item]:
    at, found = rows(con, query, **params)
    wanted = ("child_id", "cycle", "school_urn", "measure", "deadline", days_column, "closed")
    child, cycle, urn, measure, deadline, days, closed = (at[c] for c in wanted)
    items: list[Item] = []
    for row in found:
        step = STEPS.get(row[measure], Step(row[measure], "", ""))
        school = row[urn] or ""
        items.append(
            Item(
                row[child],
                row[cycle],
                school,
                names.get(school, ""),
                row[measure],
                step.title,
                row[deadline],
                row[days],
                step.next_action,
                step.owner,
                bool(row[closed]),
            )
        )
    return items


def _common(row: dict[str, Any], names: dict[str, str]) -> tuple[Step, dict[str, Any]]:
    """The step of a compliance row, and what every listed item says of it."""
    step = STEPS.get(row["measure"], Step(row["measure"], "", ""))
    urn = row["school_urn"] or ""
    return step, {
        "child_id": row["child_id"],
        "cycle": row["cycle"],
        "school_urn": urn,
        "school_name": names.get(urn, ""),
        "measure": row["measure"],
        "step": step.title,
        "deadline": row["deadline"],
        "owner": step.owner,
    }


def overdue_items(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    names: dict[str, str],
    school_urn: str | None = None,
) -> list[Item]:
    return _items(con, "overdue_items", names, "days_late", as_of=as_of, school_urn=school_urn)


def due_soon_items(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    until: date,
    names: dict[str, str],
    school_urn: str | None = None,
) -> list[Item]:
    return _items(
        con, "due_soon_items", names, "days_left", as_of=as_of, until=until, school_urn=school_urn
    )


@dataclass(frozen=True)
class MissedItem:
    child_id: str
    cycle: int
    school_urn: str
    school_name: str
    measure: str
    step: str
    deadline: date | None
    done_on: date | None
    meeting_on: date | None
    days_late: int | None  # None: never done, or a step judged without a deadline
    what_happened: str
    owner: str


# Steps judged on an event without a deadline (RULES.md section 3): what a `missed` means.
_JUDGED: dict[str, str] = {
    "ehcp_copy_with_invitation": "The invitation did not include a copy of the plan",
    "invitees_complete": "Not everyone who must be invited was invited",
    "essential_participation": "The parent/carer or the child did not take part in the meeting",
    "topics_covered": "The meeting did not cover every required topic",
}
# Missed when not done by the time the meeting was held (RULES.md section 3, status step 3).
_BEFORE_MEETING = frozenset(
    {
        "invitations_4_weeks",
        "invitations_2_weeks",
        "reports_2_weeks",
        "views_2_weeks",
        "papers_circulated_2_weeks",
        *_JUDGED,
    }
)


def what_happened(row: dict[str, object]) -> str:
    measure, done, late = str(row["measure"]), row["done_on"], row["days_late"]
    if done is not None and late is not None:
        return f"Done {days_words(int(late))} late"  # type: ignore[call-overload]
    if done is not None and measure in _JUDGED:
        return _JUDGED[measure]
    if measure in _BEFORE_MEETING and row["meeting_on"] is not None:
        return "Not done before the review meeting was held"
    return "Not done before the plan ceased"


def days_words(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


def missed_items(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    names: dict[str, str],
    school_urn: str | None = None,
) -> list[MissedItem]:
    """The month's missed rows (the `missed` counts of its headline figures), one per row."""
    items: list[MissedItem] = []
    for row in records(con, "missed_items", start=start, end=end, school_urn=school_urn):
        _, common = _common(row, names)
        items.append(
            MissedItem(
                **common,
                done_on=row["done_on"],
                meeting_on=row["meeting_on"],
                days_late=row["days_late"],
                what_happened=what_happened(row),
            )
        )
    return items
