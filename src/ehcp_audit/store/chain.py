"""The hash chain over the event log: one link per stored event, in notification order.

A link records which entry sits at a position (originator id, version, topic, a digest of
its state) and a hash over that and the previous link's hash. The hash covers every stored
byte of the entry (the state through its SHA-256), so changing, removing or moving any
stored entry breaks the chain at that entry's position.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from hashlib import sha256
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import StoredEvent

GENESIS = bytes(32)
TABLE = "integrity_chain"


class Link(NamedTuple):
    """A chain table row. (A tuple: a check builds one per stored entry, and a frozen
    dataclass took twice as long to build as a tuple.)"""

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state_sha256: bytes
    hash: bytes


def _frame(data: bytes) -> bytes:
    # Length-prefixed, so that no two different entries hash the same bytes.
    return len(data).to_bytes(8, "big") + data


# A stream's id comes back as text with each of its entries and links; parsing it is a third
# of a check's time, and the entries of a stream lie close together in the log.
_parsed_uuid = functools.lru_cache(maxsize=2**16)(UUID)


def as_uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else _parsed_uuid(value)


@functools.lru_cache(maxsize=2**16)
def id_bytes(value: UUID | str) -> bytes:
    """A stream id's 16 bytes, as its links hash them (from the id as stored)."""
    return as_uuid(value).bytes


def link_from_row(row: Sequence[Any]) -> Link:
    """A chain table row as stored (its columns in `Link`'s order, from either store) as a Link."""
    position, originator_id, version, topic, state_sha256, hash_ = row
    return Link(position, as_uuid(originator_id), version, topic, bytes(state_sha256), bytes(hash_))


_ID_FRAME = _frame(bytes(16))[:8]  # a UUID is always 16 bytes
_DIGEST_FRAME = _frame(bytes(32))[:8]  # and a SHA-256 digest 32


def link_hash(
    previous: bytes,
    position: int,
    originator_id: UUID,
    originator_version: int,
    topic: str,
    state_sha256: bytes,
) -> bytes:
    return hash_of(previous, position, originator_id.bytes, originator_version, topic, state_sha256)


def hash_of(
    previous: bytes,
    position: int,
    id_bytes: bytes,
    originator_version: int,
    topic: str,
    state_sha256: bytes,
) -> bytes:
    """`link_hash` with the stream id as its 16 bytes (a check has them without a UUID)."""
    # One join and one digest per link: the importer chains, and a check hashes, a million.
    position_text = str(position).encode()
    version_text = str(originator_version).encode()
    return sha256(
        b"".join(
            (
                previous,
                _LENGTHS[len(position_text)],
                position_text,
                _ID_FRAME,
                id_bytes,
                _LENGTHS[len(version_text)],
                version_text,
                _topic_frame(topic),
                _DIGEST_FRAME if len(state_sha256) == 32 else len(state_sha256).to_bytes(8, "big"),
                state_sha256,
            )
        )
    ).digest()


_LENGTHS = tuple(n.to_bytes(8, "big") for n in range(24))  # a 64-bit integer's digits and sign


@functools.lru_cache(maxsize=256)
def _topic_frame(topic: str) -> bytes:
    return _frame(topic.encode())


def links(previous: bytes, events: Iterable[tuple[int, StoredEvent]]) -> Iterator[Link]:
    """Links for (position, stored event) pairs in position order, after `previous`."""
    for position, event in events:
        originator_id = as_uuid(event.originator_id)
        digest = sha256(event.state).digest()
        previous = link_hash(
            previous, position, originator_id, event.originator_version, event.topic, digest
        )
        yield Link(position, originator_id, event.originator_version, event.topic, digest, previous)


def link_rows(
    previous: bytes, positions: Iterable[int], events: Iterable[StoredEvent]
) -> list[tuple[int, str, int, str, bytes, bytes]]:
    """The chain table's rows for new events (what `links` gives, without building Links)."""
    rows = []
    for position, event in zip(positions, events, strict=True):
        originator_id = as_uuid(event.originator_id)
        digest = sha256(event.state).digest()
        previous = link_hash(
            previous, position, originator_id, event.originator_version, event.topic, digest
        )
        rows.append(
            (position, originator_id.hex, event.originator_version, event.topic, digest, previous)
        )
    return rows


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
