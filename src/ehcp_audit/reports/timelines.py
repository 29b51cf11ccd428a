"""Case timelines for the inspection pack: a child's every entry and compliance row."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date

import duckdb

from ehcp_audit.domain.vocabulary import MEASURES
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
    entries: tuple[TimelineEntry, ...]
    rows: tuple[CaseRow, ...]


_ORDER = {m: i for i, m in enumerate(MEASURES)}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def details_text(details: str) -> str:
    """'role: senco; decision: amend' from the entry's JSON, leaving out empty values."""
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
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        shown = shown.replace(";", ", ")
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def sample_children(
    con: duckdb.DuckDBPyConnection, start: date, end: date, size: int, seed: int
) -> list[str]:
    """A reproducible random sample of the children with any row in the period."""
    population = [r["child_id"] for r in records(con, "children_in_period", start=start, end=end)]
    return sorted(random.Random(seed).sample(population, min(size, len(population))))


def case_timeline(con: duckdb.DuckDBPyConnection, child_id: str, sampled: bool) -> CaseTimeline:
    entries = tuple(
        TimelineEntry(
            position=r["position"],
            occurred_on=r["occurred_on"],
            action=action_words(r["action"]),
            details=details_text(_text(r["details"])),
            recorded_by=_text(r["recorded_by"]),
            recorded_at=_text(r["recorded_at"]),
            imported_at=_text(r["imported_at"]),
            source=_text(r["source"]),
            source_row=_text(r["source_row"]),
            voided=bool(r["voided"]),
            void_reason=_text(r["void_reason"]),
        )
        for r in records(con, "child_entries", child_id=child_id)
    )
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
        for r in records(con, "child_compliance", child_id=child_id)
    ]
    rows.sort(key=lambda r: (r.cycle, _ORDER.get(r.measure, len(_ORDER))))
    return CaseTimeline(child_id=child_id, sampled=sampled, entries=entries, rows=tuple(rows))
