"""The generator's model of one child: entries in the log and a per-review summary.

A `ChildHistory` is independent of any output format, so the action-log CSV
writer and a future tracker-spreadsheet writer can render the same histories.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class SampleEntry:
    """One action-log row. Dates are ordinals; `fields` holds the extra columns."""

    action: str
    on: int
    fields: dict[str, str]
    recorded_by: str
    recorded_on: int = 0
    minute: int = 0
    seq: int = 0
    uk_dates: bool = False
    # For a `void`: the mistaken entry it undoes; for a mistaken entry: its correct twin.
    link: SampleEntry | None = None
    mistaken: bool = False


@dataclass(slots=True)
class Review:
    """What a tracker spreadsheet would hold for one review cycle.

    Dates after the end date (or once the plan ceased) are None: not yet happened.
    """

    number: int
    anchor: int
    due: int
    meeting: int | None
    school_urn: int
    transfer: bool = False
    decision: str = ""
    decision_on: int | None = None
    final_plan_on: int | None = None
    interim_on: int | None = None


@dataclass(slots=True)
class ChildHistory:
    child_id: str
    date_of_birth: int
    cohort: int
    plan_on: int
    school_urn: int
    caseworker: str
    entries: list[SampleEntry] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    ceased_on: int | None = None

    def first_meeting(self) -> int | None:
        dates = [e.on for e in self.entries if e.action == "meeting_held"]
        return min(dates) if dates else None
