"""`ehcp-audit demo` on a small authority: every file it writes is listed, and exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ehcp_audit.cli.main import _register, cli

_register()


def test_the_demo_lists_every_file_it_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--db", "demo.sqlite", "demo", "--children", "40"])
    assert result.exit_code == 0, result.output
    listed = {
        Path(line.split()[-1]).resolve()
        for line in result.output.split("Reports written")[1].splitlines()[1:]
        if line.strip()
    }
    written = {p.resolve() for p in (tmp_path / "reports").rglob("*") if p.is_file()}
    top_level = {p for p in written if p.parent == (tmp_path / "reports").resolve()}
    assert top_level <= listed, f"written but not listed: {top_level - listed}"
    assert all(p.exists() for p in listed)
    assert any(p.suffix == ".xlsx" for p in listed)
    assert "Traceback" not in result.output
