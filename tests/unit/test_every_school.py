"""`report school --all`: every setting's report in one run, each the same as its own report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest

from ehcp_audit.reports.school import build_every_school, known_urns
from ehcp_audit.view.periods import Month
from tests.report_fakes import FakeReportData
from tests.store_helpers import generated, run


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("every-school")
    db = str(tmp / "store.sqlite")
    assert run(db, "import", "actions", generated(tmp, 40, seed=3)).exit_code == 0
    return db


@pytest.mark.parametrize(
    "options",
    [
        ("--month", "2026-10"),
        ("--month", "2025-06", "--target", "decision_4_weeks=70"),
        ("--month", "2026-09", "--at-position", "900"),
    ],
)
def test_every_setting_gets_the_report_it_would_get_alone(
    store: str, tmp_path: Path, options: tuple[str, ...]
) -> None:
    every = run(store, "report", "school", "--all", *options, "--out", tmp_path / "all")
    assert every.exit_code == 0, every.output
    written = sorted(Path(line) for line in every.output.split())
    assert len(written) == 6
    assert sorted((tmp_path / "all").iterdir()) == written
    for path in written:
        urn = path.name.split("-")[1]
        alone = run(store, "report", "school", urn, *options, "--out", tmp_path / "one")
        assert alone.exit_code == 0, alone.output
        mine = Path(alone.output.strip())
        assert mine.name == path.name
        assert mine.read_bytes() == path.read_bytes(), urn


def test_a_urn_and_all_together_are_refused(store: str, tmp_path: Path) -> None:
    result = run(store, "report", "school", "123456", "--all", "--month", "2026-10")
    assert result.exit_code == 2
    assert "either a URN (123456) or --all" in result.output


def test_the_templates_are_compiled_once_for_every_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[str | None] = []
    compile_source = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: str | None = None, *a: Any) -> Any:
        compiled.append(name)
        return compile_source(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    data = FakeReportData()
    paths = build_every_school(data, Month.parse("2025-03"), date(2025, 3, 31), tmp_path)
    assert len(paths) == len(known_urns(data)) > 2
    assert len(compiled) == len(set(compiled)), sorted(compiled, key=str)
