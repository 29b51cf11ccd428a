"""Past as-of answers kept in the view. Answering a day before some children's latest entries
judges those children again from their entries (most of a past month's cost); the rows are
kept with the log position they were judged at, so that the next answer for the same day (the
next report of that month, `report school --all`, tomorrow's monthly report after a catch-up)
judges again only the children whose rows as of the day may have changed since: those with a
new entry dated on or before the day (a late entry), or a new void of any date. A child whose
new entries are all dated after the day, none a void, has the same entries up to the day, so
its kept rows still hold (a day's new actions are nearly all of this kind). A child not judged
when the day was kept (kept_children) that has entries after it now is judged too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import duckdb

from ehcp_audit.view.sql_files import sql_text

# An answer judging fewer rows than this is quick to judge again: not kept.
KEEP_FROM_ROWS = 20_000
# Days kept at most (each about a million rows at 20,000 children): a year of month ends and
# the day itself, what a monthly report and an inspection pack ask; the least recently used
# day goes first.
KEPT_DAYS = 13


def kept_position(con: duckdb.DuckDBPyConnection, as_of: date) -> int | None:
    """The log position the day's kept rows were judged at; None when the day is not kept."""
    found = con.execute("SELECT position FROM kept_days WHERE as_of = ?", [as_of]).fetchall()
    return int(found[0][0]) if found else None


def stale_children() -> str:
    """The query (parameters $as_of, $kept) of the children a kept day's answer judges again."""
    return sql_text("kept_stale").format(changed=sql_text("kept_changed"))


def keep(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    kept: int | None,
    position: int,
    rows: str,
    params: Mapping[str, object] | None = None,
) -> None:
    """Store the day's rows judged again (relation `rows`, ROW_COLUMNS, with its parameters
    `params`, among which $as_of) as judged at
    `position`, and the children judged (temporary table `judged_children`): what was kept of
    them, and of the children whose rows may have changed since `kept`, is replaced. Call
    inside a transaction."""
    used = con.execute("SELECT coalesce(max(used), 0) + 1 FROM kept_days").fetchall()[0][0]
    if kept is None:
        evicted = con.execute(
            "SELECT as_of FROM kept_days ORDER BY used DESC OFFSET ?", [KEPT_DAYS - 1]
        ).fetchall()
        # The day itself too: nothing of it may be left but what this answer keeps.
        for day in {as_of, *(d for (d,) in evicted)}:
            for table in KEPT_TABLES:
                con.execute(f"DELETE FROM {table} WHERE as_of = ?", [day])
        con.execute("INSERT INTO kept_days VALUES (?, ?, ?)", [as_of, position, used])
    else:
        for table in ("kept_rows", "kept_children"):
            forget = sql_text("kept_forget").format(table=table, changed=sql_text("kept_changed"))
            con.execute(forget, {"as_of": as_of, "kept": kept})
        con.execute(
            "UPDATE kept_days SET position = ?, used = ? WHERE as_of = ?", [position, used, as_of]
        )
    con.execute(sql_text("kept_insert").format(rows=rows), {**(params or {}), "as_of": as_of})
    con.execute("INSERT INTO kept_children SELECT ?, child_id FROM judged_children", [as_of])


KEPT_TABLES = ("kept_rows", "kept_children", "kept_days")
