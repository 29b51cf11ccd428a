"""Which new rows of a child may be recorded (RULES.md "Rejected rows", the checks that need
the child's history; the checks of a row on its own are in ingest.row_parser).

The child's new rows are judged in layers, because later checks depend on earlier answers:
plan_issued, then plan_ceased, then meeting_held, then everything else; voids of entries in
the store apply first, and a void of a row of the same file is matched with it in its layer,
so that "void the wrong plan, record the right one" in one file works.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.vocabulary import ALLOWED_AFTER_CEASE, POST_MEETING
from ehcp_audit.rules.effective import apply_voids

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"

_LAYERS: tuple[frozenset[str] | None, ...] = (
    frozenset({"plan_issued"}),
    frozenset({"plan_ceased"}),
    frozenset({"meeting_held"}),
    None,  # every other action but void
)


@dataclass(frozen=True, slots=True)
class Candidate:
    row: int
    entry: Entry


@dataclass(frozen=True, slots=True)
class Verdict:
    row: int
    outcome: str
    column: str = ""
    message: str = ""


@dataclass(slots=True)
class _Context:
    plan_on: date | None = None
    ceased_on: date | None = None
    meetings: list[date] = field(default_factory=list)

    def check(self, entry: Entry) -> tuple[str, str] | None:
        """(column, reason) when the entry cannot be recorded against this history."""
        action, day = entry.action, entry.occurred_on
        if action == "plan_issued":
            if self.plan_on is not None:
                return "action", (
                    f"second plan_issued: the child already has a plan issued on {self.plan_on}"
                )
            return None
        if self.plan_on is None:
            return "child_id", "the child has no plan_issued (record the plan first)"
        if day < self.plan_on:
            return "occurred_on", f"{day} is before the plan was issued on {self.plan_on}"
        if (
            self.ceased_on is not None
            and day > self.ceased_on
            and action not in ALLOWED_AFTER_CEASE
        ):
            return "occurred_on", f"{day} is after the plan ceased on {self.ceased_on}"
        if action in POST_MEETING and bisect_right(self.meetings, day) == 0:
            return "occurred_on", f"{action} on {day} has no meeting_held on or before that date"
        return None

    def add(self, entry: Entry) -> None:
        if entry.action == "plan_issued":
            self.plan_on = entry.occurred_on
        elif entry.action == "plan_ceased":
            if self.ceased_on is None or entry.occurred_on < self.ceased_on:
                self.ceased_on = entry.occurred_on
        elif entry.action == "meeting_held":
            self.meetings.append(entry.occurred_on)
            self.meetings.sort()


def _void_key(void: Entry) -> tuple[str, str]:
    return void.get("void_action"), void.get("void_occurred_on")


def _entry_key(entry: Entry) -> tuple[str, str]:
    return entry.action, entry.occurred_on.isoformat()


def admit(existing: Sequence[Entry], new: Sequence[Candidate]) -> list[Verdict]:
    """Judge a child's new rows (row order) against the entries already recorded."""
    verdicts: dict[int, Verdict] = {}
    known = {e.identity() for e in existing}
    fresh: list[Candidate] = []
    for candidate in new:
        identity = candidate.entry.identity()
        if identity in known:
            verdicts[candidate.row] = Verdict(candidate.row, DUPLICATE)
        else:
            known.add(identity)
            fresh.append(candidate)

    effective = apply_voids(existing)
    pool: dict[tuple[str, str], int] = {}
    for entry in effective:
        pool[_entry_key(entry)] = pool.get(_entry_key(entry), 0) + 1

    # Voids of entries already in the store apply first; the rest wait for this file's rows.
    voids = sorted(
        (c for c in fresh if c.entry.action == "void"), key=lambda c: (c.entry.occurred_on, c.row)
    )
    waiting: list[Candidate] = []
    removed: dict[tuple[str, str], int] = {}
    for void in voids:
        key = _void_key(void.entry)
        if pool.get(key, 0) > 0:
            pool[key] -= 1
            removed[key] = removed.get(key, 0) + 1
            verdicts[void.row] = Verdict(void.row, ACCEPTED)
        else:
            waiting.append(void)

    context = _Context()
    for entry in _without(effective, removed):
        context.add(entry)

    others = [c for c in fresh if c.entry.action != "void"]
    for layer in _LAYERS:
        members = sorted(
            (c for c in others if (c.entry.action in layer if layer else _in_last_layer(c))),
            key=lambda c: (c.entry.occurred_on, c.row),
        )
        doomed = _pair_voids(waiting, members)
        for candidate in members:
            problem = context.check(candidate.entry)
            if problem is not None:
                column, message = problem
                verdicts[candidate.row] = Verdict(candidate.row, REJECTED, column, message)
                doomed.pop(candidate.row, None)
                continue
            verdicts[candidate.row] = Verdict(candidate.row, ACCEPTED)
            if candidate.row not in doomed:
                context.add(candidate.entry)
        for void_row in doomed.values():
            verdicts[void_row] = Verdict(void_row, ACCEPTED)

    for void in waiting:
        if void.row not in verdicts:
            action, day = _void_key(void.entry)
            verdicts[void.row] = Verdict(
                void.row,
                REJECTED,
                "void_occurred_on",
                f"the void matches no entry: no {action} on {day} left to void for this child",
            )
    return [verdicts[c.row] for c in new]


def _in_last_layer(candidate: Candidate) -> bool:
    return not any(layer and candidate.entry.action in layer for layer in _LAYERS)


def _without(entries: list[Entry], removed: dict[tuple[str, str], int]) -> list[Entry]:
    """Entries in business order less the earliest-recorded ones the given voids remove."""
    left = dict(removed)
    kept = []
    for entry in sorted(entries, key=lambda e: e.seq):
        key = _entry_key(entry)
        if left.get(key, 0) > 0:
            left[key] -= 1
            continue
        kept.append(entry)
    kept.sort(key=lambda e: (e.occurred_on, e.seq))
    return kept


def _pair_voids(waiting: list[Candidate], members: list[Candidate]) -> dict[int, int]:
    """Match waiting voids (in void order) to this layer's rows (row order): {row: void row}."""
    paired: dict[int, int] = {}
    by_row = sorted(members, key=lambda c: c.row)
    for void in waiting:
        key = _void_key(void.entry)
        for candidate in by_row:
            if candidate.row not in paired and _entry_key(candidate.entry) == key:
                paired[candidate.row] = void.row
                break
    return paired
