"""Recompute the chain from the stored events and name the first entry that does not match."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import Notification

from ehcp_audit.domain.streams import ACTION_TOPICS, IMPORT_COMPLETED, PLAN_OPENED
from ehcp_audit.errors import StoreError
from ehcp_audit.store.chain import (
    GENESIS,
    Link,
    as_uuid,
    expected_hash,
    hash_of,
    id_bytes,
    link_from_row,
    links,
)
from ehcp_audit.store.recorders import ChainRecorder

if TYPE_CHECKING:
    from ehcp_audit.application import EhcpAudit

PAGE = 10_000
# Topics as plain values: a view built from empty runs the check, and needs no event classes.
_ACTIONS = {topic: action for action, topic in ACTION_TOPICS.items()}
_ACTIONS[PLAN_OPENED] = "plan opened"
_ACTIONS[IMPORT_COMPLETED] = "import log"


@dataclass(frozen=True)
class Problem:
    position: int
    kind: str  # altered, deleted, moved, not chained, chain altered, anchor
    child_id: str | None
    action: str | None
    detail: str

    def describe(self) -> str:
        who = ", ".join(
            [f"child {self.child_id}" if self.child_id else "child unknown", self.action or "?"]
        )
        return f"position {self.position} ({who}): {self.detail}"


@dataclass(frozen=True)
class Verified:
    """A point of the chain found intact: its position, hash and the entries up to it."""

    position: int
    hash: bytes
    entries: int


START = Verified(0, GENESIS, 0)


@dataclass(frozen=True)
class Verdict:
    entries: int
    head: Link | None
    problem: Problem | None
    seconds: float
    reached: Verified = START

    @property
    def intact(self) -> bool:
        return self.problem is None


def not_intact(problem: Problem, entries: int) -> str:
    """What `verify` prints when the log does not match its chain (reports refuse with it)."""
    return f"NOT INTACT: {problem.describe()}\n{entries} entries before it match the chain"


def chain_recorder(app: EhcpAudit) -> ChainRecorder:
    recorder = app.recorder
    if not isinstance(recorder, ChainRecorder):
        raise StoreError("this store keeps no integrity chain (only SQLite and PostgreSQL do)")
    return recorder


def head_hash(app: EhcpAudit, at_position: int | None = None) -> str | None:
    """The chain's hash at the last entry up to `at_position` (hex), or None if none."""
    recorder = app.recorder
    if not isinstance(recorder, ChainRecorder):
        return None
    link = recorder.head_link(at_position)
    return link.hash.hex() if link is not None else None


def _pages(fetch: Any, page: int, after: int = 0) -> Iterator[Any]:
    while True:
        rows = fetch(after, page)
        if not rows:
            return
        yield from rows
        last = rows[-1]
        after = last.id if isinstance(last, Notification) else last[0]


def _events(app: EhcpAudit, page: int, after: int = 0) -> Iterator[Notification]:
    return _pages(
        lambda after, limit: app.recorder.select_notifications(
            after, limit, inclusive_of_start=False
        ),
        page,
        after,
    )


def verify(
    app: EhcpAudit, page: int = PAGE, upto: int | None = None, start: Verified = START
) -> Verdict:
    """Recompute the chain after `start` (a point verified earlier) up to `upto` (the end).
    The whole log (`verify`, the inspection pack) is read a page of entries beside their links
    at a time; a check from a point verified earlier (a few new pages) pairs them one by one."""
    started = time.monotonic()
    recorder = chain_recorder(app)
    point, last = _clean_pages(recorder, start, page, upto) if start == START else (start, None)
    follower = ChainFollower(app, point, page, last=last, started=started)
    read, after = recorder.select_entries, point.position
    while follower.problem is None:
        rows = _upto(read(after, page), upto)
        if not rows:
            break
        follower.rows(rows)
        after = rows[-1][0]
    return follower.verdict(upto)


def _upto(rows: list[Sequence[Any]], upto: int | None) -> list[Sequence[Any]]:
    if upto is not None and rows and rows[-1][0] > upto:
        return [row for row in rows if row[0] <= upto]
    return rows


def _clean_pages(
    recorder: ChainRecorder, start: Verified, page: int, upto: int | None
) -> tuple[Verified, Sequence[Any] | None]:
    """The point up to which whole pages match their links exactly, each entry read beside the
    link at its position in one query: every entry has one naming its stream, version and
    topic, with its digest and the hash recomputed, and no other link lies among them. From the
    first page that does not, `ChainFollower` pairs entries with links one by one and names
    the first that does not match, as it always has."""
    point, last = start, None
    digest, hashed, id_of = hashlib.sha256, hash_of, id_bytes
    while rows := _upto(recorder.select_chained(point.position, page), upto):
        previous = point.hash
        try:
            for position, topic, stream, version, state, state_sha256, hash_, same in rows:
                if not (
                    same
                    and digest(state).digest() == state_sha256
                    and hashed(previous, position, id_of(stream), version, topic, state_sha256)
                    == hash_
                ):
                    return point, last
                previous = hash_
        except (TypeError, ValueError):  # a state or stream id not stored as ehcp-audit does
            return point, last
        end = rows[-1]
        if recorder.count_links(point.position, end[0]) != len(rows):
            return point, last
        point = Verified(end[0], bytes(previous), point.entries + len(rows))
        last = (end[0], end[2], end[3], end[1], end[5], end[6])  # its link, as select_links
    return point, last


class StoredEntry(NamedTuple):
    """An entry as stored (`Notification`'s fields that the chain covers)."""

    id: int
    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes


class ChainFollower:
    """Checks the log's entries against their links in position order, as a reader hands them
    over: `verify` reading the log itself, or a rebuild of the view reading it anyway.

    Entries and links are compared as stored (ids as text, digests as bytes): an entry that
    matches its link in every field, and whose link's hash is the one recomputed, costs no
    object; any other goes to `_compare`, which alone decides and names the problem."""

    def __init__(
        self,
        app: EhcpAudit,
        start: Verified = START,
        page: int = PAGE,
        *,
        last: Sequence[Any] | None = None,
        started: float | None = None,
    ) -> None:
        """`last`: the link at `start`, as stored (the head, if nothing follows it)."""
        self.app = app
        self.recorder = chain_recorder(app)
        self.started = time.monotonic() if started is None else started
        self.chain: Iterator[Sequence[Any]] = _pages(
            self.recorder.select_links, page, start.position
        )
        self.start, self.previous, self.checked = start, start.hash, start.entries
        self.last = last  # the last link matched, as stored
        self.problem: Problem | None = None

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Check rows as stored (position, topic, stream id, version, state: bytes, or the text
        of plain JSON), as `EhcpAudit.log_after` and the recorders' `select_entries` read them."""
        if self.problem is not None:
            return
        chain, previous, checked, last = self.chain, self.previous, self.checked, self.last
        digest, hashed, id_of = hashlib.sha256, hash_of, id_bytes
        try:
            for position, topic, originator_id, version, state in rows:
                data = state.encode() if isinstance(state, str) else state
                link = next(chain, None)
                if (
                    link is not None
                    and link[0] == position
                    and link[1] == originator_id
                    and link[2] == version
                    and link[3] == topic
                    and digest(data).digest() == link[4]
                    and hashed(previous, position, id_of(link[1]), version, topic, link[4])
                    == link[5]
                ):
                    previous, checked, last = link[5], checked + 1, link
                    continue
                entry = StoredEntry(position, originator_id, version, topic, data)
                self.problem = _compare(
                    self.app,
                    self.recorder,
                    entry,
                    link_from_row(link) if link is not None else None,
                    previous,
                )
                if self.problem is not None:
                    return
                assert link is not None
                previous, checked, last = link[5], checked + 1, link
        finally:
            self.previous, self.checked, self.last = previous, checked, last

    def verdict(self, upto: int | None = None) -> Verdict:
        """The result, once every entry up to `upto` (the end) has been handed over: a link left
        over up to there is an entry deleted."""
        if self.problem is None:
            link = next(self.chain, None)
            if link is not None and (upto is None or link[0] <= upto):
                self.problem = _compare(
                    self.app, self.recorder, None, link_from_row(link), self.previous
                )
                if self.problem is None:
                    self.previous, self.checked, self.last = link[5], self.checked + 1, link
        seconds = time.monotonic() - self.started
        head = link_from_row(self.last) if self.last is not None else None
        reached = Verified(head.position, head.hash, self.checked) if head else self.start
        return Verdict(self.checked, head, self.problem, seconds, reached)


def _compare(
    app: EhcpAudit,
    recorder: ChainRecorder,
    event: Notification | StoredEntry | None,
    link: Link | None,
    previous: bytes,
) -> Problem | None:
    if link is None or (event is not None and event.id < link.position):
        assert event is not None
        return _problem(
            app,
            event.id,
            "not chained",
            as_uuid(event.originator_id),
            event.topic,
            "this entry has no chain link: it was written outside ehcp-audit",
        )
    if event is None or link.position < event.id:
        return _problem(
            app,
            link.position,
            "deleted",
            link.originator_id,
            link.topic,
            f"this entry (version {link.originator_version} of its stream) was deleted",
        )
    found = (as_uuid(event.originator_id), event.originator_version)
    if found != (link.originator_id, link.originator_version):
        moved_from = recorder.chained_position(*found)
        detail = (
            f"entries were reordered: this position now holds the entry chained at "
            f"position {moved_from}"
            if moved_from is not None
            else "its stored bytes were altered (it now names another stream or version)"
        )
        kind = "moved" if moved_from is not None else "altered"
        return _problem(app, link.position, kind, link.originator_id, link.topic, detail)
    if event.topic != link.topic or hashlib.sha256(event.state).digest() != link.state_sha256:
        return _problem(
            app,
            link.position,
            "altered",
            link.originator_id,
            link.topic,
            "its stored bytes were altered",
        )
    if expected_hash(previous, link) != link.hash:
        return _problem(
            app,
            link.position,
            "chain altered",
            link.originator_id,
            link.topic,
            "its chain link was altered (the chain was rewritten from here)",
        )
    return None


def _problem(
    app: EhcpAudit, position: int, kind: str, originator_id: UUID, topic: str, detail: str
) -> Problem:
    return Problem(position, kind, child_of(app, originator_id), _ACTIONS.get(topic, topic), detail)


def child_of(app: EhcpAudit, originator_id: UUID) -> str | None:
    """The child whose plan this stream is, if its first entry can still be read."""
    from ehcp_audit.domain.plan import Plan

    try:
        first = app.recorder.select_events(originator_id, lte=1)
        event = app.mapper.to_domain_event(first[0]) if first else None
    except Exception:  # a tampered or undecryptable entry: the child stays unknown
        return None
    return event.child_id if isinstance(event, Plan.Opened) else None


def check_anchor(app: EhcpAudit, position: int, hash_hex: str) -> Problem | None:
    """Whether the chain still has `hash_hex` at `position` (a head hash published earlier)."""
    link = chain_recorder(app).head_link(position)
    if link is not None and link.position == position and link.hash.hex() == hash_hex.lower():
        return None
    return Problem(
        position,
        "anchor",
        None,
        None,
        "the chain does not have the expected hash here: the log up to this position was "
        "rewritten since that hash was published",
    )


def rechain(app: EhcpAudit, page: int = PAGE) -> int:
    """Chain the whole log as it is now (a store written before chaining existed)."""
    position = app.log_position()
    pairs: Iterable[tuple[int, Notification]] = (
        (n.id, n) for n in _events(app, page) if n.id <= position
    )
    chain_recorder(app).replace_chain(links(GENESIS, pairs), position)
    return position
