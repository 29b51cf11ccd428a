"""Past as-of answers kept in the view: the next answer for the day judges again only the children
with entries after it, and equals an answer judged afresh (late entries and voids included)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.view import compliance_view, kept_answers
from ehcp_audit.view.compliance_view import ComplianceView
from tests.contract_helpers import decision, invitations, meeting, plan, row, void, write_csv
from tests.store_helpers import generated, read_rows, write_rows

DAYS = (date(2024, 3, 31), date(2025, 9, 30), date(2026, 4, 30))


def _afresh(view: ComplianceView, day: date) -> pd.DataFrame:
    """The answer judged from the entries alone, with nothing kept (and nothing left kept)."""
    view.con.execute("DELETE FROM kept_rows")
    view.con.execute("DELETE FROM kept_days")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compliance_view, "KEEP_FROM_ROWS", 10**12)
        return view.compliance(day)


def test_a_kept_day_equals_a_fresh_answer_after_late_entries_and_voids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header, rows = read_rows(generated(tmp_path, 60, seed=7))
    later = set(random.Random(3).sample(range(len(rows)), len(rows) // 6))
    later |= {i for i, r in enumerate(rows) if r["action"] == "void"}  # some voids come late
    early = [r for i, r in enumerate(rows) if i not in later]
    rest = [r for i, r in enumerate(rows) if i in later]
    first = write_rows(tmp_path / "first.csv", header, early)
    assert any(r["action"] == "void" for r in rest)
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    import_actions(app, first)
    monkeypatch.setattr(compliance_view, "KEEP_FROM_ROWS", 1)
    with open_view(store, app) as view:
        view.catch_up()
        kept = [view.compliance(day) for day in DAYS]
        assert view.con.execute("SELECT count(*) FROM kept_days").fetchall() == [(len(DAYS),)]
        again = [view.compliance(day) for day in DAYS]
        import_actions(app, write_rows(tmp_path / "rest.csv", header, rest))
        view.catch_up()
        after = [view.compliance(day) for day in DAYS]
        reference = [_afresh(view, day) for day in DAYS]
    for one, other in zip(kept, again, strict=True):
        pd.testing.assert_frame_equal(one, other)
    for one, other in zip(after, reference, strict=True):
        pd.testing.assert_frame_equal(one, other)
    assert not all(a.equals(b) for a, b in zip(kept, after, strict=True))


def test_only_the_most_recently_used_days_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    import_actions(app, generated(tmp_path, 30, seed=8))
    monkeypatch.setattr(compliance_view, "KEEP_FROM_ROWS", 1)
    monkeypatch.setattr(kept_answers, "KEPT_DAYS", 2)
    with open_view(store, app) as view:
        view.catch_up()
        for day in (DAYS[0], DAYS[1], DAYS[0], DAYS[2]):
            view.compliance(day)
        days = view.con.execute("SELECT as_of FROM kept_days ORDER BY as_of").fetchall()
        held = view.con.execute("SELECT DISTINCT as_of FROM kept_rows ORDER BY as_of").fetchall()
    assert [d for (d,) in days] == [DAYS[0], DAYS[2]]
    assert held == days


DAY = date(2025, 6, 30)
BEFORE = [  # what is recorded when DAY is first answered and kept
    *[plan(c, "2024-09-01") for c in ("later", "late", "void", "void-last", "settled", "quiet")],
    *[meeting(c, "2025-06-20") for c in ("later", "late", "void", "void-last", "settled", "quiet")],
    *[invitations(c, "2025-05-01") for c in ("void", "later")],
    *[decision(c, "2025-07-10") for c in ("later", "late", "void", "void-last", "quiet")],
    decision("void-after", "2025-07-20"),
    plan("issued-later", "2025-08-01"),
    *[plan("void-after", "2024-09-01"), meeting("void-after", "2025-06-20")],
    row("void-after", "paperwork_submitted", "2025-07-05"),
]
AFTER = [  # recorded since: what each child's name says
    row("later", "paperwork_submitted", "2025-07-05"),  # dated after the day: rows hold
    invitations("late", "2025-05-01"),  # a late entry, dated before the day
    void("void", "2025-08-01", "invitations_sent", "2025-05-01"),  # dated after, removes before
    void("void-last", "2025-07-15", "decision_issued", "2025-07-10"),  # nothing after the day
    invitations("issued-later", "2025-09-01"),  # no rows as of the day, before or after
    decision("settled", "2025-07-10"),  # had nothing after the day when it was kept
    void("void-after", "2025-08-01", "paperwork_submitted", "2025-07-05"),
]


def test_a_kept_day_judges_again_only_the_children_whose_rows_as_of_it_may_have_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    assert import_actions(app, write_csv(tmp_path / "before.csv", BEFORE)).rejected == 0
    monkeypatch.setattr(compliance_view, "KEEP_FROM_ROWS", 1)
    judged: list[str] = []
    judge_inputs = ComplianceView._judge_inputs

    def recording(view: ComplianceView, *args: Any) -> Any:
        judging = view.con.execute("SELECT child_id FROM judged_children").fetchall()
        judged.extend(child for (child,) in judging)
        return judge_inputs(view, *args)

    monkeypatch.setattr(ComplianceView, "_judge_inputs", recording)
    with open_view(store, app) as view:
        view.catch_up()
        kept = view.compliance(DAY)
        assert set(judged) == CHILDREN - {"settled"}  # every child with entries after the day
        assert import_actions(app, write_csv(tmp_path / "after.csv", AFTER)).rejected == 0
        view.catch_up()
        judged.clear()
        after = view.compliance(DAY)
        assert set(judged) == {"late", "settled", "void", "void-after"}
        again = view.compliance(DAY)
        reference = _fresh(view, DAY)
        # A child whose kept rows were forgotten (a void left nothing after the day) gets an
        # entry after the day again: it was not judged for the kept day, so it is now.
        later = write_csv(tmp_path / "later.csv", [decision("void-last", "2025-07-20")])
        assert import_actions(app, later).rejected == 0
        view.catch_up()
        judged.clear()
        refreshed = view.compliance(DAY)
        assert judged == ["void-last"]
        pd.testing.assert_frame_equal(refreshed, _fresh(view, DAY))
    pd.testing.assert_frame_equal(after, reference)
    pd.testing.assert_frame_equal(again, reference)
    changed = {c for c in CHILDREN if not _rows_of(kept, c).equals(_rows_of(after, c))}
    assert changed == {"late", "void"}
    assert set(after["child_id"]) == set(kept["child_id"]) == CHILDREN - {"issued-later"}


CHILDREN = {r["child_id"] for r in BEFORE}


def _fresh(view: ComplianceView, day: date) -> pd.DataFrame:
    """Every child judged from its entries (nothing kept read or written)."""
    return view.compliance(day, at_position=view.position())


def _rows_of(answer: pd.DataFrame, child: str) -> pd.DataFrame:
    return answer[answer["child_id"] == child].reset_index(drop=True)


def test_kept_days_equal_fresh_judgements_through_rounds_of_late_entries_and_voids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries arriving in rounds, in any order of business date, with voids of earlier
    rounds' entries dated from the same day to a year later: after each round, each kept day
    (refreshed, never judged afresh) equals a judgement of every child."""
    header, rows = read_rows(generated(tmp_path, 40, seed=12))
    pick = random.Random(5)
    first = [r for r in rows if r["action"] == "plan_issued" or pick.random() < 0.4]
    rest = [r for r in rows if not any(r is f for f in first)]
    rounds = [first, *(rest[k::3] for k in range(3)), []]  # the last round: only voids
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    monkeypatch.setattr(compliance_view, "KEEP_FROM_ROWS", 1)
    with open_view(store, app) as view:
        for number, chosen in enumerate(rounds):
            if number:
                chosen = chosen + _voids_of(pick.sample(rows, 8 if chosen else 40), pick)
            part = write_rows(tmp_path / f"round{number}.csv", header, chosen)
            import_actions(app, part)
            view.catch_up()
            for day in DAYS:
                pd.testing.assert_frame_equal(view.compliance(day), _fresh(view, day))
        voids = view.con.execute("SELECT count(*) FROM entries WHERE action = 'void'").fetchall()
        assert view.con.execute("SELECT count(*) FROM kept_days").fetchall() == [(len(DAYS),)]
    assert voids[0][0] >= 40


def _voids_of(entries: list[dict[str, str]], pick: random.Random) -> list[dict[str, str]]:
    return [
        {
            **{k: "" for k in e},
            "child_id": e["child_id"],
            "action": "void",
            "occurred_on": (date.fromisoformat(e["occurred_on"]) + timedelta(pick.randrange(400)))
            .isoformat(),
            "void_action": e["action"],
            "void_occurred_on": e["occurred_on"],
            "reason": "entered in error",
        }
        for e in entries
        if e["action"] not in ("void", "plan_issued")
    ]
