"""Which chained recorder each store uses, and the reads beyond eventsourcing's recorder that
some recorders offer (declared here, checked with isinstance: a store without one takes the
library's slower way, or has no chain to verify)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ehcp_audit.store.chain import Link

_TOPICS = {
    "eventsourcing.sqlite": "ehcp_audit.store.sqlite_recorder:ChainedSQLiteApplicationRecorder",
    "eventsourcing.postgres": (
        "ehcp_audit.store.postgres_recorder:ChainedPostgresApplicationRecorder"
    ),
}


def recorder_topic(persistence_module: str | None) -> str | None:
    """The chained recorder for a store (None: in-memory stores are not chained)."""
    return _TOPICS.get(persistence_module or "")


@runtime_checkable
class StreamReader(Protocol):
    """Reads many streams in one query (both chained recorders)."""

    def select_streams(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]: ...


@runtime_checkable
class RawLogReader(Protocol):
    """Reads the log as plain rows, the state as text when asked (both chained recorders)."""

    def select_raw_notifications(
        self, after: int, limit: int, text: bool = False
    ) -> list[Sequence[Any]]: ...


@runtime_checkable
class ChainRecorder(Protocol):
    """Keeps the hash chain (both chained recorders; in-memory stores do not). A check reads
    entries and links as stored rows: (position, topic, stream id, version, state) and `Link`'s
    fields, the stream id as text in the same form on both sides."""

    def select_entries(self, after: int, limit: int) -> list[Sequence[Any]]: ...

    def select_chained(self, after: int, limit: int) -> list[Sequence[Any]]: ...

    def count_links(self, after: int, upto: int) -> int: ...

    def select_links(self, after: int, limit: int) -> list[Sequence[Any]]: ...

    def head_link(self, at_position: int | None = None) -> Link | None: ...

    def prefix_counts(self, position: int) -> tuple[int, int]: ...

    def chained_position(self, originator_id: UUID, originator_version: int) -> int | None: ...

    def replace_chain(self, new_links: Iterable[Link], log_position: int) -> None: ...
