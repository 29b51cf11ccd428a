"""Past as-of answers kept in the view: the next answer for the day judges again only the children
with entries after it, and equals an answer judged afresh (late entries and voids included)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.view import compliance_view, kept_answers
from ehcp_audit.view.compliance_view import ComplianceView
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
