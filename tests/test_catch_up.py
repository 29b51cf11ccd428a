"""A small catch-up rewrites only the children whose rows changed, and loads no Arrow."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.projection import projector

TODAY = date(2026, 11, 30)
TABLES = ("base_rows", "children", "entries", "plans", "dirty", "tracking")


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catch-up") / "log.csv"
    subprocess.run(
        [
            *(sys.executable, "-m", "ehcp_audit.cli", "samples", "generate"),
            *("--children", "40", "--schools", "4", "--years", "3", "--seed", "8"),
            *("--end", "2026-10-31", "--out", str(path)),
        ],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def store(log: Path, tmp_path: Path) -> Settings:
    """A store with a caught-up view, and new actions in its log not yet projected: a review
    booked for a few children (no row changes), papers circulated for one (its rows change)."""
    db = tmp_path / "store.sqlite"
    settings = Settings(db=str(db))
    assert import_actions(open_app(settings), log, today=TODAY).rejected == 0
    with open_view(settings) as view:
        view.rebuild()
        query = "SELECT child_id FROM children ORDER BY 1"
        children = [r[0] for r in view.con.execute(query).fetchall()]
    new = tmp_path / "new.csv"
    rows = [f"{c},review_scheduled,2026-10-20,2026-11-20" for c in children[:5]]
    rows.append(f"{children[5]},papers_circulated,2026-11-02,")
    new.write_text("child_id,action,occurred_on,meeting_on\n" + "\n".join(rows) + "\n")
    result = import_actions(open_app(settings), new, today=TODAY)
    assert result.imported == len(rows), result.summary()
    return settings


def _tables(settings: Settings) -> dict[str, pd.DataFrame]:
    with open_view(settings) as view:
        return {t: view.con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in TABLES}


def test_catch_up_writes_only_changed_children_and_equals_a_rebuild(
    store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _tables(store)["base_rows"]
    written: list[str] = []
    insert = projector._insert

    def spy(con: Any, table: str, columns: tuple[str, ...], rows: Any) -> None:
        if table == "base_rows":
            written.extend(r[0] for r in rows)
        insert(con, table, columns, rows)

    monkeypatch.setattr(projector, "_insert", spy)
    with open_view(store) as view:
        assert view.catch_up() == 7  # six entries and the import log
    caught_up = _tables(store)
    after = caught_up["base_rows"]
    changed = {
        child
        for child in set(before.child_id) | set(after.child_id)
        if not before[before.child_id == child]
        .reset_index(drop=True)
        .equals(after[after.child_id == child].reset_index(drop=True))
    }
    touched = set(caught_up["entries"].sort_values("position").child_id.iloc[-6:])
    assert changed and set(written) == changed and changed < touched, (changed, touched)

    rebuilt = tmp_path / "rebuilt.sqlite"
    shutil.copy(store.db, rebuilt)
    rebuilt_settings = Settings(db=str(rebuilt))
    with open_view(rebuilt_settings) as view:
        view.rebuild()
    for name, table in _tables(rebuilt_settings).items():
        pd.testing.assert_frame_equal(caught_up[name], table, obj=name)


def test_a_small_catch_up_loads_no_arrow(store: Settings) -> None:
    """Arrow (with the pandas it loads) is about half a second: only big batches need it."""
    code = (
        "import sys\n"
        "from ehcp_audit.bootstrap import open_view\n"
        "from ehcp_audit.config import Settings\n"
        "with open_view(Settings(db=sys.argv[1])) as view:\n"
        "    assert view.catch_up() > 0\n"
        "print(sorted(m for m in ('pyarrow', 'pandas', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, store.db], check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "[]"
