"""SQLite application recorder that writes each event's chain link in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ehcp_audit.errors import StoreError
from ehcp_audit.integrity.chain import GENESIS, TABLE, Link, chunks, links

_COLUMNS = "position, originator_id, originator_version, topic, state_sha256, hash"
_INSERT = f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"


def _link(row: Any) -> Link:
    return Link(
        row["position"],
        UUID(row["originator_id"]),
        row["originator_version"],
        row["topic"],
        bytes(row["state_sha256"]),
        bytes(row["hash"]),
    )


def _params(link: Link) -> tuple[Any, ...]:
    return (
        link.position,
        link.originator_id.hex,
        link.originator_version,
        link.topic,
        link.state_sha256,
        link.hash,
    )


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "position INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, topic TEXT NOT NULL, "
            "state_sha256 BLOB NOT NULL, hash BLOB NOT NULL)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if not positions:
            return positions
        # The INSERTs above took the write lock, so no other writer can move the head now.
        c.execute(f"SELECT position, hash FROM {TABLE} ORDER BY position DESC LIMIT 1")
        head = c.fetchone()
        if head is not None and min(positions) <= head["position"]:
            raise StoreError(
                f"the event log was altered: position {min(positions)} is already chained "
                "(run `ehcp-audit verify`)"
            )
        previous = bytes(head["hash"]) if head is not None else GENESIS
        c.executemany(
            _INSERT,
            [_params(x) for x in links(previous, zip(positions, stored_events, strict=True))],
        )
        return positions

    # -- reading and rewriting the chain (integrity.verify) -------------------------------------
    def select_links(self, after: int, limit: int) -> list[Link]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {TABLE} WHERE position > ? ORDER BY position LIMIT ?",
                (after, limit),
            )
            return [_link(row) for row in c.fetchall()]

    def head_link(self, at_position: int | None = None) -> Link | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {TABLE} WHERE position <= ? "
                "ORDER BY position DESC LIMIT 1",
                (at_position if at_position is not None else 2**62,),
            )
            row = c.fetchone()
            return _link(row) if row is not None else None

    def chained_position(self, originator_id: UUID, originator_version: int) -> int | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position FROM {TABLE} WHERE originator_id = ? AND originator_version = ?",
                (originator_id.hex, originator_version),
            )
            row = c.fetchone()
            return int(row["position"]) if row is not None else None

    def replace_chain(self, new_links: Iterable[Link], log_position: int) -> None:
        """Replace the whole chain, unless entries were recorded after `log_position`."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {TABLE}")  # takes the write lock before the check below
            c.execute(f"SELECT MAX(rowid) FROM {self.events_table_name}")
            if (c.fetchone()[0] or 0) != log_position:
                raise StoreError("entries were recorded meanwhile: run the command again")
            for chunk in chunks(new_links):
                c.executemany(_INSERT, [_params(x) for x in chunk])
