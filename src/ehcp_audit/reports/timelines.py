"""Case timelines for the inspection pack: a child's summary, every entry and compliance row."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports.case_summary import CaseSummary, case_summary
from ehcp_audit.reports.pupil_age import age_words
from ehcp_audit.reports.steps import STEPS, action_words
from ehcp_audit.view.queries import records


@dataclass(frozen=True)
class TimelineEntry:
    position: int
    occurred_on: date
    action: str
    details: str
    recorded_by: str
    recorded_at: str
    imported_at: str
    source: str
    source_row: str
    voided: bool
    void_reason: str


@dataclass(frozen=True)
class CaseRow:
    cycle: int
    measure: str
    title: str
    school_urn: str
    deadline: date | None
    done_on: date | None
    status: str


@dataclass(frozen=True)
class CaseTimeline:
    child_id: str
    sampled: bool
    summary: CaseSummary
    age: str  # age and year group on the as-of date ('' when no date of birth is recorded)
    date_of_birth: date | None  # only with --full-details
    entries: tuple[TimelineEntry, ...]  # business-date order, ties by log position
    rows: tuple[CaseRow, ...]


_ORDER = {m: i for i, m in enumerate(MEASURES)}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _shown(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def details_text(details: str, full_details: bool = True, on: date | None = None) -> str:
    """'role: senco; decision: amend' from the entry's JSON, leaving out empty values. A date of
    birth is shown as age and year group on `on` unless `full_details`."""
    try:
        parsed = json.loads(details) if details else {}
    except json.JSONDecodeError:
        return details
    if not isinstance(parsed, dict):
        return details
    parts = []
    for key, value in parsed.items():
        if value in (None, "", []):
            continue
        if key == "date_of_birth" and not full_details:
            parts.append(_birth_words(str(value), on))
            continue
        parts.append(f"{key.replace('_', ' ')}: {_shown(value).replace(';', ', ')}")
    return "; ".join(parts)


def _birth_words(value: str, on: date | None) -> str:
    try:
        born = date.fromisoformat(value)
    except ValueError:
        return "date of birth: recorded (hidden)"
    return (
        f"date of birth: hidden ({age_words(born, on)} on this date)"
        if on
        else ("date of birth: hidden")
    )


def date_of_birth(entries: list[dict[str, Any]]) -> date | None:
    """The date of birth on the latest plan_issued not voided (`entries`: business order)."""
    born = None
    for r in entries:
        if r["action"] == "plan_issued" and not r["voided"]:
            try:
                born = date.fromisoformat(json.loads(r["details"] or "{}").get("date_of_birth", ""))
            except (ValueError, TypeError, AttributeError):
                continue
    return born


@dataclass(frozen=True)
class CaseOptions:
    """What every case of one pack shares: the period, the as-of date, whether to show details."""

    start: date
    end: date
    as_of: date
    full_details: bool = False


def case_timeline(
    con: duckdb.DuckDBPyConnection, child_id: str, sampled: bool, options: CaseOptions
) -> CaseTimeline:
    raw = records(con, "child_entries", child_id=child_id)
    entries = tuple(
        TimelineEntry(
            position=r["position"],
            occurred_on=r["occurred_on"],
            action=action_words(r["action"]),
            details=details_text(_text(r["details"]), options.full_details, r["occurred_on"]),
            recorded_by=_text(r["recorded_by"]),
            recorded_at=_text(r["recorded_at"]),
            imported_at=_text(r["imported_at"]),
            source=_text(r["source"]),
            source_row=_text(r["source_row"]),
            voided=bool(r["voided"]),
            void_reason=_text(r["void_reason"]),
        )
        for r in raw
    )
    found = records(con, "child_compliance", child_id=child_id)
    rows = [
        CaseRow(
            cycle=r["cycle"],
            measure=r["measure"],
            title=STEPS[r["measure"]].title if r["measure"] in STEPS else r["measure"],
            school_urn=_text(r["school_urn"]),
            deadline=r["deadline"],
            done_on=r["done_on"],
            status=r["status"],
        )
        for r in found
    ]
    rows.sort(key=lambda r: (r.cycle, _ORDER.get(r.measure, len(_ORDER))))
    born = date_of_birth(raw)
    return CaseTimeline(
        child_id=child_id,
        sampled=sampled,
        summary=case_summary(found, options.start, options.end, options.as_of),
        age=age_words(born, options.as_of) if born else "",
        date_of_birth=born if options.full_details else None,
        entries=entries,
        rows=tuple(rows),
    )
