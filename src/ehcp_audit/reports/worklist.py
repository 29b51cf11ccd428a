"""Overdue steps and steps due soon, with the action owed and who owes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ehcp_audit.analytics.queries import records
from ehcp_audit.reports.steps import STEPS, Step


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


def _items(
    con: duckdb.DuckDBPyConnection,
    query: str,
    names: dict[str, str],
    days_column: str,
    **params: object,
) -> list[Item]:
    items: list[Item] = []
    for row in records(con, query, **params):
        step = STEPS.get(row["measure"], Step(row["measure"], "", ""))
        urn = row["school_urn"] or ""
        items.append(
            Item(
                child_id=row["child_id"],
                cycle=row["cycle"],
                school_urn=urn,
                school_name=names.get(urn, ""),
                measure=row["measure"],
                step=step.title,
                deadline=row["deadline"],
                days=row[days_column],
                next_action=step.next_action,
                owner=step.owner,
            )
        )
    return items


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
