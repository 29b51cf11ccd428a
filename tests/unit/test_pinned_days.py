"""Days the view keeps from the start (DfE's year ends, which every monthly report reads): a
rebuild's helpers judge them beside every child's latest rows, and the answer kept equals one
judged afresh, before and after late entries and voids; no other day evicts them."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, pinned_days
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.view import compliance_view, kept_answers, recompute
from ehcp_audit.view.compliance_view import ComplianceView
from tests.store_helpers import generated, read_rows, write_rows

PINNED = (date(2024, 12, 31), date(2025, 6, 30))


def _afresh(view: ComplianceView, day: date) -> pd.DataFrame:
    """The answer judged from the entries alone, nothing kept (and nothing left kept)."""
    for table in kept_answers.KEPT_TABLES:
        view.con.execute(f"DELETE FROM {table}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compliance_view, "KEEP_FROM_ROWS", 10**12)
        return view.compliance(day)


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small authority judged by helper processes, as a large one's rebuild is."""
    monkeypatch.setattr(recompute, "PARALLEL_FROM_CHILDREN", 1)
    monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "2")


def _kept(view: ComplianceView) -> dict[date, int]:
    rows = view.con.execute("SELECT as_of, position FROM kept_days").fetchall()
    return {d: int(p) for d, p in rows}


@pytest.mark.usefixtures("helpers")
def test_a_rebuild_keeps_the_pinned_days_and_they_equal_fresh_answers(tmp_path: Path) -> None:
    header, rows = read_rows(generated(tmp_path, 60, seed=7))
    late = set(random.Random(5).sample(range(len(rows)), len(rows) // 8))
    late |= {i for i, r in enumerate(rows) if r["action"] == "void"}
    first = [r for i, r in enumerate(rows) if i not in late]
    rest = [r for i, r in enumerate(rows) if i in late]
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    import_actions(app, write_rows(tmp_path / "first.csv", header, first))
    with ComplianceView(store.analytics_path, app, PINNED) as view:
        view.rebuild()
        assert _kept(view) == {day: view.position() for day in PINNED}
        for day in PINNED:
            judged = view.con.execute(
                "SELECT count(*) FROM kept_children WHERE as_of = ?", [day]
            ).fetchall()[0][0]
            later = view.con.execute(
                "SELECT count(*) FROM children WHERE last_on > ?", [day]
            ).fetchall()[0][0]
            assert judged == later > 0
        kept = [view.compliance(day) for day in PINNED]
        # Late entries, some dated before the days, and voids.
        import_actions(app, write_rows(tmp_path / "rest.csv", header, rest))
        view.catch_up()
        refreshed = [view.compliance(day) for day in PINNED]
        assert set(_kept(view)) == set(PINNED)
        fresh = [_afresh(view, day) for day in PINNED]
    for day, one, after, reference in zip(PINNED, kept, refreshed, fresh, strict=True):
        pd.testing.assert_frame_equal(after, reference)
        assert not one.equals(after), day  # the late entries changed the day's rows
    with ComplianceView(tmp_path / "plain.view.duckdb", app, ()) as plain:
        plain.rebuild()
        assert _kept(plain) == {}


@pytest.mark.usefixtures("helpers")
def test_the_kept_answer_before_late_entries_equals_a_fresh_one(tmp_path: Path) -> None:
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    import_actions(app, generated(tmp_path, 50, seed=9))
    with ComplianceView(store.analytics_path, app, PINNED) as view:
        view.rebuild()
        assert set(_kept(view)) == set(PINNED)
        kept = [view.compliance(day) for day in PINNED]
        fresh = [_afresh(view, day) for day in PINNED]
    for one, reference in zip(kept, fresh, strict=True):
        assert len(one) > 100
        pd.testing.assert_frame_equal(one, reference)


@pytest.mark.usefixtures("helpers")
def test_no_other_day_evicts_a_pinned_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    import_actions(app, generated(tmp_path, 30, seed=8))
    monkeypatch.setattr(compliance_view, "KEEP_FROM_ROWS", 1)
    monkeypatch.setattr(kept_answers, "KEPT_DAYS", 2)
    others = (date(2024, 3, 31), date(2025, 9, 30), date(2026, 4, 30))
    with ComplianceView(store.analytics_path, app, PINNED) as view:
        view.rebuild()
        for day in others:
            view.compliance(day)
        assert set(_kept(view)) == {*PINNED, *others[1:]}  # two unpinned days at most


def test_the_pinned_days_are_dfe_year_ends_and_an_in_memory_view_keeps_none() -> None:
    assert pinned_days() == (date(2024, 12, 31),)  # the shipped England figure's year
    app = open_app(Settings(db=":memory:"))
    assert ComplianceView(Path(":memory:"), app, PINNED).pinned_days == ()
