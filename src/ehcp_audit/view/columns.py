"""Column types, as `sql/schema.sql` declares them (the one declaration): batches staged for
DuckDB (list parameters or Arrow) and the helper processes' Arrow tables use the same types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from ehcp_audit.view.sql_files import sql_text

if TYPE_CHECKING:
    import pyarrow as pa

_TYPES = "BIGINT|INTEGER|DATE|TIMESTAMP|VARCHAR|BLOB"
_COLUMN = re.compile(rf'(?:\(|,)\s*"?(\w+)"?\s+({_TYPES})\b')


@cache
def sql_types() -> dict[str, str]:
    """Each column name of the view's tables and its DuckDB type (a name has one type)."""
    found: dict[str, str] = {}
    for name, kind in _COLUMN.findall(re.sub(r"--[^\n]*", "", sql_text("schema"))):
        if found.setdefault(name, kind) != kind:
            raise ValueError(f"schema.sql declares {name} as {found[name]} and as {kind}")
    return found


def sql_type(column: str) -> str:
    """A column's DuckDB type; a column of no view table (e.g. an event's topic) is text."""
    return sql_types().get(column, "VARCHAR")


def arrow_schema(columns: Iterable[str]) -> pa.Schema:
    import pyarrow as pa

    types = {
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
        "VARCHAR": pa.string(),
        "BLOB": pa.binary(),
    }
    return pa.schema([(c, types[sql_type(c)]) for c in columns])
