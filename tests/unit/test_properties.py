"""Properties of import and export (issue: split, shuffle, re-import, void and correct)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from tests.strategies import TODAY, Row, action_log, write_csv

AS_OF_DAYS = (date(2021, 6, 30), date(2023, 3, 31), TODAY)
PROPERTY = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _export(
    tmp: Path, name: str, files: list[list[Row]], allow_rejects: bool = False
) -> list[pd.DataFrame]:
    store = Settings(db=str(tmp / f"{name}.sqlite"))
    app = open_app(store)
    for index, rows in enumerate(files):
        path = tmp / f"{name}-{index}.csv"
        write_csv(path, rows)
        result = import_actions(app, path, today=TODAY)
        assert allow_rejects or result.rejected == 0, [r.error for r in result.rejections]
    with open_view(store, app) as view:
        view.catch_up()
        return [view.compliance(day) for day in AS_OF_DAYS]


def _same(left: list[pd.DataFrame], right: list[pd.DataFrame]) -> None:
    for a, b in zip(left, right, strict=True):
        pd.testing.assert_frame_equal(a, b)


def _by_date(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: r["occurred_on"])


@PROPERTY
@given(rows=action_log(), seed=st.integers(0, 10**6), parts=st.integers(2, 4))
def test_split_shuffle_and_reimport_give_the_same_export(
    tmp_path_factory, rows: list[Row], seed: int, parts: int
) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    baseline = _export(tmp, "whole", [rows])
    rng = random.Random(seed)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    _same(baseline, _export(tmp, "shuffled", [shuffled]))
    ordered = _by_date(rows)
    cuts = sorted(rng.sample(range(len(ordered) + 1), k=min(parts - 1, len(ordered) + 1)))
    chunks = [ordered[a:b] for a, b in zip([0, *cuts], [*cuts, len(ordered)], strict=True)]
    for chunk in chunks:
        rng.shuffle(chunk)
    _same(baseline, _export(tmp, "split", chunks))
    _same(baseline, _export(tmp, "twice", [rows, shuffled]))


@PROPERTY
@given(rows=action_log(max_children=2), pick=st.integers(0, 10**6), shift=st.integers(1, 40))
def test_a_void_then_the_correct_entry_equals_never_making_the_mistake(
    tmp_path_factory, rows: list[Row], pick: int, shift: int
) -> None:
    tmp = tmp_path_factory.mktemp("void")
    baseline = _export(tmp, "right", [rows])
    choices = [r for r in rows if r["action"] not in ("plan_issued", "plan_ceased")]
    if not choices:
        return
    right = choices[pick % len(choices)]
    wrong_day = date.fromisoformat(right["occurred_on"]) - timedelta(days=shift)
    taken = {(r["child_id"], r["action"], r["occurred_on"]) for r in rows}
    plan_day = next(
        r["occurred_on"]
        for r in rows
        if r["child_id"] == right["child_id"] and r["action"] == "plan_issued"
    )
    if (
        right["child_id"],
        right["action"],
        wrong_day.isoformat(),
    ) in taken or wrong_day.isoformat() < plan_day:
        return
    wrong = {**right, "occurred_on": wrong_day.isoformat()}
    first = [r for r in rows if r is not right] + [wrong]
    void = {
        "child_id": right["child_id"],
        "action": "void",
        "occurred_on": TODAY.isoformat(),
        "void_action": wrong["action"],
        "void_occurred_on": wrong["occurred_on"],
        "reason": "entered with the wrong date",
    }
    # A mistaken date can itself be rejected (before its meeting, say); then so is its void.
    corrected = _export(tmp, "corrected", [first, [void, right]], allow_rejects=True)
    _same(baseline, corrected)


@PROPERTY
@given(rows=action_log(), seed=st.integers(0, 10**6), parts=st.integers(2, 4))
def test_incremental_catch_up_equals_a_rebuild(
    tmp_path_factory, rows: list[Row], seed: int, parts: int
) -> None:
    tmp = tmp_path_factory.mktemp("catchup")
    store = Settings(db=str(tmp / "store.sqlite"))
    app = open_app(store)
    ordered = _by_date(rows)
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(len(ordered) + 1), k=min(parts - 1, len(ordered) + 1)))
    with open_view(store, app) as view:
        for index, (a, b) in enumerate(zip([0, *cuts], [*cuts, len(ordered)], strict=True)):
            path = tmp / f"part-{index}.csv"
            write_csv(path, ordered[a:b])
            import_actions(app, path, today=TODAY)
            view.catch_up()
        incremental = [view.compliance(day) for day in AS_OF_DAYS]
        view.rebuild()
        rebuilt = [view.compliance(day) for day in AS_OF_DAYS]
    _same(incremental, rebuilt)
