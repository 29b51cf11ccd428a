"""The SQL files of the web pages, shipped in `web/sql/` (read once per process)."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def web_sql(name: str) -> str:
    return resources.files("ehcp_audit.web").joinpath("sql", f"{name}.sql").read_text("utf-8")
