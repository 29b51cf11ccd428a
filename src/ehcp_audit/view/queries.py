"""Run the named, parameterised SQL files shipped in `view/sql/`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from ehcp_audit.view.sql_files import sql_text

if TYPE_CHECKING:
    import pandas as pd  # DuckDB loads it for `run` alone


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run `sql/<name>.sql` with DuckDB `$name` parameters; DATE columns come back as dates."""
    return con.execute(sql_text(name), params or None).df(date_as_object=True)


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Run a statement file that returns nothing (e.g. one that creates a relation)."""
    con.execute(sql_text(name), params or None)


def records(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run `sql/<name>.sql` and return plain rows (DATE as date, NULL as None), for templates."""
    cursor = con.execute(sql_text(name), params or None)
    columns = [d[0] for d in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def rows(
    con: duckdb.DuckDBPyConnection, name: str, **params: Any
) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """`records` as row tuples and each column's index: tens of thousands of rows without a
    dict each."""
    cursor = con.execute(sql_text(name), params or None)
    columns = {d[0]: i for i, d in enumerate(cursor.description or ())}
    return columns, cursor.fetchall()
