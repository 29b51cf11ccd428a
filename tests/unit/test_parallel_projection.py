"""Recomputing children in helper processes gives the view a one-process rebuild gives."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.errors import StoreError
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.view import evaluator, recompute
from ehcp_audit.view import pages as page_writer

DAYS = (date(2025, 3, 31), date(2026, 10, 31))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parallel-view")
    log = folder / "log.csv"
    subprocess.run(
        [
            *(sys.executable, "-m", "ehcp_audit.cli", "samples", "generate"),
            *("--children", "90", "--schools", "6", "--years", "3", "--seed", "5"),
            *("--end", "2026-10-31", "--out", str(log)),
        ],
        check=True,
        capture_output=True,
    )
    db = folder / "store.sqlite"
    result = import_actions(open_app(Settings(db=str(db))), log, today=date(2026, 11, 30))
    assert result.rejected == 0
    return db


def _view_tables(db: Path) -> dict[str, pd.DataFrame]:
    settings = Settings(db=str(db))
    with open_view(settings) as view:
        view.rebuild()
        tables = {
            name: view.con.execute(f"SELECT * FROM {name} ORDER BY ALL").df()
            for name in ("base_rows", "children", "entries", "plans", "dirty")
        }
        for day in DAYS:
            tables[str(day)] = view.compliance(day)
    return tables


def test_helper_processes_give_the_same_view(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "0")
    alone = _view_tables(store)
    monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "2")
    monkeypatch.setattr(recompute, "PARALLEL_FROM_CHILDREN", 1)
    monkeypatch.setattr(recompute, "CHILDREN_PER_CHUNK", 7)  # many chunks in flight
    helped = _view_tables(store)
    assert len(alone["base_rows"]) > 1000 and alone["dirty"].empty
    for name, table in alone.items():
        pd.testing.assert_frame_equal(helped[name], table, obj=name)


def test_a_forked_half_gives_the_same_view(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "0")
    alone = _view_tables(store)
    monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "2")
    monkeypatch.setattr(recompute, "FORK_FROM_CHILDREN", 4)
    monkeypatch.setattr(recompute, "CHILDREN_PER_CHUNK", 25)
    forked: list[int] = []
    real = recompute.forked

    def spy(there: Any, here: Any) -> Any:
        forked.append(len(there.args[0]))  # the copy's entry rows
        return real(there, here)

    monkeypatch.setattr(recompute, "forked", spy)
    split = _view_tables(store)
    assert len(forked) == 4 and all(forked)  # 90 children: chunks of 25, 25, 25, 15
    for name, table in alone.items():
        pd.testing.assert_frame_equal(split[name], table, obj=name)


def test_a_forked_half_that_fails_is_an_error() -> None:
    with pytest.raises(StoreError, match="stopped unexpectedly"):
        evaluator.forked(lambda: int("not a number"), lambda: 1)


def test_evaluate_in_process_matches_the_rules(store: Path) -> None:
    """The Arrow round trip loses nothing: a chunk judged by `evaluate` equals the rows the
    view holds for it."""
    with open_view(Settings(db=str(store))) as view:
        view.catch_up()
        children = [r[0] for r in view.con.execute("SELECT child_id FROM children").fetchall()]
        base, _, _ = evaluator.evaluate(view.projector._entries_of(children[:10]))
        stored = view.con.execute(
            "SELECT * FROM base_rows WHERE child_id IN (SELECT unnest(?)) ORDER BY ALL",
            [children[:10]],
        ).df()
    again = base.to_pandas().sort_values(list(base.column_names)).reset_index(drop=True)
    assert len(again) == len(stored) > 0
    pd.testing.assert_frame_equal(
        again.astype(str), stored.astype(str), check_dtype=False, check_names=True
    )


def test_a_helper_that_dies_is_an_error_not_a_silent_gap(store: Path) -> None:
    with open_view(Settings(db=str(store))) as view:
        view.catch_up()
        entries = view.projector._entries_of(["no-such-child"])
    with evaluator.Helpers(1) as pool:
        pool.processes[0].kill()
        pool.processes[0].wait()
        with pytest.raises(StoreError, match="stopped unexpectedly"):
            list(pool.map(iter([("k", entries)])))


def test_prefetched_pages_keep_order_errors_and_stop_early() -> None:
    assert list(page_writer.prefetched(iter(range(50)))) == list(range(50))

    def failing() -> Iterator[int]:
        yield 1
        raise StoreError("store went away")

    seen: list[int] = []
    with pytest.raises(StoreError, match="went away"):
        seen.extend(page_writer.prefetched(failing()))
    assert seen == [1]
    # prefetched is a generator function (annotated as returning an Iterator), so it has close()
    pages = page_writer.prefetched(iter(range(10**6)))
    assert next(pages) == 0
    pages.close()  # the reader thread stops instead of reading the rest
