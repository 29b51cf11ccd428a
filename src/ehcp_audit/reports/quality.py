"""Data-quality checks over the entry log for one period (late recording, voids, rejects, gaps)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ehcp_audit.reports.capped import Capped, first, latest
from ehcp_audit.reports.steps import action_words
from ehcp_audit.view.queries import records

LATE_AFTER_DAYS = 30


@dataclass(frozen=True)
class LateEntry:
    child_id: str
    action: str
    occurred_on: date
    recorded_on: date
    lag_days: int
    recorded_by: str
    source: str
    source_row: str


@dataclass(frozen=True)
class VoidEntry:
    child_id: str
    found_on: date
    recorded_by: str
    cancels: str
    cancelled_date: str
    reason: str
    source: str


@dataclass(frozen=True)
class RejectedRow:
    imported_at: str
    source: str
    row: int
    error: str


@dataclass(frozen=True)
class UnrecordedMeeting:
    child_id: str
    meeting_on: date
    missing: str
    source: str


@dataclass(frozen=True)
class DataQuality:
    start: date
    end: date
    late_after_days: int
    late_entries: tuple[LateEntry, ...]
    voids: tuple[VoidEntry, ...]
    rejected: tuple[RejectedRow, ...]
    unrecorded_meetings: tuple[UnrecordedMeeting, ...]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _missing(row: dict[str, object]) -> str:
    flags = (("attendees", row["attendees_not_recorded"]), ("topics", row["topics_not_recorded"]))
    return " and ".join(name for name, flag in flags if flag)


def data_quality(con: duckdb.DuckDBPyConnection, start: date, end: date) -> DataQuality:
    """Checks of the entries recorded, rows rejected and meetings held in [start, end]."""
    period = {"start": start, "end": end}
    return DataQuality(
        start=start,
        end=end,
        late_after_days=LATE_AFTER_DAYS,
        late_entries=tuple(
            LateEntry(
                child_id=r["child_id"],
                action=action_words(r["action"]),
                occurred_on=r["occurred_on"],
                recorded_on=r["recorded_on"],
                lag_days=r["lag_days"],
                recorded_by=_text(r["recorded_by"]),
                source=_text(r["source"]),
                source_row=_text(r["source_row"]),
            )
            for r in records(con, "late_entries", lag_days=LATE_AFTER_DAYS, **period)
        ),
        voids=tuple(
            VoidEntry(
                child_id=r["child_id"],
                found_on=r["occurred_on"],
                recorded_by=_text(r["recorded_by"]),
                cancels=action_words(_text(r["void_action"])),
                cancelled_date=_text(r["void_occurred_on"]),
                reason=_text(r["reason"]),
                source=_text(r["source"]),
            )
            for r in records(con, "void_entries", **period)
        ),
        rejected=tuple(
            RejectedRow(_text(r["imported_at"]), _text(r["source"]), r["row"], _text(r["error"]))
            for r in records(con, "rejected_in_period", **period)
        ),
        unrecorded_meetings=tuple(
            UnrecordedMeeting(r["child_id"], r["occurred_on"], _missing(r), _text(r["source"]))
            for r in records(con, "unrecorded_meetings", **period)
        ),
    )


@dataclass(frozen=True)
class QualityLists:
    """The checks' lists as a page shows them: the most late entries, the most recent of the
    rest; every row is in the companion workbook."""

    start: date
    end: date
    late_after_days: int
    late_entries: Capped[LateEntry]
    voids: Capped[VoidEntry]
    rejected: Capped[RejectedRow]
    unrecorded_meetings: Capped[UnrecordedMeeting]


def capped_quality(quality: DataQuality, limit: int) -> QualityLists:
    """Lists of at most `limit` rows each: late entries most late first (their order), voids,
    rejected rows and meetings the most recent (the lists come oldest first)."""
    return QualityLists(
        start=quality.start,
        end=quality.end,
        late_after_days=quality.late_after_days,
        late_entries=first(quality.late_entries, limit),
        voids=latest(quality.voids, limit, lambda v: v.found_on),
        rejected=latest(quality.rejected, limit, lambda r: r.imported_at),
        unrecorded_meetings=latest(quality.unrecorded_meetings, limit, lambda m: m.meeting_on),
    )
