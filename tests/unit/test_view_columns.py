"""Column types are declared once, in view/sql/schema.sql: what the projector stages (lists or
Arrow) has the type DuckDB gives the same column, in every table of the view."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ehcp_audit.view.columns import arrow_schema, sql_type
from ehcp_audit.view.row_tuples import BASE_COLUMNS
from ehcp_audit.view.sql_files import sql_text


def test_every_column_of_the_view_is_staged_with_its_declared_type() -> None:
    con = duckdb.connect()
    con.execute(sql_text("schema"))
    declared = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
    ).fetchall()
    assert len(declared) > 40
    wrong = [(t, c, kind, sql_type(c)) for t, c, kind in declared if sql_type(c) != kind]
    assert not wrong


def test_arrow_batches_take_the_same_types() -> None:
    schema = arrow_schema((*BASE_COLUMNS, "position", "imported_at", "topic"))
    assert schema.field("cycle").type == pa.int32()
    assert schema.field("due_on").type == pa.date32()
    assert schema.field("position").type == pa.int64()
    assert schema.field("imported_at").type == pa.timestamp("us")
    assert schema.field("topic").type == pa.string()  # in no table: text
