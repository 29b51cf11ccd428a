"""The view's `voided_entries` (what the reports read) equal rules.effective.voided_by over each
child's whole log, on hostile void histories written straight to the store (no admission check):
voids of voids, two entries with the same action and date, a void recorded before the entry it
names, voids dated before their entry, voids not yet known on a day; after a first build, after
catch-ups that add voids (judged here, and split with a forked copy), and after rebuilds (here
and in helper processes)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from ehcp_audit.application import EhcpAudit, NewEntry
from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.effective import voided_by
from ehcp_audit.view import recompute
from ehcp_audit.view.compliance_view import ComplianceView
from ehcp_audit.view.report_source import ViewReportData
from ehcp_audit.view.row_tuples import entries_by_child

START = date(2024, 1, 8)
DAYS = [START + timedelta(days=7 * i) for i in range(6)]
CHILDREN = [f"V{i:03d}" for i in range(24)]
DETAILS = {
    "placement_changed": {"school_urn": "123456"},
    "review_scheduled": {"meeting_on": "2024-06-03"},
    "papers_circulated": {},
    "meeting_held": {"attendees": "parent_carer", "topics": "concerns"},
}


def _entry(child: str, action: str, on: date, details: dict[str, str], late: bool) -> NewEntry:
    # A late one carries a recorded_at after the day it names: not yet known on that day.
    recorded_at = (on + timedelta(days=90)).isoformat() if late else ""
    return NewEntry(Entry(child, action, on, details, recorded_at=recorded_at), "hostile.csv", 1)


def _void(rng: random.Random, child: str, named: tuple[str, date]) -> NewEntry:
    details = {
        "void_action": named[0],
        "void_occurred_on": named[1].isoformat(),
        "reason": rng.choice(["entered in error", "wrong child", "duplicate", ""]),
    }
    # Dated before, on or after the entry it names: voids apply in their own date order.
    on = named[1] + timedelta(days=rng.choice([-10, 0, 0, 3, 30]))
    return _entry(child, "void", on, details, late=rng.random() < 0.3)


def _batch(
    rng: random.Random, history: dict[str, list[tuple[str, date]]]
) -> dict[str, list[NewEntry]]:
    """A few actions for some children: entries whose (action, day) often repeat, and voids
    naming one of them, one not recorded yet, a void (a void of a void) or nothing at all."""
    batch: dict[str, list[NewEntry]] = {}
    for child in rng.sample(CHILDREN, k=10):
        new = batch.setdefault(child, [])
        if not history[child]:
            issued = ("plan_issued", START)
            plan = {"date_of_birth": "2012-05-01", "school_urn": "123456"}
            new.append(_entry(child, *issued, plan, late=False))
            history[child].append(issued)
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.4:
                action = rng.choice(list(DETAILS))
                day = rng.choice(DAYS[:3])  # few days: the same action and date recur
                new.append(_entry(child, action, day, DETAILS[action], late=rng.random() < 0.2))
                history[child].append((action, day))
                continue
            named = rng.choice(
                [
                    *history[child],
                    (rng.choice(list(DETAILS)), rng.choice(DAYS[:3])),  # maybe recorded later
                    ("void", rng.choice(DAYS)),
                ]
            )
            new.append(_void(rng, child, named))
            history[child].append(("void", new[-1].entry.occurred_on))
    return batch


def _record(app: EhcpAudit, batch: dict[str, list[NewEntry]]) -> None:
    app.record(dict(batch.items()), app.plans(batch))


def _reference(view: ComplianceView) -> list[tuple[Any, ...]]:
    """voided_by over each child's whole log, as (child, version, void's version, reason)."""
    return sorted(
        (child, seq, void.seq, void.get("reason"))
        for child, entries in entries_by_child(view.entry_rows())
        for seq, void in voided_by(entries).items()
    )


def _kept(view: ComplianceView) -> list[tuple[Any, ...]]:
    return sorted(view.con.execute("SELECT * FROM voided_entries").fetchall())


def _check(view: ComplianceView) -> list[tuple[Any, ...]]:
    kept = _kept(view)
    assert kept == _reference(view)
    # What a report reads from the table: each entry's voided flag and the void's reason.
    frame = ViewReportData(view).entries()
    log = view.con.execute("SELECT position, child_id, version FROM entries").fetchall()
    keys = {p: (c, v) for p, c, v in log}
    flags = zip(frame.position, frame.voided, frame.void_reason, strict=True)
    assert {(keys[p], r) for p, v, r in flags if v} == {((c, v), r) for c, v, _, r in kept}
    return kept


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_voided_entries_equal_voided_by_through_catch_ups_and_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rng = random.Random(seed)
    settings = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(settings)
    history: dict[str, list[tuple[str, date]]] = {c: [] for c in CHILDREN}
    _record(app, _batch(rng, history))
    seen: list[int] = []
    with open_view(settings, app) as view:
        view.catch_up()
        seen.append(len(_check(view)))
        for turn in range(4):
            if turn % 2:
                # A catch-up split with a forked copy of this process.
                monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "2")
                monkeypatch.setattr(recompute, "FORK_FROM_CHILDREN", 2)
            _record(app, _batch(rng, history))
            view.catch_up()
            seen.append(len(_check(view)))
            monkeypatch.setattr(recompute, "FORK_FROM_CHILDREN", 400)
        view.rebuild()
        assert _check(view) == _kept_after(view, seen)
        # A rebuild whose children are judged by helper processes.
        monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "2")
        monkeypatch.setattr(recompute, "PARALLEL_FROM_CHILDREN", 2)
        view.rebuild()
        assert _check(view) == _kept_after(view, seen)
    # The histories were hostile enough: voids that cancelled, more of them after catch-ups.
    assert seen[0] < seen[-1]


def _kept_after(view: ComplianceView, seen: list[int]) -> list[tuple[Any, ...]]:
    kept = _kept(view)
    assert len(kept) == seen[-1]
    return kept


def test_the_hand_made_cases(tmp_path: Path) -> None:
    """Each case on its own: the entry each void cancels, and the void's reason."""
    settings = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(settings)
    plan = {"date_of_birth": "2012-05-01", "school_urn": "123456"}
    meeting = DETAILS["meeting_held"]

    def void(
        child: str, action: str, on: date, day: date, reason: str, late: bool = False
    ) -> NewEntry:
        details = {"void_action": action, "void_occurred_on": on.isoformat(), "reason": reason}
        return _entry(child, "void", day, details, late)

    d1, d2 = DAYS[1], DAYS[2]
    cases: dict[str, Sequence[NewEntry]] = {
        # Two meetings on one day, two voids of it: the later-dated void is applied second,
        # whatever the order they were recorded in.
        "H1": [
            _entry("H1", "plan_issued", START, plan, False),
            _entry("H1", "meeting_held", d1, meeting, False),
            _entry("H1", "meeting_held", d1, meeting, False),
            void("H1", "meeting_held", d1, d2 + timedelta(days=5), "second"),
            void("H1", "meeting_held", d1, d2, "first"),
        ],
        # A void recorded before the entry it names, and a void of that void.
        "H2": [
            _entry("H2", "plan_issued", START, plan, False),
            void("H2", "meeting_held", d1, d2, "ahead"),
            void("H2", "void", d2, d2, "of a void"),
            _entry("H2", "meeting_held", d1, meeting, False),
        ],
        # A void not yet known on its day (recorded later) still cancels in the whole log.
        "H3": [
            _entry("H3", "plan_issued", START, plan, False),
            _entry("H3", "meeting_held", d1, meeting, False),
            void("H3", "meeting_held", d1, d1, "late", late=True),
        ],
    }
    app.record(cases, {})
    with open_view(settings, app) as view:
        view.catch_up()
        # Versions count from 2: a plan's stream opens with its own event.
        assert _check(view) == [
            ("H1", 3, 6, "first"),
            ("H1", 4, 5, "second"),
            ("H2", 5, 3, "ahead"),
            ("H3", 3, 4, "late"),
        ]
