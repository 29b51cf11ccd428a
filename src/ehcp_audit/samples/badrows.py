"""Typical bad rows, salted between the good ones, each rejected by the importer.

A bad row is always an extra row, never an altered good one, and it never
creates anything a good row depends on: the importer rejects it, so the rest of
the file imports exactly as it would without it. Each kind below names the
rule of RULES.md "Rejected rows" it breaks.

Bad rows come from their own random stream, so a file salted with `--bad-rows`
holds, in the same order, exactly the rows of the unsalted file plus the bad ones.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ehcp_audit.domain.vocabulary import COLUMNS
from ehcp_audit.samples.dates import iso, to_date, uk
from ehcp_audit.samples.model import ChildHistory
from ehcp_audit.samples.schools import School

RowCells = dict[str, str]


@dataclass(frozen=True, slots=True)
class BadRow:
    row: int  # 1-based data row number in the CSV (the header is row 0)
    child_id: str
    kind: str
    column: str


@dataclass(frozen=True, slots=True)
class _Child:
    history: ChildHistory
    first: int  # first day a good action could be dated: the day after the plan
    last: int  # last day: the end date, or the day before the plan ceased
    first_meeting: int | None
    pairs: frozenset[tuple[str, int]]


class Salter:
    """Makes bad rows for one run; `rows_after` says how many follow each good row."""

    def __init__(
        self, seed: int, fraction: float, schools: tuple[School, ...], end: int, next_child: int
    ) -> None:
        if not 0.0 <= fraction < 1.0:
            raise ValueError("bad-rows must be a fraction from 0 up to (not including) 1")
        self.rng = random.Random(f"{seed}:bad-rows")
        self.fraction = fraction
        self.schools = schools
        self.end = end
        self.next_child = next_child
        self.seen: set[tuple[str, ...]] = set()
        self._kinds: dict[str, Callable[[_Child], tuple[RowCells, str] | None]] = {
            "bad_date": self._bad_date,
            "future_date": self._future_date,
            "unknown_action": self._unknown_action,
            "unknown_role": self._unknown_role,
            "unknown_topic": self._unknown_topic,
            "unknown_decision": self._unknown_decision,
            "blank_required": self._blank_required,
            "no_plan": self._no_plan,
            "dob_after_plan": self._dob_after_plan,
            "no_meeting": self._no_meeting,
            "before_plan": self._before_plan,
            "after_cease": self._after_cease,
            "second_plan": self._second_plan,
            "void_no_match": self._void_no_match,
            "void_of_void": self._void_of_void,
        }

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def rows_after(self) -> int:
        """Geometric count, so bad rows are `fraction` of all data rows on average."""
        count = 0
        while self.rng.random() < self.fraction:
            count += 1
        return count

    def make(self, history: ChildHistory) -> tuple[list[str], str, str, str]:
        """One new bad row for (or beside) this child: values, child_id, kind, column."""
        child = _describe(history, self.end)
        names = list(self._kinds)
        while True:
            kind = self.rng.choice(names)
            made = self._kinds[kind](child)
            if made is None:
                continue
            row, column = made
            row.setdefault("recorded_by", history.caseworker)
            row.setdefault("recorded_at", self._recorded_at(child))
            values = [row.get(c, "") for c in COLUMNS]
            key = tuple(values)
            if key in self.seen:
                continue
            self.seen.add(key)
            return values, row["child_id"], kind, column

    # -- helpers -------------------------------------------------------------

    def _day(self, child: _Child) -> int:
        return self.rng.randint(child.first, max(child.first, child.last))

    def _recorded_at(self, child: _Child) -> str:
        minute = self.rng.randint(480, 1079)
        return f"{iso(self._day(child))}T{minute // 60:02d}:{minute % 60:02d}:00"

    def _fresh_id(self) -> str:
        self.next_child += 1
        return f"LA-{self.next_child:06d}"

    def _views(self, child: _Child, on: str) -> RowCells:
        return {
            "child_id": child.history.child_id,
            "action": "views_received",
            "occurred_on": on,
            "role": "parent_carer",
        }

    # -- one function per kind: (row, column blamed) or None if it does not fit

    def _bad_date(self, child: _Child) -> tuple[RowCells, str] | None:
        year = to_date(self._day(child)).year
        text = self.rng.choice(
            (
                *(f"31/02/{year}", f"30/02/{year}", f"{year}-04-31", f"31/06/{year}"),
                *(f"{year}-13-05", f"05/13/{year}", "next week", "TBC"),
            )
        )
        return self._views(child, text), "occurred_on"

    def _future_date(self, child: _Child) -> tuple[RowCells, str] | None:
        d = to_date(self._day(child))
        # A slipped key: 2026 typed as 2126, after any plausible day of import.
        text = f"{d.year + 100:04d}-{d.month:02d}-{min(d.day, 28):02d}"
        return self._views(child, text), "occurred_on"

    def _unknown_action(self, child: _Child) -> tuple[RowCells, str] | None:
        action = self.rng.choice(
            ("annual_review", "review_meeting", "plan_finalised", "transport_arranged", "note")
        )
        row = self._views(child, iso(self._day(child)))
        row.update(action=action, role="")
        return row, "action"

    def _unknown_role(self, child: _Child) -> tuple[RowCells, str] | None:
        row = self._views(child, iso(self._day(child)))
        row["action"] = self.rng.choice(("advice_requested", "report_received"))
        row["role"] = self.rng.choice(
            ("paediatrician", "speech_therapist", "class_teacher", "key_worker")
        )
        return row, "role"

    def _unknown_topic(self, child: _Child) -> tuple[RowCells, str] | None:
        row = self._views(child, iso(self._day(child)))
        bad = self.rng.choice(("transport", "attendance", "behaviour", "medication"))
        row.update(
            action="meeting_held",
            role="",
            attendees="parent_carer;senco",
            topics=f"concerns;{bad};next_steps",
            review_type="interim",
        )
        return row, "topics"

    def _unknown_decision(self, child: _Child) -> tuple[RowCells, str] | None:
        if child.first_meeting is None or child.first_meeting > child.last:
            return None
        day = self.rng.randint(child.first_meeting, child.last)
        row = self._views(child, iso(day))
        decision = self.rng.choice(("refuse", "continue", "defer"))
        row.update(action="decision_issued", role="", decision=decision)
        return row, "decision"

    def _blank_required(self, child: _Child) -> tuple[RowCells, str] | None:
        day = iso(self._day(child))
        row = self._views(child, day)
        column = self.rng.choice(("occurred_on", "role", "meeting_on", "ehcp_copy_included"))
        if column == "occurred_on":
            row["occurred_on"] = ""
        elif column == "role":
            row["action"] = self.rng.choice(("views_received", "report_received"))
            row["role"] = ""
        elif column == "meeting_on":
            row.update(action="review_scheduled", role="", meeting_on="")
        else:
            row.update(action="invitations_sent", role="", invitees="parent_carer;child;senco")
        return row, column

    def _no_plan(self, child: _Child) -> tuple[RowCells, str] | None:
        row = self._views(child, iso(self._day(child)))
        row["child_id"] = self._fresh_id()
        return row, "child_id"

    def _dob_after_plan(self, child: _Child) -> tuple[RowCells, str] | None:
        day = self._day(child)
        if day >= self.end:
            return None
        school = self.rng.choice(self.schools)
        row = {
            "child_id": self._fresh_id(),
            "action": "plan_issued",
            "occurred_on": iso(day),
            "date_of_birth": iso(self.rng.randint(day + 1, self.end)),
            "school_urn": school.urn_text,
            "school_name": school.name,
        }
        return row, "date_of_birth"

    def _no_meeting(self, child: _Child) -> tuple[RowCells, str] | None:
        last = child.last
        if child.first_meeting is not None:
            last = min(last, child.first_meeting - 1)
        if last < child.first:
            return None
        row = self._views(child, iso(self.rng.randint(child.first, last)))
        row["role"] = ""
        row["action"] = self.rng.choice(
            ("paperwork_submitted", "amendments_proposed", "final_plan_issued", "decision_issued")
        )
        if row["action"] == "decision_issued":
            row["decision"] = "maintain"
        return row, "occurred_on"

    def _before_plan(self, child: _Child) -> tuple[RowCells, str] | None:
        history = child.history
        if history.plan_on - history.date_of_birth < 3:
            return None
        day = self.rng.randint(history.date_of_birth + 1, history.plan_on - 1)
        return self._views(child, uk(day) if self.rng.random() < 0.3 else iso(day)), "occurred_on"

    def _after_cease(self, child: _Child) -> tuple[RowCells, str] | None:
        ceased = child.history.ceased_on
        if ceased is None or ceased >= self.end:
            return None
        return self._views(child, iso(self.rng.randint(ceased + 1, self.end))), "occurred_on"

    def _second_plan(self, child: _Child) -> tuple[RowCells, str] | None:
        school = self.rng.choice(self.schools)
        row = self._views(child, iso(self._day(child)))
        row.update(
            action="plan_issued",
            role="",
            date_of_birth=iso(child.history.date_of_birth),
            school_urn=school.urn_text,
            school_name=school.name,
        )
        return row, "action"

    def _void_no_match(self, child: _Child) -> tuple[RowCells, str] | None:
        action = self.rng.choice(("invitations_sent", "meeting_held", "report_received"))
        day = self._day(child)
        if (action, day) in child.pairs:
            return None
        row = self._views(child, iso(self.rng.randint(day, max(day, child.last))))
        row.update(
            action="void",
            role="",
            void_action=action,
            void_occurred_on=iso(day),
            reason="entered in error",
        )
        return row, "void_occurred_on"

    def _void_of_void(self, child: _Child) -> tuple[RowCells, str] | None:
        day = self._day(child)
        row = self._views(child, iso(self.rng.randint(day, max(day, child.last))))
        row.update(
            action="void",
            role="",
            void_action="void",
            void_occurred_on=iso(day),
            reason="entered in error",
        )
        return row, "void_action"


def _describe(history: ChildHistory, end: int) -> _Child:
    last = end if history.ceased_on is None else min(end, history.ceased_on - 1)
    return _Child(
        history=history,
        first=history.plan_on + 1,
        last=max(history.plan_on + 1, last),
        first_meeting=history.first_meeting(),
        pairs=frozenset((e.action, e.on) for e in history.entries),
    )
