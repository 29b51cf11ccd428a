"""Which chained recorder each store uses, and what verify needs from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

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


class ChainRecorder(Protocol):
    def select_links(self, after: int, limit: int) -> list[Link]: ...

    def head_link(self, at_position: int | None = None) -> Link | None: ...

    def prefix_counts(self, position: int) -> tuple[int, int]: ...

    def chained_position(self, originator_id: UUID, originator_version: int) -> int | None: ...

    def replace_chain(self, new_links: Iterable[Link], log_position: int) -> None: ...
