"""The one loader of the SQL files shipped in `view/sql/`."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def sql_text(name: str) -> str:
    """The text of `view/sql/<name>.sql` (read once per process)."""
    return resources.files("ehcp_audit.view").joinpath("sql", f"{name}.sql").read_text("utf-8")
