"""What needs doing now: the steps of each child's current review, split by who owes them, and
the steps of reviews the child has moved past, counted as closed without the step.

A child's current review is its open cycle (no annual meeting held yet) together with its latest
held cycle, whose post-meeting steps (paperwork, decision, amendments, final plan) are still owed.
An earlier cycle is closed: a later annual meeting has been held (overdue_items.sql).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ehcp_audit.reports.steps import LOCAL_AUTHORITY, SETTING, STEPS
from ehcp_audit.reports.worklist import Item

# The monthly report lists at most this many items of each work list; the file has them all.
LIST_LIMIT = 50
# The closed summary names at most this many settings; the file counts every one.
CLOSED_SCHOOLS_SHOWN = 20


@dataclass(frozen=True)
class OwedBy:
    owner: str
    shown: tuple[Item, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


@dataclass(frozen=True)
class WorkList:
    """One work list (overdue, or due soon) of current items, most urgent first."""

    setting: OwedBy
    local_authority: OwedBy

    @property
    def total(self) -> int:
        return self.setting.total + self.local_authority.total

    @property
    def more(self) -> int:
        return self.setting.more + self.local_authority.more


def current_items(items: Sequence[Item]) -> list[Item]:
    return [i for i in items if not i.closed]


def work_list(items: Sequence[Item], limit: int | None = None) -> WorkList:
    """The current items split by owner; with a limit, only the `limit` most urgent are shown
    (the items come most urgent first)."""
    current = current_items(items)
    shown = current if limit is None else current[:limit]

    def owed(owner: str) -> OwedBy:
        return OwedBy(
            owner,
            tuple(i for i in shown if i.owner == owner),
            sum(1 for i in current if i.owner == owner),
        )

    return WorkList(owed(SETTING), owed(LOCAL_AUTHORITY))


@dataclass(frozen=True)
class ClosedByMeasure:
    measure: str
    step: str
    owner: str
    count: int


@dataclass(frozen=True)
class ClosedBySchool:
    urn: str
    name: str
    count: int


@dataclass(frozen=True)
class ClosedSummary:
    total: int
    by_measure: tuple[ClosedByMeasure, ...]
    by_school: tuple[ClosedBySchool, ...]  # the settings with most, at most CLOSED_SCHOOLS_SHOWN
    schools: int  # every setting with a closed step

    @property
    def more_schools(self) -> int:
        return self.schools - len(self.by_school)


def closed_summary(overdue: Sequence[Item]) -> ClosedSummary:
    closed = [i for i in overdue if i.closed]
    measures = Counter((i.measure, i.step, i.owner) for i in closed)
    schools = Counter((i.school_urn, i.school_name) for i in closed)
    order = {m: n for n, m in enumerate(STEPS)}
    ranked_measures = sorted(measures.items(), key=lambda m: (-m[1], order.get(m[0][0], 99)))
    by_measure = tuple(ClosedByMeasure(*key, n) for key, n in ranked_measures)
    ranked = sorted(schools.items(), key=lambda s: (-s[1], s[0][0] == "", s[0][0]))
    by_school = tuple(ClosedBySchool(u, name, n) for (u, name), n in ranked)
    return ClosedSummary(len(closed), by_measure, by_school[:CLOSED_SCHOOLS_SHOWN], len(by_school))
