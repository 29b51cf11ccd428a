"""The EhcpAudit application service: record actions on plans, read a child's entries.

A thin layer over eventsourcing's Application: get, call a method, save. Returns plain
values; library errors become the project's own (errors.py) here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.persistence import IntegrityError, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import Environment, EnvType

from ehcp_audit import clock
from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.streams import plan_id
from ehcp_audit.errors import ConcurrentWriteError, StoreError
from ehcp_audit.store.keys import plain_state, unreadable
from ehcp_audit.store.recorders import RawLogReader, StreamReader, recorder_topic

if TYPE_CHECKING:
    from ehcp_audit.domain.import_log import ImportLog
    from ehcp_audit.domain.plan import Plan


@dataclass(frozen=True, slots=True)
class NewEntry:
    """One validated entry to record, with its provenance."""

    entry: Entry
    source: str
    source_row: int


class LoggedEvent(NamedTuple):
    """A stored event as the projector reads it: its state is the JSON text, decrypted and
    decompressed but not decoded (the view's SQL extracts the fields it needs)."""

    position: int
    topic: str
    originator_id: str
    version: int
    state: str


class EhcpAudit(Application[UUID]):
    name = "EhcpAudit"

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        environment = super().construct_env(name, env)
        # Each stored event is chained in its own transaction (docs/integrity.md).
        topic = recorder_topic(environment.get("PERSISTENCE_MODULE"))
        if topic and not environment.get("APPLICATION_RECORDER_TOPIC"):
            environment["APPLICATION_RECORDER_TOPIC"] = topic
        return environment

    def plans(self, child_ids: Iterable[str]) -> dict[str, Plan]:
        """The existing plans of these children (children with none are left out)."""
        recorder = self.recorder
        at_once = self.snapshots is None and self.repository.cache is None
        if at_once and isinstance(recorder, StreamReader):
            return self._plans_at_once(recorder.select_streams, list(child_ids))
        found: dict[str, Plan] = {}
        for child_id in child_ids:
            try:
                found[child_id] = self.repository.get(plan_id(child_id))
            except AggregateNotFoundError:
                continue
            except MapperDeserialisationError as exc:
                raise StoreError(unreadable(bool(self.env.get("CIPHER_KEY")))) from exc
        return found

    def _plans_at_once(
        self, select: Callable[[list[UUID]], dict[UUID, list[StoredEvent]]], child_ids: list[str]
    ) -> dict[str, Plan]:
        ids = {plan_id(child_id): child_id for child_id in child_ids}
        found: dict[str, Plan] = {}
        try:
            for stream, stored in select(list(ids)).items():
                events = [self.mapper.to_domain_event(s) for s in stored]
                found[ids[stream]] = cast("Plan", project_aggregate(None, events))
        except MapperDeserialisationError as exc:
            raise StoreError(unreadable(bool(self.env.get("CIPHER_KEY")))) from exc
        return found

    def entries(self, child_id: str) -> list[Entry]:
        plan = self.plans([child_id]).get(child_id)
        return plan.as_entries() if plan is not None else []

    def timeline(self, child_id: str) -> list[dict[str, Any]]:
        """Every entry of the child's stream as recorded, voids included, in log order."""
        plan = self.plans([child_id]).get(child_id)
        return [e.as_state() for e in plan.entries] if plan is not None else []

    def record(
        self,
        by_child: dict[str, Sequence[NewEntry]],
        existing: dict[str, Plan],
        import_log: ImportLog | None = None,
    ) -> None:
        """Record each child's entries (in the given order) and the import log, atomically."""
        aggregates: list[Any] = []
        now = clock.now()
        for child_id, recordings in by_child.items():
            if not recordings:
                continue
            plan = existing.get(child_id) or _load_plan()(child_id)
            for r in recordings:
                plan.record(
                    r.entry,
                    source=r.source,
                    source_row=r.source_row,
                    recorded_by=r.entry.recorded_by,
                    recorded_at=r.entry.recorded_at,
                    timestamp=now,
                )
            aggregates.append(plan)
        if import_log is not None:
            aggregates.append(import_log)
        try:
            self.save(*aggregates)
        except IntegrityError as exc:
            raise ConcurrentWriteError(
                "another import recorded entries for the same children at the same time"
            ) from exc

    def log_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def log_after(
        self,
        position: int,
        page: int = 10_000,
        stop: int | None = None,
        stored: Callable[[Sequence[Sequence[Any]]], None] | None = None,
    ) -> Iterator[list[LoggedEvent]]:
        """Pages of the log after `position` (up to `stop`) as plain records, without building
        event objects (the projector reads millions; the mapper's cipher and compressor apply).
        `stored` is handed each page's rows first, the state as stored (a rebuild checks them
        against the hash chain)."""
        mapper = self.mapper
        plain = mapper.cipher is None and mapper.compressor is None
        recorder = self.recorder
        raw = recorder.select_raw_notifications if isinstance(recorder, RawLogReader) else None
        while True:
            limit = page if stop is None else min(page, stop - position)
            if limit <= 0:
                return
            if raw is not None:
                # Plain JSON states come back as text, rows in LoggedEvent's order.
                rows = raw(position, limit, text=plain)
            else:
                rows = [
                    (n.id, n.topic, str(n.originator_id), n.originator_version, n.state)
                    for n in self.recorder.select_notifications(
                        position, limit, inclusive_of_start=False
                    )
                ]
            # PostgreSQL's positions can have gaps (a rolled-back insert uses its number): a page
            # of `stop - position` rows may run past `stop`.
            past_stop = stop is not None and bool(rows) and rows[-1][0] > stop
            if past_stop:
                rows = [r for r in rows if r[0] <= cast(int, stop)]
            if not rows:
                return
            if stored is not None:
                stored(rows)
            if plain and raw is not None:
                yield list(map(LoggedEvent._make, rows))
            else:
                yield self._readable(rows)
            if past_stop:
                return
            position = rows[-1][0]

    def _readable(self, rows: Sequence[Sequence[Any]]) -> list[LoggedEvent]:
        mapper = self.mapper
        records = []
        try:
            for at, topic, originator_id, version, state in rows:
                text = plain_state(mapper, state).decode()
                records.append(LoggedEvent(at, topic, originator_id, version, text))
        except Exception as exc:  # the cipher and compressor raise many kinds
            raise StoreError(unreadable(bool(self.env.get("CIPHER_KEY")))) from exc
        return records

    def decode_state(self, state: str) -> dict[str, Any]:
        """A logged event's state as values (dates and times as objects)."""
        decoded: dict[str, Any] = self.mapper.transcoder.decode(state.encode("utf-8"))
        return decoded

    def notifications_after(
        self, position: int, page: int = 5000, stop: int | None = None
    ) -> Iterator[list[Any]]:
        """Pages of (position, domain event) after `position` (up to `stop`), in log order."""
        while True:
            limit = page if stop is None else min(page, stop - position)
            if limit <= 0:
                return
            notifications = self.recorder.select_notifications(
                position, limit, inclusive_of_start=False
            )
            if not notifications:
                return
            try:
                events = [(n.id, self.mapper.to_domain_event(n)) for n in notifications]
            except MapperDeserialisationError as exc:
                raise StoreError(unreadable(bool(self.env.get("CIPHER_KEY")))) from exc
            yield events
            position = notifications[-1].id


def _load_plan() -> type[Plan]:
    # Loaded where a plan is made. Reading the log as records (a catch-up, a report) does
    # without the classes; decoding events loads them through the package (its __getattr__).
    from ehcp_audit.domain.plan import Plan

    return Plan


__all__ = ["EhcpAudit", "NewEntry", "plan_id"]
