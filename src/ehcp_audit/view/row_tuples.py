"""Conversions between view rows and rule objects (entries in, compliance rows out)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache, partial
from itertools import groupby, repeat
from typing import TYPE_CHECKING, Any

from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.compliance import BaseRow, Row
from ehcp_audit.rules.facts import CycleFacts, PlanFacts

if TYPE_CHECKING:
    import pyarrow as pa

BASE_COLUMNS = (
    "child_id",
    "cycle",
    "due_on",
    "meeting_on",
    "school_urn",
    "measure",
    "deadline",
    "done_on",
    "base",
    "visible_from",
)
ROW_COLUMNS = (
    "child_id",
    "cycle",
    "due_on",
    "meeting_on",
    "school_urn",
    "measure",
    "deadline",
    "done_on",
    "status",
)


@lru_cache(maxsize=1 << 16)
def _details(text: str) -> dict[str, str]:
    # Cached: the same detail columns (a role, a list of attendees) recur across entries, and
    # entries never change their details (domain/entry.py), so one dict can serve them all.
    details: dict[str, str] = json.loads(text)
    return details


def entries_by_child(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, list[Entry]]]:
    """Group (child_id, version, action, occurred_on, details, recorded_by, recorded_at,
    known_on) rows, ordered by child, into each child's entries."""
    current: str | None = None
    entries: list[Entry] = []
    for child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on in rows:
        if child_id != current:
            if current is not None:
                yield current, entries
            current, entries = child_id, []
        entries.append(
            Entry(
                child_id=child_id,
                action=action,
                occurred_on=occurred_on,
                details=_details(details),
                recorded_by=recorded_by or "",
                recorded_at=recorded_at or "",
                seq=version,
                known_on=known_on,
            )
        )
    if current is not None:
        yield current, entries


# What base rows are judged from: they read no provenance (recorded_by, recorded_at) and no
# known_on (that only filters answers "as known on" a day), and fetching fewer columns out of
# DuckDB is most of what reading a chunk costs. occurred_on comes as its day number
# (date.toordinal): DuckDB makes a Python date per value, half the cost of reading a chunk's
# entries, where the days a chunk holds are few and each is made once (_Days).
BASE_ENTRY_FIELDS = (
    "child_id, version, action, "
    "CAST(date_diff('day', DATE '0001-01-01', occurred_on) AS INTEGER) + 1 AS occurred_on, details"
)


class _Days(dict[int, date]):
    def __missing__(self, ordinal: int) -> date:
        day = self[ordinal] = date.fromordinal(ordinal)
        return day


_DAYS = _Days()


def base_entries_by_child(
    rows: Iterable[tuple[Any, ...]],
) -> Iterator[tuple[str, list[Entry]]]:
    """As entries_by_child, for BASE_ENTRY_FIELDS rows: (child_id, version, action, day
    number of occurred_on, details)."""
    current: str | None = None
    entries: list[Entry] = []
    days, details_of, make = _DAYS, _details, Entry._make
    for child_id, version, action, day, details in rows:
        if child_id != current:
            if current is not None:
                yield current, entries
            current, entries = child_id, []
        # Entry's eight fields in order: _make takes them as one tuple, where the keyword
        # constructor (a Python function filling in defaults) costs half as much again.
        fields = (child_id, action, days[day], details_of(details), "", "", version, None)
        entries.append(make(fields))
    if current is not None:
        yield current, entries


def base_entries_of_columns(
    columns: Sequence[list[Any]],
) -> Iterator[tuple[str, list[Entry]]]:
    """As base_entries_by_child, from the BASE_ENTRY_FIELDS columns (the rows ordered by child):
    every entry made in one pass in C (map and zip, each Entry by tuple.__new__ with its eight
    fields in order), then sliced by child: a fifth cheaper for the 700,000 entries of a day
    six months back."""
    ids, versions, actions, days, details = columns
    count = len(ids)
    made = list(
        map(
            partial(tuple.__new__, Entry),
            zip(
                ids,
                actions,
                map(_DAYS.__getitem__, days),
                map(_details, details),
                repeat("", count),
                repeat("", count),
                versions,
                repeat(None, count),
                strict=True,
            ),
        )
    )
    start = 0
    for child_id, run in groupby(ids):
        end = start + len(list(run))
        yield child_id, made[start:end]
        start = end


# Entry columns of few distinct values: the same text is made once and shared (a child's id,
# an action, a detail column's JSON recur), so its hash is worked out once, and comparing two
# of them is comparing two pointers: judging a past day took 8% less CPU.
SHARED_VALUES = frozenset({"child_id", "action", "details"})


def entry_columns(entries: pa.Table) -> list[list[Any]]:
    """An Arrow table's columns as Python lists, each made in one call (a third cheaper than
    fetchall's row tuples), the SHARED_VALUES columns' texts shared."""
    return [
        _shared_values(column) if name in SHARED_VALUES else column.to_pylist()
        for name, column in zip(entries.column_names, entries.columns, strict=True)
    ]


def _shared_values(column: pa.ChunkedArray) -> list[Any]:
    encoded = column.dictionary_encode().combine_chunks()
    values = encoded.dictionary.to_pylist()
    return list(map(values.__getitem__, encoded.indices.to_pylist()))


def base_row_tuple(r: BaseRow) -> tuple[Any, ...]:
    """The row as BASE_COLUMNS values: a BaseRow has their order, and no school is NULL. (Nearly
    every row has a school, and is a tuple already: hundreds of thousands per past day.)"""
    return r if r.school_urn else (*r[:4], None, *r[5:])


class _Iso(dict[date | None, str]):
    """ISO text of dates, each made once: a cycle's rows share most of their dates."""

    def __missing__(self, day: date) -> str:
        text = self[day] = day.isoformat()
        return text


# (child_id, cycle), or (child_id, group of rows: a cycle's number, or rules.facts.TRANSFERS).
Key = tuple[str, int]


def cycle_texts(rows: Iterable[tuple[Any, ...]]) -> dict[Key, str]:
    """Base rows (BASE_COLUMNS tuples) as text per (child, cycle), what
    sql/cycle_text_rows.sql reads: a line per row, the fields after child_id and cycle
    joined by chr(31), '' for None, dates ISO; the lines joined by chr(10). (No field holds
    either separator: dates, 6-digit URNs and the rules' own names.)"""
    iso = _Iso({None: ""})
    join = "\x1f".join
    lines: dict[Key, list[str]] = {}
    for r in rows:
        line = join((iso[r[2]], iso[r[3]], r[4] or "", r[5], iso[r[6]], iso[r[7]], r[8], iso[r[9]]))
        key = (r[0], r[1])
        if key in lines:
            lines[key].append(line)
        else:
            lines[key] = [line]
    return {key: "\n".join(cycle) for key, cycle in lines.items()}


def _facts_text(facts: CycleFacts | PlanFacts) -> str:
    """Facts as text, every field of every part (tests/test_judged_groups.py checks that a
    change to any field changes the text). An entry is its version: an event never changes,
    so within a child its version stands for its content. A cycle's entries by action are its
    entries' versions, sorted: rules.cycles.build_history files each entry under its own
    action in business order, so the set of entries decides the lists. Dates as str() gives
    them ('None' for none), each made once (_FACT_DAYS): the digests stored in the view were
    made from this very text."""
    day = _FACT_DAYS
    if isinstance(facts, PlanFacts):
        outlines = facts.cycles
        cycles = ",".join(
            [f"{c.number}/{day[c.anchor]}/{day[c.due_on]}/{day[c.meeting_on]}" for c in outlines]
        )
        placements = ",".join([f"{day[on]}/{urn!r}" for on, urn in facts.placements])
        finals = ",".join([day[on] for on in facts.final_plans])
        return (
            f"plan|{day[facts.date_of_birth]}|{day[facts.issued_on]}|{day[facts.ceased_on]}|"
            f"{cycles}|{placements}|{finals}"
        )
    c = facts.cycle
    meeting = c.meeting.seq if c.meeting is not None else None
    actions = sorted([e.seq for filed in c.actions.values() for e in filed])
    return (
        f"{c.number}|{day[c.anchor]}|{day[c.due_on]}|{meeting}|{actions}|"
        f"{day[facts.issued_on]}|{day[facts.previous_decision]}|"
        f"{day[facts.decided_from_here]}|{day[facts.date_of_birth]}|{day[facts.ceased_on]}|"
        f"{facts.school_urn!r}"
    )


_FACT_DAYS = _Iso({None: "None"})


def facts_digest(facts: CycleFacts | PlanFacts) -> str:
    """What a group of rows is judged from (rules.facts), as a digest: equal digests, equal
    rows. Entries must carry their versions (as read from the view's entries)."""
    return hashlib.md5(_facts_text(facts).encode(), usedforsecurity=False).hexdigest()


def row_tuple(r: Row) -> tuple[Any, ...]:
    return (
        r.child_id,
        r.cycle,
        r.due_on,
        r.meeting_on,
        r.school_urn or None,
        r.measure,
        r.deadline,
        r.done_on,
        r.status,
    )
