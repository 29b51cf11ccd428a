"""Compiled templates are kept between runs, and a cache folder that fails never fails a
report (reports/render.py)."""

from __future__ import annotations

import pytest
from jinja2.bccache import FileSystemBytecodeCache

from ehcp_audit.reports import render


def test_the_report_environment_keeps_compiled_templates() -> None:
    assert isinstance(render.environment().bytecode_cache, FileSystemBytecodeCache)


def test_a_cache_that_cannot_be_read_or_written_means_compiling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemBytecodeCache, "load_bytecode", broken)
    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", broken)
    template = render.environment().get_template("base.html")
    assert template is not None


def test_no_safe_cache_folder_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    def unsafe(_: object) -> str:
        raise RuntimeError("Cannot determine safe temp directory.")

    monkeypatch.setattr(FileSystemBytecodeCache, "_get_default_cache_dir", unsafe)
    env = render.environment()
    assert env.bytecode_cache is None
    assert env.get_template("base.html") is not None
