"""A catch-up judges again only the groups of rows whose facts changed (rules.facts): these
properties check that the rows it keeps, with the ones it judges again, are every row."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import fields, replace
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp_audit.domain.entry import Entry
from ehcp_audit.ingest.row_parser import parse_row
from ehcp_audit.rules.compliance import PHASE_TRANSFER
from ehcp_audit.rules.cycles import Cycle, build_history
from ehcp_audit.rules.facts import TRANSFERS, CycleFacts, PlanFacts, cycle_facts, plan_facts
from ehcp_audit.view.evaluator import evaluate_rows
from ehcp_audit.view.row_tuples import facts_digest
from tests.strategies import TODAY, Row, action_log

Rows = list[tuple[Any, ...]]


def _with_voids(rows: list[Row], rng: random.Random) -> list[Row]:
    """The rows in a random order of arrival, with voids of a few of them arriving later."""
    arrived = rows[:]
    rng.shuffle(arrived)
    for row in rng.sample(rows, k=min(len(rows), rng.randint(0, 3))):
        void = {
            "child_id": row["child_id"],
            "action": "void",
            "occurred_on": TODAY.isoformat(),
            "void_action": row["action"],
            "void_occurred_on": row["occurred_on"],
            "reason": "entered in error",
        }
        arrived.insert(rng.randint(arrived.index(row) + 1, len(arrived)), void)
    return arrived


def _entry_rows(arrived: list[Row]) -> Rows:
    """Rows as the projector reads them from the view (row_tuples.BASE_ENTRY_FIELDS): versions in
    order of arrival, per child; ordered by child and version."""
    versions: Counter[str] = Counter()
    rows: Rows = []
    for raw in arrived:
        entry = parse_row(raw, TODAY)
        versions[entry.child_id] += 1
        details = json.dumps(entry.details, sort_keys=True)
        day = entry.occurred_on.toordinal()
        rows.append((entry.child_id, versions[entry.child_id], entry.action, day, details))
    return sorted(rows, key=lambda r: (r[0], r[1]))


def _group(row: tuple[Any, ...]) -> tuple[str, int]:
    return (row[0], TRANSFERS if row[5] == PHASE_TRANSFER else row[1])


@settings(max_examples=150, deadline=None)
@given(rows=action_log(max_children=3), seed=st.integers(0, 10**6))
def test_rows_kept_and_rows_judged_again_are_every_row(rows: list[Row], seed: int) -> None:
    """Entries arrive a few at a time, in any order (voids too); after each arrival the rows
    kept from before, with the groups judged again, are the rows of a whole new judgement."""
    rng = random.Random(seed)
    arrived = _with_voids(rows, rng)
    kept: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
    stored: dict[tuple[str, int], str] = {}
    end = 0
    while end < len(arrived):
        end = min(len(arrived), end + rng.randint(1, 3))
        entry_rows = _entry_rows(arrived[:end])
        again = evaluate_rows(entry_rows, stored)
        now = {(c, g): d for c, g, d in again.inputs}
        judged = {k for k in stored.keys() | now.keys() if stored.get(k) != now.get(k)}
        kept = {k: v for k, v in kept.items() if k not in judged}
        for row in again.base:
            assert _group(row) in judged
            kept.setdefault(_group(row), []).append(row)
        stored = now
        every = Counter(r for group in kept.values() for r in group)
        assert every == Counter(evaluate_rows(entry_rows).base), end


def _other(value: Any) -> Any:
    """A different value of the same kind."""
    if value is None or isinstance(value, date):
        return date(1999, 1, 1)
    if isinstance(value, Entry):
        return value._replace(seq=value.seq + 100)
    if isinstance(value, str):
        return value + "0"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, dict):  # a cycle's entries by action: one more entry
        entry = next(iter(value.values()))[0]
        added = entry._replace(action="papers_circulated", seq=entry.seq + 100)
        return {**value, "papers_circulated": [added]}
    if isinstance(value, tuple):
        return () if value else (date(1999, 1, 1),)
    if isinstance(value, Cycle):
        return replace(value, number=value.number + 1)
    raise AssertionError(f"no other value for {value!r}")


def test_every_field_of_the_facts_is_in_their_digest() -> None:
    """A field added to the facts later is in the digest too: else a change to it alone would
    leave its rows as they were."""
    entries = [
        parse_row(raw, TODAY)._replace(seq=seq)
        for seq, raw in enumerate(
            [
                {
                    "child_id": "C",
                    "action": "plan_issued",
                    "occurred_on": "2023-01-16",
                    "date_of_birth": "2012-05-10",
                    "school_urn": "123456",
                },
                {
                    "child_id": "C",
                    "action": "invitations_sent",
                    "occurred_on": "2023-12-01",
                    "ehcp_copy_included": "yes",
                },
                {
                    "child_id": "C",
                    "action": "meeting_held",
                    "occurred_on": "2024-01-10",
                    "attendees": "parent_carer;child",
                    "topics": "not_recorded",
                },
            ],
            start=1,
        )
    ]
    plan = build_history(entries)
    assert plan is not None
    facts = cycle_facts(plan)[0]
    for name in CycleFacts._fields:
        changed = facts._replace(**{name: _other(getattr(facts, name))})
        assert facts_digest(changed) != facts_digest(facts), name
    for field in fields(Cycle):
        cycle = replace(facts.cycle, **{field.name: _other(getattr(facts.cycle, field.name))})
        assert facts_digest(facts._replace(cycle=cycle)) != facts_digest(facts), field.name
    outline = plan_facts(plan)
    for name in PlanFacts._fields:
        changed_plan = outline._replace(**{name: _other(getattr(outline, name))})
        assert facts_digest(changed_plan) != facts_digest(outline), name
