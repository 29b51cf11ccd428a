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
from ehcp_audit.view import projector, recompute

TODAY = date(2026, 11, 30)
TABLES = (
    *("base_rows", "cycle_inputs", "children", "entries", "plans", "dirty", "tracking"),
    "voided_entries",
)


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
        # Children whose plan is still in force (a ceased plan takes no new steps).
        query = (
            "SELECT child_id FROM children WHERE child_id NOT IN "
            "(SELECT child_id FROM entries WHERE action = 'plan_ceased') ORDER BY 1"
        )
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


@pytest.mark.parametrize("split", [False, True], ids=["here", "forked"])
def test_catch_up_writes_only_groups_whose_facts_changed_and_equals_a_rebuild(
    store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: bool
) -> None:
    before = _tables(store)["base_rows"]
    written: list[tuple[str, int]] = []
    write = projector.Projector._write_changes
    forks: list[int] = []
    fork = recompute.forked

    def spy(
        self: projector.Projector, chunk: list[str], changes: recompute.Changes, voided: Any
    ) -> None:
        written.extend(changes.groups)
        write(self, chunk, changes, voided)

    def spy_fork(there: Any, here: Any) -> Any:
        forks.append(len(there.args[0]))
        return fork(there, here)

    monkeypatch.setattr(projector.Projector, "_write_changes", spy)
    monkeypatch.setattr(recompute, "forked", spy_fork)
    if split:
        # The six touched children split with a forked copy, which judges some of them.
        monkeypatch.setenv("EHCP_AUDIT_PROJECT_WORKERS", "2")
        monkeypatch.setattr(recompute, "FORK_FROM_CHILDREN", 2)
    with open_view(store) as view:
        assert view.catch_up() == 7  # six entries and the import log
    assert bool(forks) is split and all(forks)
    caught_up = _tables(store)
    after = caught_up["base_rows"]

    def group_rows(frame: pd.DataFrame) -> dict[tuple[str, int], list[tuple[Any, ...]]]:
        """Rows by (child, group): a cycle's measure rows, or (group 0) its phase transfers."""
        rows: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
        for row in frame.itertuples(index=False, name=None):
            group = 0 if row[5] == "phase_transfer_deadline" else row[1]
            rows.setdefault((row[0], group), []).append(row)
        return rows

    old, new = group_rows(before), group_rows(after)
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    touched = set(caught_up["entries"].sort_values("position").child_id.iloc[-6:])
    # Every group whose rows changed was judged again and written; so were groups whose facts
    # changed (a booking) though their rows did not, and only those of the touched children.
    assert changed and changed <= set(written), (changed, written)
    assert {child for child, _ in written} == touched
    # The touched children's other groups were neither judged nor written.
    assert {k for k in new if k[0] in touched} > set(written)

    rebuilt = tmp_path / "rebuilt.sqlite"
    shutil.copy(store.db, rebuilt)
    rebuilt_settings = Settings(db=str(rebuilt))
    with open_view(rebuilt_settings) as view:
        view.rebuild()
    for name, table in _tables(rebuilt_settings).items():
        pd.testing.assert_frame_equal(caught_up[name], table, obj=name)


def test_a_small_catch_up_loads_no_arrow_nor_event_classes(store: Settings) -> None:
    """Arrow (with the pandas it loads) is about half a second, the plan's event classes about
    0.04 s of every start: only big batches need the one, only decoding events the other."""
    code = (
        "import sys\n"
        "from ehcp_audit.bootstrap import open_view\n"
        "from ehcp_audit.config import Settings\n"
        "with open_view(Settings(db=sys.argv[1])) as view:\n"
        "    assert view.catch_up() > 0\n"
        "heavy = ('pyarrow', 'pandas', 'numpy', 'ehcp_audit.domain.plan')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, store.db], check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "[]"


def test_a_view_in_an_earlier_format_is_rebuilt(store: Settings) -> None:
    with open_view(store) as view:
        view.catch_up()
        view.con.execute("UPDATE tracking SET store = 'log'")  # as versions before 'view 2'
        view.con.execute("DELETE FROM base_rows")
    with open_view(store) as view:
        view.catch_up()
        assert view.con.execute("SELECT store FROM tracking").fetchall() == [(projector.FORMAT,)]
        assert view.con.execute("SELECT count(*) FROM base_rows").fetchall()[0][0] > 0
