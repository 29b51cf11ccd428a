"""PostgreSQL application recorder that writes each event's chain link in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composed, Identifier

from ehcp_audit.errors import StoreError
from ehcp_audit.store.chain import GENESIS, TABLE, Link, as_uuid, chunks, link_from_row, links

# Several processes opening a new database at once would race on CREATE TYPE/TABLE/FUNCTION.
_CREATE_LOCK = 0x65686370_61756474  # pg_advisory_lock key ("ehcpaudt"), one per database

_COLUMNS = SQL("position, originator_id, originator_version, topic, state_sha256, hash")
# A check reads stream ids as text on both sides: psycopg would build a UUID per row.
_TEXT_COLUMNS = SQL("position, originator_id::text, originator_version, topic, state_sha256, hash")


def _params(link: Link) -> tuple[Any, ...]:
    return (
        link.position,
        link.originator_id,
        link.originator_version,
        link.topic,
        link.state_sha256,
        link.hash,
    )


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table = Composed([Identifier(datastore.schema), SQL("."), Identifier(TABLE)])
        self.events_table = Composed(
            [Identifier(datastore.schema), SQL("."), Identifier(events_table_name)]
        )
        # Which row got which position: RETURNING order is not promised to follow the input's.
        self.insert_events_statement += SQL(", originator_id, originator_version")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, "
                "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                "topic text NOT NULL, state_sha256 bytea NOT NULL, hash bytea NOT NULL)"
            ).format(self.chain_table)
        )
        # One statement per save, not one per link: each round trip costs more than the rows.
        self.insert_links = SQL(
            "INSERT INTO {} ({}) SELECT * FROM unnest("
            "%s::bigint[], %s::uuid[], %s::bigint[], %s::text[], %s::bytea[], %s::bytea[])"
        ).format(self.chain_table, _COLUMNS)

    def create_table(self) -> None:
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_CREATE_LOCK,))
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_CREATE_LOCK,))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Not in pipeline mode, unlike the library: with psycopg's Python implementation a
        # pipeline carrying a batch of some megabytes hangs, both ends waiting to read.
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_stored_events(curs, stored_events, **kwargs)  # lock, notify, insert
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        returned = curs.fetchall()
        by_key = {
            (as_uuid(r["originator_id"]), r["originator_version"]): r["notification_id"]
            for r in returned
        }
        positions = [
            by_key[(as_uuid(e.originator_id), e.originator_version)] for e in stored_events
        ]
        # Still inside the insert's transaction, under its EXCLUSIVE lock on the events table.
        curs.execute(
            SQL("SELECT position, hash FROM {} ORDER BY position DESC LIMIT 1").format(
                self.chain_table
            )
        )
        head = curs.fetchone()
        if head is not None and min(positions) <= head["position"]:
            raise StoreError(
                f"the event log was altered: position {min(positions)} is already chained "
                "(run `ehcp-audit verify`)"
            )
        previous = bytes(head["hash"]) if head is not None else GENESIS
        ordered = sorted(zip(positions, stored_events, strict=True), key=lambda p: p[0])
        self._insert_links(curs, links(previous, ordered))
        return positions

    def _insert_links(self, curs: Cursor[DictRow], new_links: Iterable[Link]) -> None:
        columns = list(zip(*(_params(x) for x in new_links), strict=True))
        if columns:
            curs.execute(self.insert_links, [list(c) for c in columns])

    def select_streams(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        """The stored events of many streams, in version order, in one query."""
        rows = self._query(
            SQL(
                "SELECT originator_id, originator_version, topic, state FROM {}.{} "
                "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
            ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name)),
            (list(originator_ids),),
        )
        found: dict[UUID, list[StoredEvent]] = {}
        for row in rows:
            key = row["originator_id"]
            found.setdefault(key, []).append(
                StoredEvent(key, row["originator_version"], row["topic"], bytes(row["state"]))
            )
        return found

    # -- reading and rewriting the chain (integrity.verify) -------------------------------------
    def _query(self, statement: Composed, params: Sequence[Any]) -> list[DictRow]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params)
            return curs.fetchall()

    def _tuples(self, statement: Composed, params: Sequence[Any]) -> list[Sequence[Any]]:
        # Binary results: psycopg's Python implementation parses each text value (a quarter
        # of a chain check's time; bytea comes as hex text).
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row, binary=True) as curs,
        ):
            curs.execute(statement, params)
            rows: list[Sequence[Any]] = list(curs.fetchall())
            return rows

    def select_entries(self, after: int, limit: int) -> list[Sequence[Any]]:
        """The entries after `after` as stored: (position, topic, stream id as text, version,
        state), for the chain check."""
        return self._tuples(
            SQL(
                "SELECT notification_id, topic, originator_id::text, originator_version, state "
                "FROM {} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
            ).format(self.events_table),
            (after, limit),
        )

    def select_raw_notifications(
        self, after: int, limit: int, text: bool = False
    ) -> list[Sequence[Any]]:
        """The log after `after` as plain rows, the state as text when `text` (plain JSON): a
        rebuild reads millions, and the library's Notification objects (a UUID each) cost more
        than the rest of the read (as the SQLite recorder's)."""
        state = SQL("convert_from(state, 'UTF8')" if text else "state")
        return self._tuples(
            SQL(
                "SELECT notification_id, topic, originator_id::text, originator_version, {} "
                "FROM {} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
            ).format(state, self.events_table),
            (after, limit),
        )

    def select_chained(self, after: int, limit: int) -> list[Sequence[Any]]:
        """The entries after `after` as stored, each beside its position's link (see the
        SQLite recorder's)."""
        return self._tuples(
            SQL(
                "SELECT e.notification_id, e.topic, e.originator_id::text, e.originator_version, "
                "e.state, l.state_sha256, l.hash, l.originator_id = e.originator_id "
                "AND l.originator_version = e.originator_version AND l.topic = e.topic "
                "FROM {} e LEFT JOIN {} l ON l.position = e.notification_id "
                "WHERE e.notification_id > %s ORDER BY e.notification_id LIMIT %s"
            ).format(self.events_table, self.chain_table),
            (after, limit),
        )

    def count_links(self, after: int, upto: int) -> int:
        rows = self._tuples(
            SQL("SELECT count(*) FROM {} WHERE position > %s AND position <= %s").format(
                self.chain_table
            ),
            (after, upto),
        )
        return int(rows[0][0])

    def select_links(self, after: int, limit: int) -> list[Sequence[Any]]:
        """The links after `after` as stored (`Link`'s fields, the stream id as text)."""
        return self._tuples(
            SQL("SELECT {} FROM {} WHERE position > %s ORDER BY position LIMIT %s").format(
                _TEXT_COLUMNS, self.chain_table
            ),
            (after, limit),
        )

    def head_link(self, at_position: int | None = None) -> Link | None:
        rows = self._tuples(
            SQL("SELECT {} FROM {} WHERE position <= %s ORDER BY position DESC LIMIT 1").format(
                _COLUMNS, self.chain_table
            ),
            (at_position if at_position is not None else 2**62,),
        )
        return link_from_row(rows[0]) if rows else None

    def prefix_counts(self, position: int) -> tuple[int, int]:
        """How many entries and how many links the log has up to `position`."""
        rows = self._query(
            SQL(
                "SELECT (SELECT count(*) FROM {} WHERE notification_id <= %s) AS events, "
                "(SELECT count(*) FROM {} WHERE position <= %s) AS chained"
            ).format(self.events_table, self.chain_table),
            (position, position),
        )
        return int(rows[0]["events"]), int(rows[0]["chained"])

    def chained_position(self, originator_id: UUID, originator_version: int) -> int | None:
        rows = self._query(
            SQL(
                "SELECT position FROM {} WHERE originator_id = %s AND originator_version = %s"
            ).format(self.chain_table),
            (originator_id, originator_version),
        )
        return int(rows[0]["position"]) if rows else None

    def replace_chain(self, new_links: Iterable[Link], log_position: int) -> None:
        """Replace the whole chain, unless entries were recorded after `log_position`."""
        with self.datastore.transaction(commit=True) as curs:
            for statement in self.lock_table_statements:
                curs.execute(statement)
            curs.execute(
                SQL("SELECT MAX(notification_id) AS max FROM {}").format(self.events_table)
            )
            row = curs.fetchone()
            if ((row["max"] or 0) if row else 0) != log_position:
                raise StoreError("entries were recorded meanwhile: run the command again")
            curs.execute(SQL("DELETE FROM {}").format(self.chain_table))
            for chunk in chunks(new_links):
                self._insert_links(curs, chunk)
