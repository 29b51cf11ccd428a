"""Each tracker row -> the action-log rows it implies (RULES.md section 1), one per step.

A step's action-log row is parsed by the action-log importer's own row parser, so a tracker
row is held to exactly the same checks; a failure names the tracker cell it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.vocabulary import NOT_RECORDED
from ehcp_audit.ingest.row_parser import CHILD_ID, RowError, parse_row
from ehcp_audit.ingest.tracker.cells import (
    Cell,
    UnsavedFormula,
    cell_text,
    column_letter,
    read_date,
)
from ehcp_audit.ingest.tracker.headers import Header
from ehcp_audit.ingest.tracker.mapping import DATE_FIELDS, TrackerMapping

PRE_STEPS = ("invitations_sent", "papers_circulated")
POST_STEPS = ("paperwork_submitted", "decision_issued", "amendments_proposed", "final_plan_issued")
CEASED_REASON = "not recorded in the tracker"
LIST_SPLIT = re.compile(r"[;,/\n]+")
# The tracker field whose date each action takes.
DATE_OF = {
    "plan_issued": "plan_issued",
    "placement_changed": "placement_from",
    "review_scheduled": "meeting_booked",
    "meeting_held": "meeting_held",
    "plan_ceased": "plan_ceased",
    **{step: step for step in (*PRE_STEPS, *POST_STEPS)},
}
# Action-log column -> the tracker field it is read from (for pointing at the cell).
SOURCE_FIELD = {
    "child_id": "child_id",
    "date_of_birth": "date_of_birth",
    "school_urn": "school_urn",
    "school_name": "school_name",
    "meeting_on": "meeting_booked",
    "ehcp_copy_included": "ehcp_copy_included",
    "invitees": "invitees",
    "attendees": "attendees",
    "topics": "topics",
    "decision": "decision",
    "reason": "ceased_reason",
    "recorded_by": "recorded_by",
}


@dataclass(slots=True)
class TrackerRow:
    """One data row of the tracker, its mapped cells read."""

    number: int
    values: list[object]
    header: Header
    texts: dict[str, str]  # mapped fields with a non-blank cell -> the cell's text
    dates: dict[str, date] = field(default_factory=dict)
    # field -> why its cell cannot be read (not a date, a formula with no saved value)
    bad_cells: dict[str, str] = field(default_factory=dict)

    @property
    def child_id(self) -> str:
        return self.texts.get("child_id", "")

    def text(self, key: str) -> str:
        return self.texts.get(key, "")

    def cell(self, key: str) -> Cell:
        """The address of a mapped field's cell, for messages (built only when needed)."""
        index = self.header.columns[key]
        return Cell(
            f"{column_letter(index)}{self.number}", self.header.names[index], self.text(key)
        )


@dataclass(slots=True)
class Fact:
    """One action-log row implied by a tracker row."""

    row: TrackerRow
    values: dict[str, str]  # the action-log row (column -> text)
    sources: dict[str, str]  # action-log column -> the tracker field it came from
    compared: tuple[str, ...] = ()  # detail columns the tracker carries (compared on re-import)
    entry: Entry | None = None
    problem: str = ""
    problem_cell: Cell | None = None

    @property
    def action(self) -> str:
        return self.values["action"]

    @property
    def row_number(self) -> int:
        return self.row.number

    def cell_for(self, column: str) -> Cell | None:
        key = self.sources.get(column) or self.sources.get("occurred_on")
        return self.row.cell(key) if key else None

    def reject(self, column: str, message: str) -> None:
        self.problem_cell = self.cell_for(column)
        self.problem = message

    def parse(self, today: date) -> bool:
        """Normalise the row as the action-log importer does; False (and the problem set,
        naming the cell) when the importer would reject it on its own."""
        try:
            self.entry = parse_row(self.values, today)
        except RowError as exc:
            self.reject(exc.column, exc.message)
            return False
        return True


@dataclass(slots=True)
class RowFacts:
    """What one tracker row says, step by step (None where the row says nothing)."""

    row: TrackerRow
    plan: Fact | None = None
    placement: Fact | None = None
    booking: Fact | None = None
    meeting: Fact | None = None
    previous: Fact | None = None  # the previous annual review's meeting
    steps: list[Fact] = field(default_factory=list)  # pre-meeting, then post-meeting
    ceased: Fact | None = None
    rejected: list[Fact] = field(default_factory=list)  # cannot be recorded as they stand


def read_row(
    number: int, values: list[object], header: Header, mapping: TrackerMapping, today: date
) -> TrackerRow | None:
    """The row's mapped cells, or None for a row with nothing in any mapped column."""
    texts: dict[str, str] = {}
    width = len(values)
    for key, index in header.columns.items():
        value = values[index] if index < width else None
        if value is None:
            continue
        text = cell_text(value)
        if text and not mapping.is_blank(text):
            texts[key] = text
    if not texts:
        return None
    row = TrackerRow(number, values, header, texts)
    for key in texts:
        if isinstance(values[header.columns[key]], UnsavedFormula):
            row.bad_cells[key] = UnsavedFormula.PROBLEM
    for key in DATE_FIELDS.intersection(texts).difference(row.bad_cells):
        try:
            row.dates[key] = read_date(values[header.columns[key]], mapping.day_first, today)
        except ValueError as exc:
            row.bad_cells[key] = str(exc)
    return row


def row_facts(row: TrackerRow, mapping: TrackerMapping, today: date) -> RowFacts:
    facts = RowFacts(row)
    builder = _Builder(row, mapping, today)
    if "child_id" in row.bad_cells or not CHILD_ID.fullmatch(row.child_id):
        # One rejection for the row, not one per step: nothing can be recorded without the id.
        first = builder.fact("plan_issued", today, {})
        first.sources["child_id"] = "child_id"
        first.problem = row.bad_cells.get("child_id") or (
            "child id is blank"
            if not row.child_id
            else f"child id {row.child_id!r} must be 1-32 characters of A-Z a-z 0-9 - _ /"
        )
        first.problem_cell = row.cell("child_id")
        facts.rejected.append(first)
        return facts
    facts.plan = builder.plan()
    facts.placement = builder.placement()
    facts.booking = builder.booking()
    facts.meeting = builder.step("meeting_held")
    facts.previous = builder.previous()
    facts.steps = [f for f in map(builder.step, (*PRE_STEPS, *POST_STEPS)) if f is not None]
    facts.ceased = builder.step("plan_ceased")
    _sort_out(facts)
    return facts


def _sort_out(facts: RowFacts) -> None:
    """Move facts that cannot be recorded as they stand out of the steps. (The school is
    checked only if it is a move: changes.py parses it then.)"""
    for name in ("plan", "placement", "booking", "meeting", "previous", "ceased"):
        fact = getattr(facts, name)
        if fact is None or (not fact.problem and (fact.entry is not None or name == "placement")):
            continue
        setattr(facts, name, None)
        _reject(facts, fact)
    kept = []
    for fact in facts.steps:
        if fact.problem or fact.entry is None:
            _reject(facts, fact)
        else:
            kept.append(fact)
    facts.steps = kept


def _reject(facts: RowFacts, fact: Fact) -> None:
    """File a rejection, once per bad cell (a URN or caseworker cell that cannot be read
    fails every step that carries it)."""
    if fact.problem_cell is None or all(
        (r.problem_cell, r.problem) != (fact.problem_cell, fact.problem) for r in facts.rejected
    ):
        facts.rejected.append(fact)


class _Builder:
    def __init__(self, row: TrackerRow, mapping: TrackerMapping, today: date) -> None:
        self.row = row
        self.mapping = mapping
        self.today = today

    def fact(self, action: str, day: date | str, extra: dict[str, str]) -> Fact:
        row = self.row
        values = {
            "child_id": row.child_id,
            "action": action,
            "occurred_on": day.isoformat() if isinstance(day, date) else day,
        }
        for column, value in extra.items():
            if value:
                values[column] = value
        if "recorded_by" in row.texts:
            values["recorded_by"] = row.texts["recorded_by"]
        sources = {c: SOURCE_FIELD[c] for c in values if SOURCE_FIELD.get(c) in row.texts}
        date_field = DATE_OF.get(action)
        if date_field in row.texts:
            sources["occurred_on"] = date_field
        return Fact(row, values, sources)

    def checked(self, fact: Fact, date_fields: tuple[str, ...]) -> Fact:
        """Parse the fact as the action-log importer would; a date cell that is not a date,
        or any cell of the fact that cannot be read, fails."""
        for key in dict.fromkeys((*date_fields, *fact.sources.values())):
            if key in self.row.bad_cells:
                fact.problem_cell = self.row.cell(key)
                fact.problem = self.row.bad_cells[key]
                return fact
        fact.parse(self.today)
        return fact

    def day(self, key: str) -> date | str | None:
        """The date of a step: a date, the bad cell's text, or None for a blank cell."""
        if key in self.row.dates:
            return self.row.dates[key]
        if key in self.row.bad_cells:
            return self.row.text(key)
        return None

    def plan(self) -> Fact | None:
        day = self.day("plan_issued")
        if day is None:
            return None
        dob = self.row.dates.get("date_of_birth")
        extra = {
            "date_of_birth": dob.isoformat() if dob else self.row.text("date_of_birth"),
            "school_urn": self.row.text("school_urn"),
            "school_name": self.row.text("school_name"),
        }
        fact = self.fact("plan_issued", day, extra)
        fact.compared = ("date_of_birth",)
        return self.checked(fact, ("plan_issued", "date_of_birth"))

    def placement(self) -> Fact | None:
        """The current school, dated from `placement_from` (or else the day of import);
        changes.py decides whether it is a move."""
        urn = self.row.text("school_urn")
        if not urn:
            return None
        start = self.row.dates.get("placement_from")
        plan_on = self.row.dates.get("plan_issued")
        dated = start is not None and (plan_on is None or start > plan_on)
        day = start if dated and start is not None else self.today
        extra = {"school_urn": urn, "school_name": self.row.text("school_name")}
        fact = self.fact("placement_changed", day, extra)
        if not dated:
            fact.sources["occurred_on"] = "school_urn"
        fact.compared = ("school_urn",)
        for key in ("placement_from", *fact.sources.values()):
            if key in self.row.bad_cells:
                fact.problem_cell = self.row.cell(key)
                fact.problem = self.row.bad_cells[key]
                break
        return fact

    def booking(self) -> Fact | None:
        booked = self.day("meeting_booked")
        if booked is None:
            return None
        fact = self.fact("review_scheduled", self._booked_on(), {"meeting_on": str(booked)})
        if isinstance(booked, date):
            fact.values["meeting_on"] = booked.isoformat()
        fact.sources["occurred_on"] = (
            "booked_on" if "booked_on" in self.row.texts else ("meeting_booked")
        )
        fact.compared = ("meeting_on",)
        return self.checked(fact, ("meeting_booked", "booked_on"))

    def _booked_on(self) -> date:
        """When the booking was made: its own column, else the earliest the row shows it
        known (its invitations, papers or meeting, the booked day) but not after today, nor
        after the plan ceased (a review still showing as booked for a ceased plan was booked
        while the plan was open; the meeting itself never happened)."""
        if "booked_on" in self.row.dates:
            return self.row.dates["booked_on"]
        keys = (
            "invitations_sent",
            "papers_circulated",
            "meeting_held",
            "meeting_booked",
            "plan_ceased",
        )
        return min([self.today, *(self.row.dates[k] for k in keys if k in self.row.dates)])

    def previous(self) -> Fact | None:
        """The previous annual review's meeting ("Last AR date"): a meeting of the earlier
        cycle, with no attendees or topics (the tracker has them for one meeting at most)."""
        day = self.day("last_meeting_held")
        if day is None:
            return None
        extra = {"attendees": NOT_RECORDED, "topics": NOT_RECORDED}
        fact = self.fact("meeting_held", day, extra)
        fact.sources["occurred_on"] = "last_meeting_held"
        return self.checked(fact, ("last_meeting_held",))

    def step(self, action: str) -> Fact | None:
        day = self.day(action)
        if day is None:
            return None
        extra, compared = self._details(action)
        fact = self.fact(action, day, extra)
        fact.compared = compared
        return self.checked(fact, (action,))

    def _details(self, action: str) -> tuple[dict[str, str], tuple[str, ...]]:
        if action == "invitations_sent":
            copy = self.row.text("ehcp_copy_included")
            extra = {
                "ehcp_copy_included": self.mapping.value("ehcp_copy_included", copy)
                if copy
                else NOT_RECORDED,
                "invitees": self._codes("invitees"),
            }
            return extra, tuple(
                k for k in ("ehcp_copy_included", "invitees") if self.mapping.maps(k)
            )
        if action == "meeting_held":
            extra = {
                "attendees": self._codes("attendees") or NOT_RECORDED,
                "topics": self._codes("topics") or NOT_RECORDED,
            }
            return extra, tuple(k for k in ("attendees", "topics") if self.mapping.maps(k))
        if action == "decision_issued":
            return {"decision": self.mapping.value("decision", self.row.text("decision"))}, (
                "decision",
            )
        if action == "plan_ceased":
            reason = self.row.text("ceased_reason")
            text = self.mapping.value("ceased_reason", reason) if reason else CEASED_REASON
            return {"reason": text}, ("reason",) if self.mapping.maps("ceased_reason") else ()
        return {}, ()

    def _codes(self, key: str) -> str:
        text = self.row.text(key)
        if not text:
            return ""
        items = [i.strip() for i in LIST_SPLIT.split(text) if i.strip()]
        return ";".join(self.mapping.value(key, item) for item in items)
