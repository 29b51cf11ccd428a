"""The review-tracker view of a generated authority: what a spreadsheet kept alongside the
action log would show on a given day (docs/tracker.md).

One row per child: the plan, the current school, and the latest review cycle that has
started, one date per step. It is drawn from the same `ChildHistory` as the action log:
corrected mistakes appear as corrected, and an entry appears once it has been recorded
(`recorded_on`), so back-dated entries turn up late, as in a real tracker. What a tracker
cannot hold (advice, reports, views, interim meetings, appeals, a step's second date) is
left out.
"""

from __future__ import annotations

import csv
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ehcp_audit.domain.vocabulary import POST_MEETING, PRE_MEETING
from ehcp_audit.samples.model import ChildHistory, SampleEntry

HEADER = (
    "Case reference",
    "Date of birth",
    "School URN",
    "School name",
    "Placement start",
    "EHCP issued",
    "Meeting booked for",
    "Invitations sent",
    "Papers circulated",
    "Meeting held",
    "Paperwork to LA",
    "Decision sent",
    "Decision",
    "Amendments proposed",
    "Final plan issued",
    "Plan ceased",
    "Reason ceased",
    "Caseworker",
)
MAPPING = """\
# The tracker view written by ehcp_audit.samples.tracker.
[tracker]
name = "generated sample tracker"

[columns]
child_id = "Case reference"
date_of_birth = "Date of birth"
school_urn = "School URN"
school_name = "School name"
placement_from = "Placement start"
plan_issued = "EHCP issued"
meeting_booked = "Meeting booked for"
invitations_sent = "Invitations sent"
papers_circulated = "Papers circulated"
meeting_held = "Meeting held"
paperwork_submitted = "Paperwork to LA"
decision_issued = "Decision sent"
decision = "Decision"
amendments_proposed = "Amendments proposed"
final_plan_issued = "Final plan issued"
plan_ceased = "Plan ceased"
ceased_reason = "Reason ceased"
recorded_by = "Caseworker"

[values.decision]
"Maintain" = "maintain"
"Amend" = "amend"
"Cease" = "cease"
"""
# Entries that count in a measure however many of them a cycle has: each must be shown.
_CARRIED = frozenset(
    {"plan_issued", "placement_changed", "meeting_held", "final_plan_issued", "plan_ceased"}
)


def _day(day: int) -> date:
    return date.fromordinal(day)


def _is_annual(entry: SampleEntry) -> bool:
    return entry.fields.get("review_type", "annual") != "interim"


@dataclass(frozen=True)
class _Cycle:
    """The one date per step a tracker row holds for a review cycle."""

    booking: SampleEntry | None = None  # the latest booking
    invitations: SampleEntry | None = None  # the first of each step...
    papers: SampleEntry | None = None
    meeting: SampleEntry | None = None
    paperwork: SampleEntry | None = None
    decision: SampleEntry | None = None
    amendments: SampleEntry | None = None
    final: SampleEntry | None = None  # ...but the first final plan on or after the amendments

    def entries(self) -> list[SampleEntry]:
        return [e for e in vars(self).values() if e is not None]

    @property
    def concluded(self) -> bool:
        """Has the review ended? (A careful officer keeps the row on it until then.)"""
        if self.decision is None:
            return False
        return self.decision.fields.get("decision") != "amend" or self.final is not None


def _known(history: ChildHistory, on: date) -> list[SampleEntry]:
    """The history as corrected, as far as it was recorded by the end of day `on`."""
    last = on.toordinal()
    return [
        e
        for e in history.entries
        if e.action != "void" and not e.mistaken and e.recorded_on <= last
    ]


def tracker_row(history: ChildHistory, on: date) -> list[object] | None:
    """The child's row at the end of day `on` (None before the plan is recorded)."""
    view = _view(_known(history, on))
    if view is None:
        return None
    plan, place, cycle, ceased = view
    decision = cycle.decision
    return [
        history.child_id,
        _day(history.date_of_birth),
        place.fields["school_urn"],
        place.fields.get("school_name", ""),
        _day(place.on) if place.action == "placement_changed" else None,
        _day(plan.on),
        _text_date(cycle.booking.fields["meeting_on"]) if cycle.booking else "TBC",
        _on(cycle.invitations),
        _on(cycle.papers),
        _on(cycle.meeting),
        _on(cycle.paperwork),
        _on(decision),
        decision.fields["decision"].capitalize() if decision else None,
        _on(cycle.amendments),
        _on(cycle.final),
        _on(ceased) or "N/A",
        ceased.fields.get("reason", "") if ceased else None,
        history.caseworker,
    ]


def _view(
    known: list[SampleEntry],
) -> tuple[SampleEntry, SampleEntry, _Cycle, SampleEntry | None] | None:
    """(plan, current placement, the cycle shown, the cessation) of a row: the open cycle
    once one of its steps is known and the one before has ended, else the last held one."""
    plans = [e for e in known if e.action == "plan_issued"]
    if not plans:
        return None
    places = sorted(
        (e for e in known if e.action in ("plan_issued", "placement_changed")),
        key=lambda e: (e.on, e.seq),
    )
    cycles = _cycles(known)
    shown = cycles[-1]
    if len(cycles) > 1 and not (shown.entries() and cycles[-2].concluded):
        shown = cycles[-2]
    ceased = next((e for e in known if e.action == "plan_ceased"), None)
    return plans[0], places[-1], shown, ceased


def unshown(history: ChildHistory, days: Iterable[date]) -> list[SampleEntry]:
    """What trackers taken on `days` lose: entries a tracker row could hold that no row
    showed (a step that happened after the row had moved on, a school left within a
    month, a second final plan in a cycle)."""
    everything = _known(history, date.max)
    wanted = {id(e): e for e in everything if e.action in _CARRIED and _is_annual(e)}
    for cycle in _cycles(everything):
        wanted.update((id(e), e) for e in cycle.entries())
    for day in days:
        view = _view(_known(history, day))
        if view is None:
            continue
        plan, place, cycle, ceased = view
        for entry in (plan, place, ceased, *cycle.entries()):
            if entry is not None:
                wanted.pop(id(entry), None)
    return sorted(wanted.values(), key=lambda e: (e.on, e.seq))


def _text_date(text: str) -> date:
    """A date field as the generator wrote it (ISO, or UK for some schools' staff)."""
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def _on(entry: SampleEntry | None) -> date | None:
    return date.fromordinal(entry.on) if entry is not None else None


def _cycles(known: list[SampleEntry]) -> list[_Cycle]:
    """The cycles of the known history, the open one last (RULES.md section 2 assigns
    steps to cycles: pre-meeting to the next meeting, post-meeting to the last one)."""
    meetings = sorted({e.on for e in known if e.action == "meeting_held" and _is_annual(e)})
    steps: list[dict[str, list[SampleEntry]]] = [{} for _ in range(len(meetings) + 1)]
    for entry in known:
        if entry.action == "meeting_held" and _is_annual(entry):
            index = meetings.index(entry.on)
        elif entry.action in PRE_MEETING:
            index = bisect_left(meetings, entry.on)
        elif entry.action in POST_MEETING:
            index = bisect_right(meetings, entry.on) - 1
            if index < 0:
                continue
        else:
            continue
        steps[index].setdefault(entry.action, []).append(entry)
    return [_cycle_of(s) for s in steps]


def _cycle_of(steps: dict[str, list[SampleEntry]]) -> _Cycle:
    def first(action: str) -> SampleEntry | None:
        found = steps.get(action)
        return min(found, key=lambda e: (e.on, e.seq)) if found else None

    bookings = steps.get("review_scheduled", [])
    amendments = first("amendments_proposed")
    finals = sorted(steps.get("final_plan_issued", []), key=lambda e: (e.on, e.seq))
    after = [e for e in finals if amendments is None or e.on >= amendments.on]
    return _Cycle(
        booking=max(bookings, key=lambda e: (e.on, e.seq)) if bookings else None,
        invitations=first("invitations_sent"),
        papers=first("papers_circulated"),
        meeting=first("meeting_held"),
        paperwork=first("paperwork_submitted"),
        decision=first("decision_issued"),
        amendments=amendments,
        final=(after or finals)[0] if finals else None,
    )


def tracker_rows(histories: Iterable[ChildHistory], on: date) -> Iterator[list[object]]:
    for history in histories:
        row = tracker_row(history, on)
        if row is not None:
            yield row


def write_tracker(histories: Iterable[ChildHistory], out: Path, on: date) -> int:
    """Write the tracker as it stood on `on`: XLSX (date cells) for a `.xlsx` name, else CSV
    (UK dates). Rows are written as they come (write-only XLSX), so memory stays flat.
    Returns the number of children written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Annual reviews")
        sheet.append(list(HEADER))
        for row in tracker_rows(histories, on):
            sheet.append(row)
            written += 1
        book.save(out)
        return written
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for row in tracker_rows(histories, on):
            writer.writerow(
                [v.strftime("%d/%m/%Y") if isinstance(v, date) else v or "" for v in row]
            )
            written += 1
    return written


def mapping_path(tracker: Path) -> Path:
    """Where `samples generate --tracker` writes the tracker's mapping: beside it, `.toml`."""
    return tracker.with_suffix(".toml")


def write_mapping(out: Path) -> None:
    out.write_text(MAPPING, encoding="utf-8")
