"""A past day's children are judged without loading pandas, about 0.3 s that an answer read as
an Arrow table (what every report reads) never needs: the judged rows go to DuckDB as text,
not as Arrow arrays made from Python lists (pyarrow loads pandas for those)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from tests.store_helpers import generated

ANSWER = """
import sys
from datetime import date
from ehcp_audit.bootstrap import open_view
from ehcp_audit.config import Settings
from ehcp_audit.view import compliance_view

compliance_view.FORK_FROM_CHILDREN = int(sys.argv[2])
with open_view(Settings(db=sys.argv[1])) as view:
    table = view.compliance_table(date(2025, 9, 30))
    judged = view.con.execute("SELECT count(*) FROM children WHERE last_on > DATE '2025-09-30'")
    print(table.num_rows, judged.fetchall()[0][0], "pandas" in sys.modules)
"""


def test_judging_a_past_day_loads_no_pandas(tmp_path: Path) -> None:
    store = Settings(db=str(tmp_path / "store.sqlite"))
    app = open_app(store)
    assert import_actions(app, generated(tmp_path, 60, seed=5)).rejected == 0
    with open_view(store, app) as view:
        view.catch_up()
    for fork_from in ("2", "1000"):  # partly in a forked copy, and all here
        done = subprocess.run(
            [sys.executable, "-c", ANSWER, str(store.db), fork_from],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        rows, judged, pandas = done.stdout.split()
        assert int(rows) > 0 and int(judged) > 0
        assert pandas == "False"
