"""What a tracker row changes in a child's log: new entries, voids of the tracker's own
earlier entries, or nothing (docs/tracker.md, "Re-imports").

A tracker row holds one review cycle. Its steps are matched to the cycle of the row's
meeting (or, without a meeting, to the open cycle); a step whose date or value differs
from the tracker's earlier entry for that step and cycle voids it and records the new one.
Entries recorded any other way are never voided: a disagreement with one is rejected.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.vocabulary import POST_MEETING, PRE_MEETING
from ehcp_audit.ingest.row_parser import parse_row
from ehcp_audit.ingest.tracker.rows import POST_STEPS, PRE_STEPS, Fact, RowFacts
from ehcp_audit.rules.effective import apply_voids

TRACKER_PREFIX = "tracker:"
# A held meeting is not mis-typed by three months: a later meeting that far on is a new cycle.
NEW_CYCLE_GAP_DAYS = 90
OPEN = date.max  # cycle key of the cycle whose meeting is not held yet
NO_CYCLE = date.min  # cycle key of a post-meeting step with no meeting before it

RECORD, VOID, REJECT = "record", "void", "reject"


@dataclass(slots=True)
class Change:
    kind: str  # RECORD, VOID or REJECT
    fact: Fact
    undoes: Entry | None = None  # for a void: the tracker's earlier entry
    pair: Change | None = None  # a void and the new entry that replaces what it undoes


@dataclass(slots=True)
class _Known:
    entry: Entry
    tracker: bool
    seq: int
    fact: Fact | None = None  # planned by this import


def is_tracker_source(source: str) -> bool:
    return source.startswith(TRACKER_PREFIX)


def _has_start_date(placement: Fact) -> bool:
    """Is the move dated by the tracker's start-date cell (not the day of import)?"""
    return placement.sources.get("occurred_on") == "placement_from"


def _is_annual(entry: Entry) -> bool:
    return entry.get("review_type", "annual") != "interim"


@dataclass
class ChildChanges:
    """The changes one child's tracker rows make to what is recorded for the child."""

    child_id: str
    recorded: Sequence[tuple[Entry, str]]  # (entry with seq, source), in log order
    today: date
    reason: str  # of the voids: "changed in tracker FILE on DATE"
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def __post_init__(self) -> None:
        tracker = {e.seq for e, source in self.recorded if is_tracker_source(source)}
        entries = [e for e, _ in self.recorded]
        self._known = [_Known(e, e.seq in tracker, e.seq) for e in apply_voids(entries)]
        # Identities ever recorded (voided ones too): recording one again is a duplicate.
        self._ever = {e.identity() for e in entries if e.action != "void"}
        self._seq = max((e.seq for e in entries), default=0)

    # ------------------------------------------------------------------ one row

    def apply(self, facts: RowFacts) -> None:
        self.changes.extend(Change(REJECT, f) for f in facts.rejected)
        if facts.plan is not None:
            self._plan(facts.plan)
        if facts.placement is not None:
            self._placement(facts.placement)
        target = self._meeting(facts) if facts.meeting is not None else None
        if facts.previous is not None:
            self._previous(facts.previous, target)
        if facts.booking is not None:
            self._step(facts.booking, target)
        for fact in facts.steps:
            self._step(fact, target)
        if facts.ceased is not None:
            self._once(facts.ceased)

    def _plan(self, fact: Fact) -> None:
        if self._same(fact):
            self.unchanged += 1
            return
        old = self._latest_tracker(fact.action, lambda _: True)
        if old is not None:
            # A corrected date or birth date: the school at issue is what was recorded.
            for column in ("school_urn", "school_name"):
                fact.values.pop(column, None)
                if old.entry.get(column):
                    fact.values[column] = old.entry.get(column)
            fact.entry = parse_row(fact.values, self.today)
        self._change(fact, old)

    def _placement(self, fact: Fact) -> None:
        """A school other than the one in force is a move; the same school with another
        start date corrects the tracker's move. (The school alone is not counted as an
        unchanged entry: it is part of the plan's.)"""
        places = [k for k in self._known if k.entry.action in ("plan_issued", "placement_changed")]
        if not places:
            return
        current = max(places, key=lambda k: (k.entry.occurred_on, k.seq))
        moved = current.entry.get("school_urn") != fact.values.get("school_urn")
        corrected = (
            not moved
            and current.entry.action == "placement_changed"
            and current.tracker
            and _has_start_date(fact)
            and current.entry.occurred_on.isoformat() != fact.values["occurred_on"]
        )
        if not (moved or corrected):
            return
        if fact.problem or not fact.parse(self.today):
            if not self._reported(fact):
                self.changes.append(Change(REJECT, fact))
            return
        self._change(fact, current if corrected else None)

    def _reported(self, fact: Fact) -> bool:
        """Is the fact's bad cell already rejected (the plan's row names the same school)?"""
        return any(
            c.kind == REJECT and c.fact.row is fact.row and c.fact.problem_cell == fact.problem_cell
            for c in self.changes
        )

    def _meeting(self, facts: RowFacts) -> date:
        """Record or correct the row's meeting; return the key of the row's cycle."""
        fact = facts.meeting
        assert fact is not None and fact.entry is not None
        day = fact.entry.occurred_on
        if self._same(fact):
            self.unchanged += 1
            self._drop_duplicates(fact)
            return day
        old = self._counterpart(day, self._meetings(), facts.steps)
        return self._restate(fact, old)

    def _drop_duplicates(self, fact: Fact) -> None:
        """Void the tracker's own meetings on a day that also has a meeting recorded another
        way: one review held once must not count as two reviews (an action log imported
        after a tracker adds its meeting beside the tracker's when their details differ),
        and what was recorded another way wins, as everywhere."""
        day = fact.entry.occurred_on if fact.entry is not None else None
        same_day = [k for k in self._meetings() if k.entry.occurred_on == day]
        if not any(not k.tracker for k in same_day):
            return
        for known in same_day:
            if known.tracker and known.fact is None and self._void_hits(known):
                reason = f"the same meeting was recorded another way ({self.reason})"
                self._void(fact, known, reason)

    def _previous(self, fact: Fact, target: date | None) -> None:
        """The previous review's meeting: a meeting before the row's own one, matched (or
        corrected) among the earlier meetings only, never the row's current one."""
        assert fact.entry is not None
        day = fact.entry.occurred_on
        if target is not None and day >= target:
            self._reject(fact, f"the last review must be before this review's meeting ({target})")
            return
        if self._same(fact):
            self.unchanged += 1
            return
        meetings = self._meetings()
        if target is not None:
            meetings = [k for k in meetings if k.entry.occurred_on < target]
        self._restate(fact, self._counterpart(day, meetings, []))

    def _restate(self, fact: Fact, old: _Known | None) -> date:
        """Record a meeting, correcting `old` when it is the same review's; return its key."""
        assert fact.entry is not None
        day = fact.entry.occurred_on
        if old is None:
            self._change(fact, None)
        elif old.tracker:
            self._change(fact, old)
        else:
            self._reject(
                fact,
                f"the review meeting on {old.entry.occurred_on} was recorded another way "
                f"and a tracker never voids such entries (void it with `ehcp-audit void` "
                f"if {day} is right)",
            )
            return old.entry.occurred_on
        return day

    def _counterpart(self, day: date, meetings: list[_Known], steps: list[Fact]) -> _Known | None:
        """The recorded meeting that a meeting on `day` is a corrected date (or details) of,
        or None when it is another review's: the nearest earlier or later meeting unless it
        is far enough off, or a decision lies between (docs/tracker.md, "New cycle or
        correction"). Matching both ways makes the result independent of import order."""
        same = [k for k in meetings if k.entry.occurred_on == day]
        if same:
            return next((k for k in same if k.tracker), same[-1])
        earlier = [k for k in meetings if k.entry.occurred_on < day]
        if earlier and not self._new_cycle(earlier[-1].entry.occurred_on, day, steps):
            return earlier[-1]
        later = [k for k in meetings if k.entry.occurred_on > day]
        if later and not self._earlier_cycle(day, later[0].entry.occurred_on, steps):
            return later[0]
        return None

    def _new_cycle(self, held: date, day: date, steps: list[Fact]) -> bool:
        """Is the meeting `day` the next review after the meeting `held`, rather than a
        corrected date of it?"""
        if self._apart(held, day):
            return True
        return any(
            f.entry is not None and f.action in PRE_STEPS and f.entry.occurred_on > held
            for f in steps
        )

    def _earlier_cycle(self, day: date, held: date, steps: list[Fact]) -> bool:
        """Is the meeting `day` an earlier review than the meeting `held` (the mirror of
        `_new_cycle`: the row's paperwork or decision came before `held`)?"""
        if self._apart(day, held):
            return True
        return any(
            f.entry is not None and f.action in POST_STEPS and f.entry.occurred_on < held
            for f in steps
        )

    def _apart(self, first: date, second: date) -> bool:
        """Are meetings on these days (first before second) two reviews by their dates alone:
        far apart, or with a decision issued in between?"""
        if (second - first).days >= NEW_CYCLE_GAP_DAYS:
            return True
        return any(
            k.entry.action == "decision_issued" and first <= k.entry.occurred_on < second
            for k in self._known
        )

    def _step(self, fact: Fact, target: date | None) -> None:
        if self._same(fact):
            self.unchanged += 1
            return
        assert fact.entry is not None
        days = self._meeting_days()
        if target is not None:
            key = target
        elif fact.action in POST_MEETING:
            key = self._cycle_key(fact.entry, days)
        else:
            key = OPEN
        old = self._latest_tracker(fact.action, lambda e: self._cycle_key(e, days) == key)
        self._change(fact, old)

    def _once(self, fact: Fact) -> None:
        if self._same(fact):
            self.unchanged += 1
            return
        self._change(fact, self._latest_tracker(fact.action, lambda _: True))

    # ------------------------------------------------------------------ matching

    def _same(self, fact: Fact) -> bool:
        """Is what the row says already recorded (by anyone)? Only what a tracker can
        carry is compared: a meeting recorded with its attendees equals the tracker's."""
        new = fact.entry
        assert new is not None
        for known in self._known:
            old = known.entry
            if old.action != new.action:
                continue
            if new.action != "review_scheduled" and old.occurred_on != new.occurred_on:
                continue
            if all(old.get(c) == new.get(c) for c in fact.compared):
                return True
        return False

    def _meetings(self) -> list[_Known]:
        found = [k for k in self._known if k.entry.action == "meeting_held" and _is_annual(k.entry)]
        return sorted(found, key=lambda k: (k.entry.occurred_on, k.seq))

    def _meeting_days(self) -> list[date]:
        return [k.entry.occurred_on for k in self._meetings()]

    @staticmethod
    def _cycle_key(entry: Entry, days: list[date]) -> date:
        """RULES.md section 2: the meeting (date) of the cycle an entry belongs to."""
        if entry.action in PRE_MEETING:
            index = bisect_left(days, entry.occurred_on)
            return days[index] if index < len(days) else OPEN
        if entry.action in POST_MEETING:
            index = bisect_right(days, entry.occurred_on) - 1
            return days[index] if index >= 0 else NO_CYCLE
        return entry.occurred_on

    def _latest_tracker(self, action: str, where: Callable[[Entry], bool]) -> _Known | None:
        found = [
            k for k in self._known if k.tracker and k.entry.action == action and where(k.entry)
        ]
        return max(found, key=lambda k: k.seq) if found else None

    # ------------------------------------------------------------------ changes

    def _change(self, fact: Fact, old: _Known | None) -> None:
        assert fact.entry is not None
        if self._ever and fact.entry.identity() in self._ever:
            self._reject(
                fact,
                "this exact entry was recorded before and later voided; the log keeps "
                "one entry per identical row, so it cannot be recorded again",
            )
            return
        if old is not None and old.fact is not None:
            self._reject(fact, f"the same child's row {old.fact.row_number} says otherwise")
            return
        if old is not None and not self._void_hits(old):
            self._reject(
                fact,
                f"the tracker's {old.entry.action} of {old.entry.occurred_on} cannot be "
                "voided without voiding the same entry recorded another way",
            )
            return
        void = self._void(fact, old) if old is not None else None
        record = Change(RECORD, fact, pair=void)
        if void is not None:
            void.pair = record
        self._seq += 1
        self._known.append(_Known(fact.entry, True, self._seq, fact))
        self.changes.append(record)

    def _void_hits(self, old: _Known) -> bool:
        """A void removes the earliest recorded entry with its action and date."""
        key = (old.entry.action, old.entry.occurred_on)
        first = min(
            (k for k in self._known if (k.entry.action, k.entry.occurred_on) == key),
            key=lambda k: k.seq,
        )
        return first.tracker

    def _void(self, fact: Fact, old: _Known, reason: str = "") -> Change:
        values = {
            "child_id": self.child_id,
            "action": "void",
            "occurred_on": self.today.isoformat(),
            "void_action": old.entry.action,
            "void_occurred_on": old.entry.occurred_on.isoformat(),
            "reason": reason or self.reason,
        }
        if "recorded_by" in fact.values:
            values["recorded_by"] = fact.values["recorded_by"]
        sources = (
            {"occurred_on": fact.sources["occurred_on"]} if "occurred_on" in fact.sources else {}
        )
        void_fact = Fact(fact.row, values, sources, entry=parse_row(values, self.today))
        self._known.remove(old)
        change = Change(VOID, void_fact, undoes=old.entry)
        self.changes.append(change)
        return change

    def _reject(self, fact: Fact, message: str) -> None:
        fact.reject("occurred_on", message)
        self.changes.append(Change(REJECT, fact))
