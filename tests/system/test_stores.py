"""The core command-line flows on both stores: SQLite and PostgreSQL (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store_helpers import (
    AS_OF,
    child_ids,
    events_per_child,
    export,
    generated,
    read_rows,
    run,
    standard_sample,
    write_rows,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A PostgreSQL store's view file lives in the working directory.
    monkeypatch.chdir(tmp_path)


def _with_bad_rows(good: Path, out: Path) -> tuple[Path, int]:
    header, rows = read_rows(good)
    child = rows[0]["child_id"]
    bad = [
        {**rows[0], "action": "tea_break"},
        {**rows[0], "occurred_on": "31/02/2024"},
        {"child_id": child, "action": "review_scheduled", "occurred_on": "2024-03-01"},
    ]
    return write_rows(out, header, rows + bad), len(bad)


def test_import_exit_codes_rejects_and_duplicates(store_db: str, tmp_path: Path) -> None:
    good = generated(tmp_path, 25)
    rows = len(read_rows(good)[1])

    first = run(store_db, "import", "actions", good)
    assert first.exit_code == 0, first.output
    assert f"{rows} rows: {rows} imported, 0 duplicates skipped, 0 rejected" in first.output
    counts, logs = events_per_child(store_db)
    assert set(counts) == set(child_ids(good)) and logs == 1

    again = run(store_db, "import", "actions", good)
    assert again.exit_code == 0, again.output
    assert f"0 imported, {rows} duplicates skipped" in again.output
    assert events_per_child(store_db) == (counts, 2)

    bad, n_bad = _with_bad_rows(good, tmp_path / "bad.csv")
    strict = run(store_db, "import", "actions", bad, "--strict")
    assert strict.exit_code == 3 and "nothing was imported" in strict.output
    assert events_per_child(store_db) == (counts, 2)

    rejects = tmp_path / "rejects.csv"
    loose = run(store_db, "import", "actions", bad, "--rejects", rejects)
    assert loose.exit_code == 3, loose.output
    assert f"{rows} duplicates skipped, {n_bad} rejected" in loose.output
    header, rejected = read_rows(rejects)
    assert {"row", "error"} <= set(header) and len(rejected) == n_bad

    missing = run(store_db, "import", "actions", tmp_path / "no-such.csv")
    assert missing.exit_code == 2
    (tmp_path / "binary.csv").write_bytes(b"\x00\x01\x02 not a csv")
    assert run(store_db, "import", "actions", tmp_path / "binary.csv").exit_code == 2


def test_record_and_void(store_db: str, tmp_path: Path) -> None:
    plan = (
        "record", "plan_issued", "--child", "LA-REC-1", "--on", "2023-01-16",
        "--set", "date_of_birth=2012-05-10", "--set", "school_urn=123456",
    )  # fmt: skip
    recorded = run(store_db, *plan)
    assert recorded.exit_code == 0 and "recorded: plan_issued for LA-REC-1" in recorded.output
    assert run(store_db, *plan).output.strip() == "already recorded: nothing to do"
    refused = run(
        store_db, "record", "decision_issued", "--child", "LA-REC-1", "--on", "2024-02-09"
    )  # no --set decision=...: the row is rejected as an import's would be
    assert refused.exit_code == 3 and "not recorded" in refused.output
    not_a_date = run(
        store_db, "record", "decision_issued", "--child", "LA-REC-1", "--on", "2024-02-30"
    )
    assert not_a_date.exit_code == 2 and "not a date" in not_a_date.output

    assert "LA-REC-1," in export(store_db, tmp_path / "before.csv")
    void = run(
        store_db, "void", "--child", "LA-REC-1", "--action", "plan_issued",
        "--occurred-on", "2023-01-16", "--reason", "recorded on the wrong child",
    )  # fmt: skip
    assert void.exit_code == 0, void.output
    assert "LA-REC-1," not in export(store_db, tmp_path / "after.csv")
    counts, logs = events_per_child(store_db)
    assert counts == {"LA-REC-1": 3} and logs == 4  # opened, recorded, voided; nothing deleted


def test_project_rebuild_equals_catching_up(store_db: str, tmp_path: Path) -> None:
    sample = generated(tmp_path, 40)
    header, rows = read_rows(sample)
    half = len(rows) // 2
    write_rows(tmp_path / "first.csv", header, rows[:half])
    write_rows(tmp_path / "second.csv", header, rows[half:])
    assert run(store_db, "import", "actions", tmp_path / "first.csv").exit_code in (0, 3)
    assert run(store_db, "project").exit_code == 0
    assert run(store_db, "import", "actions", tmp_path / "second.csv").exit_code in (0, 3)
    caught_up = export(store_db, tmp_path / "caught_up.csv")
    rebuilt = run(store_db, "project", "--rebuild")
    assert rebuilt.exit_code == 0 and "rebuilt" in rebuilt.output
    assert export(store_db, tmp_path / "rebuilt.csv") == caught_up


def test_verify_and_head_hash(store_db: str, tmp_path: Path) -> None:
    assert run(store_db, "import", "actions", generated(tmp_path, 10)).exit_code == 0
    verified = run(store_db, "verify")
    assert verified.exit_code == 0 and verified.output.startswith("intact: ")


def test_both_stores_export_the_same(tmp_path: Path, fresh_postgres_url: str) -> None:
    sample = standard_sample(tmp_path)
    exports = []
    for name, db in (("sqlite", str(tmp_path / "s.sqlite")), ("postgres", fresh_postgres_url)):
        assert run(db, "import", "actions", sample).exit_code in (0, 3)
        kpis = tmp_path / f"{name}-kpis.csv"
        result = run(db, "export", "kpis", "--period", AS_OF[:7], "--as-of", AS_OF, "--out", kpis)
        assert result.exit_code == 0, result.output
        exports.append((export(db, tmp_path / f"{name}.csv"), kpis.read_text()))
    assert exports[0] == exports[1]
    assert len(exports[0][0].splitlines()) > 100


def test_plans_read_at_once_are_the_plans_read_one_at_a_time(store_db: str, tmp_path: Path) -> None:
    from ehcp_audit.bootstrap import open_app
    from ehcp_audit.config import Settings
    from ehcp_audit.domain.plan import Plan, plan_id

    good = generated(tmp_path, 25)
    assert run(store_db, "import", "actions", good).exit_code == 0
    ids = [*child_ids(good), "NO-SUCH-CHILD"]
    app = open_app(Settings(db=store_db))
    try:
        assert getattr(app.recorder, "select_streams", None) is not None
        at_once = app.plans(ids)
        assert sorted(at_once) == sorted(child_ids(good))
        for child_id, plan in at_once.items():
            one: Plan = app.repository.get(plan_id(child_id))
            assert (plan.id, plan.version) == (one.id, one.version)
            assert [e.as_state() for e in plan.entries] == [e.as_state() for e in one.entries]
    finally:
        app.close()
