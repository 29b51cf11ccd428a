"""The summary that opens each case of the inspection pack: reviews in the period, the on-time
record, and each missed or overdue step with how late it was, why, and who owed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ehcp_audit.reports.figures import Counts
from ehcp_audit.reports.steps import STEPS, Step
from ehcp_audit.reports.worklist import days_words, what_happened

_COUNTED = {
    "met": "met",
    "missed": "missed",
    "overdue": "overdue",
    "pending": "pending",
    "n/a": "na",
}


@dataclass(frozen=True)
class LateStep:
    cycle: int
    measure: str
    step: str
    status: str  # missed or overdue
    deadline: date | None
    done_on: date | None
    days_late: int | None  # None: never done (missed), or judged without a deadline
    why: str
    owner: str


@dataclass(frozen=True)
class CaseSummary:
    reviews: Counts  # review_on_time rows in the period: a review due in it, by status
    record: Counts  # every step in the period
    late: tuple[LateStep, ...]  # missed and overdue steps in the period, by deadline

    @property
    def reviews_due(self) -> int:
        return self.reviews.total - self.reviews.na


def period_date(row: dict[str, Any]) -> date | None:
    """RULES.md "Headline rates": the deadline, else the done date, else the meeting date."""
    day: date | None = row["deadline"] or row["done_on"] or row["meeting_on"]
    return day


def _count(rows: list[dict[str, Any]]) -> Counts:
    tally = dict.fromkeys(_COUNTED.values(), 0)
    for row in rows:
        tally[_COUNTED[row["status"]]] += 1
    return Counts(**tally)


def _late_step(row: dict[str, Any], as_of: date) -> LateStep:
    step = STEPS.get(row["measure"], Step(row["measure"], "", ""))
    deadline, done = row["deadline"], row["done_on"]
    if row["status"] == "overdue":
        overdue = (as_of - deadline).days
        days: int | None = overdue
        why = f"Not done: {days_words(overdue)} past the deadline"
    else:
        days = (done - deadline).days if done is not None and deadline is not None else None
        why = what_happened({**row, "days_late": days})
    return LateStep(
        row["cycle"],
        row["measure"],
        step.title,
        row["status"],
        deadline,
        done,
        days,
        why,
        step.owner,
    )


def case_summary(rows: list[dict[str, Any]], start: date, end: date, as_of: date) -> CaseSummary:
    """`rows`: the child's compliance rows (child_compliance.sql), as of `as_of`."""
    in_period = [r for r in rows if (day := period_date(r)) is not None and start <= day <= end]
    late = [r for r in in_period if r["status"] in ("missed", "overdue")]
    late.sort(key=lambda r: (period_date(r), r["cycle"], r["measure"]))
    return CaseSummary(
        reviews=_count([r for r in in_period if r["measure"] == "review_on_time"]),
        record=_count(in_period),
        late=tuple(_late_step(r, as_of) for r in late),
    )
