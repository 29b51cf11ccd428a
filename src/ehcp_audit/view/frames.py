"""Load the report inputs into an in-memory DuckDB connection under the names the SQL files use."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from ehcp_audit.view.queries import execute

if TYPE_CHECKING:
    import pandas as pd  # a DataFrame is loaded as given: pandas is never imported here
    import pyarrow as pa

COMPLIANCE_COLUMNS = (
    "child_id",
    "cycle",
    "due_on",
    "meeting_on",
    "school_urn",
    "measure",
    "deadline",
    "done_on",
    "status",
)
ENTRY_COLUMNS = (
    "position",
    "child_id",
    "action",
    "occurred_on",
    "recorded_by",
    "recorded_at",
    "imported_at",
    "source",
    "source_row",
    "details",
    "voided",
    "void_reason",
)
REJECTED_COLUMNS = ("imported_at", "source", "row", "error")


def _load(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame | pa.Table,
    columns: tuple[str, ...],
    name: str,
) -> None:
    """`frame` (a DataFrame, or an Arrow table: no Python object per cell) as the typed
    relation `name`."""
    import pyarrow as pa

    given = frame.column_names if isinstance(frame, pa.Table) else frame.columns
    missing = [c for c in columns if c not in given]
    if missing:
        raise ValueError(f"{name} rows lack the columns {', '.join(missing)}")
    view = f"{name}_input"
    chosen = (
        frame.select(columns) if isinstance(frame, pa.Table) else frame.loc[:, list(columns)]
    )
    con.register(view, chosen)
    try:
        execute(con, f"{name}_relation")
    finally:
        con.unregister(view)


def register_compliance(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame | pa.Table) -> None:
    """Create (or replace) the typed `compliance` relation from ReportData.compliance rows."""
    _load(con, frame, COMPLIANCE_COLUMNS, "compliance")


def register_entries(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame | pa.Table) -> None:
    _load(con, frame, ENTRY_COLUMNS, "entries")


def register_rejected(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame | pa.Table) -> None:
    _load(con, frame, REJECTED_COLUMNS, "rejected")


def compliance_connection(frame: pd.DataFrame | pa.Table) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection holding one as-of date's compliance rows."""
    con = duckdb.connect(":memory:")
    register_compliance(con, frame)
    return con
