"""SQLite application recorder that writes each event's chain link in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ehcp_audit.errors import StoreError
from ehcp_audit.store.chain import GENESIS, TABLE, Link, chunks, link_from_row, link_rows

CACHE_KIB = 256 * 1024
STREAMS_PER_QUERY = 500
_COLUMNS = "position, originator_id, originator_version, topic, state_sha256, hash"
_INSERT = f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"


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
        if not stored_events:
            return []
        # The (originator_id, version) index takes random inserts: with SQLite's default 2 MB
        # page cache, a large store spends most of an import re-reading index pages.
        c.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # One executemany instead of the library's execute per event (a third of the time):
        # the first INSERT takes the write lock, and SQLite gives each new row max(rowid) + 1,
        # so the batch's positions are the consecutive run ending at last_insert_rowid().
        c.executemany(
            self.insert_events_statement,
            [
                (
                    s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                    s.originator_version,
                    s.topic,
                    s.state,
                )
                for s in stored_events
            ],
        )
        c.execute("SELECT last_insert_rowid()")
        last = int(c.fetchone()[0])
        positions = range(last - len(stored_events) + 1, last + 1)
        self._check_first_position(c, positions[0], stored_events[0])
        c.execute(f"SELECT position, hash FROM {TABLE} ORDER BY position DESC LIMIT 1")
        head = c.fetchone()
        if head is not None and positions[0] <= head["position"]:
            raise StoreError(
                f"the event log was altered: position {positions[0]} is already chained "
                "(run `ehcp-audit verify`)"
            )
        previous = bytes(head["hash"]) if head is not None else GENESIS
        c.executemany(_INSERT, link_rows(previous, positions, stored_events))
        return list(positions)

    def _check_first_position(self, c: SQLiteCursor, position: int, first: StoredEvent) -> None:
        c.execute(
            f"SELECT originator_id, originator_version FROM {self.events_table_name} "
            "WHERE rowid = ?",
            (position,),
        )
        row = c.fetchone()
        expected = first.originator_id
        expected_hex = expected.hex if isinstance(expected, UUID) else str(expected)
        if row is None or (row[0], row[1]) != (expected_hex, first.originator_version):
            raise StoreError("the event log's positions are not consecutive: refusing to chain")

    def select_raw_notifications(
        self, after: int, limit: int, text: bool = False
    ) -> list[Sequence[Any]]:
        """(position, topic, originator id as stored, version, state) after `after`, the state
        as text when `text` (plain JSON): the projector reads millions, and the library's
        Notification objects (a UUID each) cost more than the rest of the read."""
        state = "CAST(state AS TEXT)" if text else "state"
        return self._tuples(
            f"SELECT rowid, topic, originator_id, originator_version, {state} "
            f"FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, limit),
        )

    def _tuples(self, statement: str, params: Sequence[Any]) -> list[Sequence[Any]]:
        with self.datastore.transaction(commit=False) as c:
            cursor = c.sqlite_cursor
            cursor.row_factory = None  # plain tuples: a Row each costs a fifth of a page's read
            cursor.execute(statement, params)
            rows: list[Sequence[Any]] = cursor.fetchall()
            return rows

    def select_streams(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """The stored events of many streams, in version order, in one read (an import loads
        a thousand children's plans at a time; one query each cost it a quarter of its time)."""
        found: dict[UUID, list[StoredEvent]] = {}
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(originator_ids), STREAMS_PER_QUERY):
                ids = [i.hex for i in originator_ids[start : start + STREAMS_PER_QUERY]]
                c.execute(
                    "SELECT originator_id, originator_version, topic, state "
                    f"FROM {self.events_table_name} WHERE originator_id IN "
                    f"({', '.join('?' * len(ids))}) ORDER BY originator_id, originator_version",
                    ids,
                )
                for stream, version, topic, state in c.fetchall():
                    key = UUID(stream)
                    found.setdefault(key, []).append(StoredEvent(key, version, topic, state))
        return found

    # -- reading and rewriting the chain (integrity.verify) -------------------------------------
    def select_entries(self, after: int, limit: int) -> list[Sequence[Any]]:
        """The entries after `after` as stored, for the chain check (`RawLogReader`'s rows)."""
        return self.select_raw_notifications(after, limit)

    def select_chained(self, after: int, limit: int) -> list[Sequence[Any]]:
        """The entries after `after` as stored, each beside its position's link: (position,
        topic, stream id, version, state, the link's state digest and hash, whether the link
        names the same stream, version and topic; NULL without a link)."""
        return self._tuples(
            "SELECT e.rowid, e.topic, e.originator_id, e.originator_version, e.state, "
            "l.state_sha256, l.hash, l.originator_id = e.originator_id "
            "AND l.originator_version = e.originator_version AND l.topic = e.topic "
            f"FROM {self.events_table_name} e LEFT JOIN {TABLE} l ON l.position = e.rowid "
            "WHERE e.rowid > ? ORDER BY e.rowid LIMIT ?",
            (after, limit),
        )

    def count_links(self, after: int, upto: int) -> int:
        return int(
            self._tuples(
                f"SELECT count(*) FROM {TABLE} WHERE position > ? AND position <= ?",
                (after, upto),
            )[0][0]
        )

    def select_links(self, after: int, limit: int) -> list[Sequence[Any]]:
        """The links after `after` as stored (`Link`'s fields, the stream id as its entries
        store it): a check compares them with the entries without building a Link each."""
        return self._tuples(
            f"SELECT {_COLUMNS} FROM {TABLE} WHERE position > ? ORDER BY position LIMIT ?",
            (after, limit),
        )

    def head_link(self, at_position: int | None = None) -> Link | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT {_COLUMNS} FROM {TABLE} WHERE position <= ? "
                "ORDER BY position DESC LIMIT 1",
                (at_position if at_position is not None else 2**62,),
            )
            row = c.fetchone()
            return link_from_row(row) if row is not None else None

    def prefix_counts(self, position: int) -> tuple[int, int]:
        """How many entries and how many links the log has up to `position`. The entries are
        all of them less those after `position`: SQLite counts a whole table on its smallest
        index (the streams' key, a tenth of the table), where counting a range of rowids reads
        every event's state; the entries after a point checked before are few."""
        events = self.events_table_name
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT (SELECT count(*) FROM {events}) - "
                f"(SELECT count(*) FROM {events} WHERE rowid > ?), "
                f"(SELECT count(*) FROM {TABLE} WHERE position <= ?)",
                (position, position),
            )
            events, chained = c.fetchone()
            return int(events), int(chained)

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
