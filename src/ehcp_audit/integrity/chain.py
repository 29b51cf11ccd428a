"""The hash chain over the event log: one link per stored event, in notification order.

A link records which entry sits at a position (originator id, version, topic, a digest of
its state) and a hash over that and the previous link's hash. The hash covers every stored
byte of the entry (the state through its SHA-256), so changing, removing or moving any
stored entry breaks the chain at that entry's position.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent

GENESIS = bytes(32)
TABLE = "integrity_chain"


@dataclass(frozen=True, slots=True)
class Link:
    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state_sha256: bytes
    hash: bytes


def _frame(data: bytes) -> bytes:
    # Length-prefixed, so that no two different entries hash the same bytes.
    return len(data).to_bytes(8, "big") + data


def as_uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def link_hash(
    previous: bytes,
    position: int,
    originator_id: UUID,
    originator_version: int,
    topic: str,
    state_sha256: bytes,
) -> bytes:
    return hashlib.sha256(
        previous
        + _frame(str(position).encode())
        + _frame(originator_id.bytes)
        + _frame(str(originator_version).encode())
        + _frame(topic.encode())
        + _frame(state_sha256)
    ).digest()


def links(previous: bytes, events: Iterable[tuple[int, StoredEvent]]) -> Iterator[Link]:
    """Links for (position, stored event) pairs in position order, after `previous`."""
    for position, event in events:
        originator_id = as_uuid(event.originator_id)
        digest = hashlib.sha256(event.state).digest()
        previous = link_hash(
            previous, position, originator_id, event.originator_version, event.topic, digest
        )
        yield Link(position, originator_id, event.originator_version, event.topic, digest, previous)


def expected_hash(previous: bytes, link: Link) -> bytes:
    return link_hash(
        previous,
        link.position,
        link.originator_id,
        link.originator_version,
        link.topic,
        link.state_sha256,
    )


def chunks(items: Iterable[Link], size: int = 10_000) -> Iterator[list[Link]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
