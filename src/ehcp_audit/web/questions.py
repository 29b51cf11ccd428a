"""What each page asks the view, in SQL on the `compliance` rows as of today (live_view), filtered
and paged there: nothing re-judges the authority or loads it into pandas."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ehcp_audit.reports.benchmarks import Benchmark, national_benchmarks
from ehcp_audit.reports.figures import Counts, by_measure
from ehcp_audit.reports.headline import comparison
from ehcp_audit.reports.rate_format import change_text
from ehcp_audit.reports.steps import LOCAL_AUTHORITY, SETTING, STEPS, Step
from ehcp_audit.view.periods import Month
from ehcp_audit.web.filters import OPEN, PAGE_SIZE, Filters, Paging
from ehcp_audit.web.live_view import Reading
from ehcp_audit.web.sql_files import web_sql

DUE_SOON_DAYS = 28
BUSIEST_SHOWN = 5


@dataclass(frozen=True)
class WorkRow:
    child_id: str
    cycle: int
    school_urn: str
    school_name: str
    measure: str
    step: Step
    deadline: date | None
    done_on: date | None
    status: str
    closed: bool


@dataclass(frozen=True)
class WorkPage:
    rows: tuple[WorkRow, ...]
    paging: Paging


def work_page(reading: Reading, filters: Filters, child_id: str | None = None) -> WorkPage:
    source = "web_open_items" if set(filters.statuses) <= set(OPEN) else "web_all_items"
    found = reading.records(
        "work_items",
        sql=web_sql("work_items").format(items=source),
        school_urn=filters.school or None,
        child_id=child_id,
        measures=filters.measures,
        statuses=filters.statuses,
        until=filters.until,
        limit=PAGE_SIZE,
        offset=filters.offset,
    )
    names = school_names(reading)
    rows = tuple(_work_row(r, names) for r in found)
    total = int(found[0]["total"]) if found else 0
    return WorkPage(rows, Paging(filters.page, total))


def _work_row(r: dict[str, Any], names: dict[str, str]) -> WorkRow:
    urn = r["school_urn"] or ""
    return WorkRow(
        child_id=r["child_id"],
        cycle=int(r["cycle"]),
        school_urn=urn,
        school_name=names.get(urn, ""),
        measure=r["measure"],
        step=STEPS.get(r["measure"], Step(r["measure"], "", "")),
        deadline=r["deadline"],
        done_on=r["done_on"],
        status=r["status"],
        closed=bool(r["closed"]),
    )


def school_names(reading: Reading) -> dict[str, str]:
    rows = reading.con.execute("SELECT urn, name FROM web_names").fetchall()
    return {str(urn): str(name) for urn, name in rows}


def placed_at(reading: Reading, child_id: str) -> str | None:
    row = reading.con.execute(
        "SELECT school_urn FROM web_placements WHERE child_id = ?", [child_id]
    ).fetchone()
    return str(row[0]) if row and row[0] else None


def known_setting(reading: Reading, urn: str) -> bool:
    """A setting named in a placement, or where a child is placed today."""
    found = reading.con.execute(
        "SELECT 1 FROM web_names WHERE urn = $urn "
        "UNION ALL SELECT 1 FROM web_placements WHERE school_urn = $urn LIMIT 1",
        {"urn": urn},
    )
    return found.fetchone() is not None


def known_child(reading: Reading, child_id: str) -> bool:
    found = reading.con.execute("SELECT 1 FROM plans WHERE child_id = ? LIMIT 1", [child_id])
    return found.fetchone() is not None


@dataclass(frozen=True)
class SchoolLine:
    urn: str
    name: str
    children: int
    overdue: int


def schools_page(
    reading: Reading, text: str, page: int, only: str | None
) -> tuple[tuple[SchoolLine, ...], Paging]:
    found = reading.records(
        "schools",
        text=text.strip().lower(),
        school_urn=only,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    lines = tuple(
        SchoolLine(r["school_urn"], r["name"] or "", int(r["children"]), int(r["overdue"]))
        for r in found
    )
    return lines, Paging(page, int(found[0]["total"]) if found else 0)


@dataclass(frozen=True)
class Figure:
    measure: str
    step: Step
    now: Counts
    before: Counts
    change: str
    benchmark: Benchmark | None


@dataclass(frozen=True)
class OwnerLine:
    owner: str
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Dashboard:
    month: Month
    previous_label: str
    figures: tuple[Figure, ...]
    owners: tuple[OwnerLine, ...]
    due_until: date
    busiest: tuple[SchoolLine, ...]  # the settings with most overdue steps


def dashboard(reading: Reading) -> Dashboard:
    month = Month.of(reading.today)
    now = by_measure(reading.con, month.start, month.end, None)
    # Last month from the same rows as of today, as the monthly report counts its comparisons.
    label, before = comparison(reading.con, month.shift(-1))
    benchmarks = national_benchmarks()
    figures = tuple(
        Figure(m, STEPS[m], now[m], before[m], change_text(now[m], before[m]), benchmarks.get(m))
        for m in now
        if m in STEPS
    )
    until = reading.today + timedelta(days=DUE_SOON_DAYS)
    counts = reading.records("owner_counts", today=reading.today, until=until)
    owners = tuple(
        OwnerLine(
            owner,
            sum(int(r["overdue"]) for r in counts if STEPS[r["measure"]].owner == owner),
            sum(int(r["due_soon"]) for r in counts if STEPS[r["measure"]].owner == owner),
        )
        for owner in (SETTING, LOCAL_AUTHORITY)
    )
    busiest = schools_page(reading, "", 1, None)[0][:BUSIEST_SHOWN]
    return Dashboard(month, label, figures, owners, until, busiest)


def child_entries(reading: Reading, child_id: str) -> list[dict[str, Any]]:
    rows = reading.records("child_entries", child_id=child_id)
    for row in rows:
        row["fields"] = json.loads(row["details"])
    return rows
