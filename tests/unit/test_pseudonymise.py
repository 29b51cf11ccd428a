"""Pseudonymised exports (issue 7): child ids replaced by keyed, stable pseudonyms."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ehcp_audit.exports.pseudonyms import pseudonym, pseudonymise
from tests.store_helpers import AS_OF, child_ids, export, generated, run

KEY = "a-test-pseudonym-key-0123456789"


def test_pseudonyms_are_keyed_and_stable() -> None:
    assert re.fullmatch(r"P-[0-9a-f]{16}", pseudonym("LA-000001", KEY.encode()))
    assert pseudonym("LA-000001", KEY.encode()) == pseudonym("LA-000001", KEY.encode())
    assert pseudonym("LA-000001", KEY.encode()) != pseudonym("LA-000002", KEY.encode())
    assert pseudonym("LA-000001", KEY.encode()) != pseudonym("LA-000001", b"another key, long")


def test_pseudonymise_keeps_each_childs_rows_together_in_order() -> None:
    frame = pd.DataFrame({"child_id": ["A", "A", "B", "C", "C"], "cycle": [1, 2, 1, 1, 2]})
    out = pseudonymise(frame, KEY.encode())
    assert sorted(out["child_id"]) == list(out["child_id"])
    for child in "ABC":
        mine = out[out["child_id"] == pseudonym(child, KEY.encode())]
        assert list(mine["cycle"]) == list(frame[frame["child_id"] == child]["cycle"])
    assert pseudonymise(pd.DataFrame({"school_urn": ["1"]}), KEY.encode()).shape == (1, 1)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _values(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row.values())


def test_export_compliance_pseudonymised(tmp_path: Path) -> None:
    db, sample = str(tmp_path / "s.sqlite"), generated(tmp_path, 12)
    assert run(db, "import", "actions", sample).exit_code == 0
    plain = _rows(export(db, tmp_path / "plain.csv"))
    env = {"EHCP_AUDIT_PSEUDONYM_KEY": KEY}
    shared = export(db, tmp_path / "shared.csv", "--pseudonymise", env=env)
    assert export(db, tmp_path / "again.csv", "--pseudonymise", env=env) == shared
    assert not any(child in shared for child in child_ids(sample))
    expected = [{**r, "child_id": pseudonym(r["child_id"], KEY.encode())} for r in plain]
    assert sorted(map(_values, _rows(shared))) == sorted(map(_values, expected))


def test_export_kpis_pseudonymised_and_a_missing_key(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    assert run(db, "import", "actions", generated(tmp_path, 12)).exit_code == 0
    args = ("export", "kpis", "--period", AS_OF[:7], "--as-of", AS_OF)
    plain = run(db, *args, "--out", tmp_path / "k1.csv")
    shared = run(
        db, *args, "--out", tmp_path / "k2.csv", "--pseudonymise",
        env={"EHCP_AUDIT_PSEUDONYM_KEY": KEY},
    )  # fmt: skip
    assert plain.exit_code == shared.exit_code == 0
    # KPI rows are counts per school: there is no child id to replace.
    assert (tmp_path / "k1.csv").read_text() == (tmp_path / "k2.csv").read_text()

    for env, problem in (({}, "needs a key"), ({"EHCP_AUDIT_PSEUDONYM_KEY": "short"}, "too short")):
        refused = run(db, *args, "--out", tmp_path / "k3.csv", "--pseudonymise", env=env)
        assert refused.exit_code == 1 and problem in refused.output
        assert len(refused.output.splitlines()) == 1
    assert not (tmp_path / "k3.csv").exists()


def test_the_flag_is_documented() -> None:
    for command in (("export", "compliance"), ("export", "kpis")):
        assert "--pseudonymise" in run("x.sqlite", *command, "--help").output
