"""Tampering with a store as someone with database access could: the integrity tests' tools."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

ALTERED, DELETED, SWAPPED = 120, 150, 180  # log positions, each inside some child's stream


class RawStore:
    """Direct SQL on the events table, as someone with database access could do."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.postgres = db.startswith("postgresql://")
        self.table, self.position = (
            ("ehcpaudit_events", "notification_id") if self.postgres else ("stored_events", "rowid")
        )

    def execute(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        sql = sql.format(table=self.table, pos=self.position)
        if self.postgres:
            import psycopg

            with psycopg.connect(self.db, autocommit=True) as conn:
                cursor = conn.execute(sql.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    def alter(self, position: int) -> None:
        (state,) = self.execute("SELECT state FROM {table} WHERE {pos} = ?", position)[0]
        # Back-date the entry by a year: one changed byte.
        year = re.search(rb'"occurred_on":\s*"(\d{4})', bytes(state))
        assert year is not None
        at = year.start(1) + 3
        forged = bytes(state[:at]) + bytes([state[at] - 1]) + bytes(state[at + 1 :])
        self.execute("UPDATE {table} SET state = ? WHERE {pos} = ?", forged, position)

    def delete(self, position: int) -> None:
        self.execute("DELETE FROM {table} WHERE {pos} = ?", position)

    def swap(self, first: int, second: int) -> None:
        for old, new in ((first, -1), (second, first), (-1, second)):
            self.execute("UPDATE {table} SET {pos} = ? WHERE {pos} = ?", new, old)

    def forge(self, like: int) -> None:
        """Append a copy of an entry as a new version of its stream, bypassing ehcp-audit."""
        self.execute(
            "INSERT INTO {table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, 999, topic, state FROM {table} WHERE {pos} = ?",
            like,
        )
