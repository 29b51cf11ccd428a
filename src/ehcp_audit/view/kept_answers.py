"""Past as-of answers kept in the view. Answering a day before some children's latest entries
judges those children again from their entries (most of a past month's cost); the rows are
kept with the log position they were judged at, so that the next answer for the same day (the
next report of that month, `report school --all`, tomorrow's monthly report after a catch-up)
judges again only the children whose rows as of the day may have changed since: those with a
new entry dated on or before the day (a late entry), or a new void of any date. A child whose
new entries are all dated after the day, none a void, has the same entries up to the day, so
its kept rows still hold (a day's new actions are nearly all of this kind). A child not judged
when the day was kept (kept_children) that has entries after it now is judged too.

Some days are pinned (bootstrap.pinned_days: DfE's year ends, which every monthly report
reads): a rebuild's helpers judge them beside every child's latest rows (evaluator.judge_days,
KeptDays below), and no other day evicts them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import duckdb

from ehcp_audit.rules.compliance import PHASE_TRANSFER
from ehcp_audit.rules.facts import TRANSFERS
from ehcp_audit.view.sql_files import sql_text
from ehcp_audit.view.staging import transaction

if TYPE_CHECKING:
    import pyarrow as pa

# An answer judging fewer rows than this is quick to judge again: not kept.
KEEP_FROM_ROWS = 20_000
# Days kept at most besides the pinned ones (each about a million rows at 20,000 children): the
# past days exports and inspection packs ask (a pack's year ends); the least recently used day
# goes first.
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
    pinned: Collection[date] = (),
) -> None:
    """Store the day's rows judged again (relation `rows`, ROW_COLUMNS, with its parameters
    `params`, among which $as_of) as judged at
    `position`, and the children judged (temporary table `judged_children`): what was kept of
    them, and of the children whose rows may have changed since `kept`, is replaced. The
    `pinned` days are never evicted. Call inside a transaction."""
    used = con.execute("SELECT coalesce(max(used), 0) + 1 FROM kept_days").fetchall()[0][0]
    if kept is None:
        evicted = con.execute(
            "SELECT as_of FROM kept_days WHERE NOT list_contains(CAST(? AS DATE[]), as_of) "
            "ORDER BY used DESC OFFSET ?",
            [list(pinned), KEPT_DAYS - 1],
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


class KeptDays:
    """Days judged a chunk at a time beside a rebuild's judgement (evaluator.judge_days, three
    Arrow tables a day and a chunk), kept in the view once every chunk is in: the answer
    compliance_view._answer would keep for each day, judged without fetching the entries
    again."""

    def __init__(self, days: Sequence[date]) -> None:
        self.days = tuple(days)
        self.parts: list[list[Sequence[pa.Table]]] = [[] for _ in self.days]

    def add(self, tables: Sequence[pa.Table]) -> None:
        for k, parts in enumerate(self.parts):
            parts.append(tables[3 * k : 3 * k + 3])

    def keep(self, con: duckdb.DuckDBPyConnection, position: int) -> None:
        import pyarrow as pa

        for day, parts in zip(self.days, self.parts, strict=True):
            if not parts:
                continue
            base, reused, children = (pa.concat_tables([p[i] for p in parts]) for i in range(3))
            con.register("judged_rows", base)
            con.register("reused_groups", reused)
            con.register("day_children", children)
            try:
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE evaluated_rows AS "
                    + sql_text("compliance_judged"),
                    {"as_of": day, "transfer": PHASE_TRANSFER, "transfers": TRANSFERS},
                )
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE judged_children AS "
                    "SELECT child_id FROM day_children"
                )
                with transaction(con):
                    keep(con, day, None, position, "evaluated_rows", pinned=self.days)
            finally:
                for name in ("judged_rows", "reused_groups", "day_children"):
                    con.unregister(name)
                con.execute("DROP TABLE IF EXISTS evaluated_rows")
                con.execute("DROP TABLE IF EXISTS judged_children")
