"""Writing a rendered report to disk."""

from __future__ import annotations

from pathlib import Path

from ehcp_audit.reports.render import Context, render


def write_report(context: Context, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(context), encoding="utf-8", newline="\n")
    return path
