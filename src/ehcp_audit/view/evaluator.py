"""Judging children's entries into base rows, here or in helper processes (one per core).

The rules are pure Python and most of a rebuild's time: with many children to recompute, the
projector sends each chunk's entries (an Arrow table) to a helper process and gets its base
rows back (Arrow tables), while it reads the next chunk and writes the previous one. Helpers
are plain `python -m ehcp_audit.view.evaluator` subprocesses with length-prefixed Arrow
IPC over their pipes: nothing is shared, and the caller's main script is never re-run.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar

from ehcp_audit.domain.entry import Entry
from ehcp_audit.errors import StoreError
from ehcp_audit.rules.compliance import group_rows
from ehcp_audit.rules.cycles import build_history
from ehcp_audit.rules.effective import apply_voids
from ehcp_audit.rules.effective import as_of as entries_as_of
from ehcp_audit.rules.facts import groups_of
from ehcp_audit.view.columns import arrow_schema
from ehcp_audit.view.row_tuples import (
    BASE_COLUMNS,
    Key,
    base_entries_by_child,
    base_entries_of_columns,
    base_row_tuple,
    entry_columns,
    facts_digest,
)

R = TypeVar("R")
S = TypeVar("S")

if TYPE_CHECKING:
    # Imported where tables are built: pyarrow (and the pandas it loads on its first
    # conversion) is about half a second that a small catch-up does without.
    import pyarrow as pa


@cache
def schemas() -> tuple[pa.Schema, pa.Schema, pa.Schema]:
    """The Arrow schemas of base rows, of (child_id, last_on) and of the groups' digests."""
    return (
        arrow_schema(BASE_COLUMNS),
        arrow_schema(("child_id", "last_on")),
        arrow_schema(("child_id", "cycle", "digest")),
    )


class Evaluation(NamedTuple):
    """Some children's judgement: the base rows of the groups judged, the digest of every
    group's facts as (child_id, group, digest), and (child_id, last_on) per child."""

    base: list[tuple[Any, ...]]
    inputs: list[tuple[str, int, str]]
    last_on: list[tuple[str, date | None]]


def evaluate_rows(
    entries: Iterable[tuple[Any, ...]], stored: Mapping[Key, str] | None = None
) -> Evaluation:
    """The judgement of row_tuples.BASE_ENTRY_FIELDS rows ordered by child and version. With
    `stored` (the digests of the groups' facts when last judged), only the groups whose facts
    differ are judged: the others' rows are as stored."""
    return judge_children(base_entries_by_child(entries), stored)


def judge_children(
    children: Iterable[tuple[str, list[Entry]]],
    stored: Mapping[Key, str] | None = None,
    as_of: date | None = None,
    known_on: date | None = None,
    voids_last: bool = False,
) -> Evaluation:
    """`evaluate_rows` of children's entries (each child's in version order); with `as_of`,
    the groups of rows as of that day (and as known on `known_on`), as
    rules.compliance.evaluate_child judges them before resolving. `voids_last`: each child's
    entries come in business order with its voids after them, and all but the voids dated on
    or before `as_of` (compliance_view's query), so a child without a void is as it comes."""
    base: list[tuple[Any, ...]] = []
    inputs: list[tuple[str, int, str]] = []
    last_on: list[tuple[str, date | None]] = []
    before = stored if stored is not None else {}
    plain = voids_last and as_of is not None and known_on is None
    for child_id, child_entries in children:
        # Without a void, what apply_voids and as_of would return: saves sorting each child.
        as_it_comes = plain and child_entries[-1].action != "void"
        effective = child_entries if as_it_comes else apply_voids(child_entries, known_on)
        last_on.append((child_id, effective[-1].occurred_on if effective else None))
        if as_of is not None and not as_it_comes:
            effective = entries_as_of(effective, as_of)
        plan = build_history(effective)
        if plan is None:
            continue
        for group, facts in groups_of(plan):
            digest = facts_digest(facts)
            inputs.append((child_id, group, digest))
            if before.get((child_id, group)) != digest:
                base.extend(map(base_row_tuple, group_rows(child_id, facts)))
    return Evaluation(base, inputs, last_on)


def forked(there: Callable[[], R], here: Callable[[], S]) -> tuple[R, S]:
    """(there(), here()), `there` computed in a forked copy of this process while `here` runs
    in this one: for a few thousand children the copy starts at once, with nothing to import
    and nothing to send but its answer (pickled), where a helper process costs more than it
    saves. `there` must be pure Python: the copy never touches the view's DuckDB connection."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(there(), out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        mine = here()
    finally:
        with os.fdopen(read_end, "rb") as answer:
            data = answer.read()
        _, status = os.waitpid(pid, 0)
    if status != 0:
        raise StoreError("a rules evaluation process stopped unexpectedly (see above)")
    theirs: R = pickle.loads(data)
    return theirs, mine


def evaluate(entries: pa.Table, days: Sequence[date] = ()) -> list[pa.Table]:
    """`evaluate_rows` (every group judged) from and to Arrow tables (what helpers exchange):
    base rows, (child_id, last_on) and the groups' digests; then for each of `days`, the
    children with entries after it judged as of it (`judge_days`): three tables a day."""
    children = list(base_entries_of_columns(entry_columns(entries)))
    judged = judge_children(children)
    base_schema, children_schema, inputs_schema = schemas()
    tables = [
        arrow_table(judged.base, base_schema),
        arrow_table(judged.last_on, children_schema),
        arrow_table(judged.inputs, inputs_schema),
    ]
    for day in judge_days(children, judged, days):
        tables += [
            arrow_table(day.base, base_schema),
            arrow_table(day.reused, reused_schema()),
            arrow_table([(c,) for c in day.children], judged_schema()),
        ]
    return tables


class DayJudgement(NamedTuple):
    """Some children's rows as of a day, as compliance_view._judge makes them: the base rows
    of the groups whose facts as of the day differ from the latest ones, the (child, group) of
    the others (read from base_rows), and the children judged (those with entries after it)."""

    base: list[tuple[Any, ...]]
    reused: list[Key]
    children: list[str]


def judge_days(
    children: Sequence[tuple[str, list[Entry]]], latest: Evaluation, days: Sequence[date]
) -> Iterator[DayJudgement]:
    """Each of `days` for the children judged just now (`latest`, their judgement on every
    entry): the children whose last entry is after the day judged as of it, each group whose
    facts equal its latest ones reused."""
    if not days:
        return
    digests = {(c, g): d for c, g, d in latest.inputs}
    last_on = dict(latest.last_on)
    for day in days:
        later = [(c, e) for c, e in children if (last := last_on.get(c)) is not None and last > day]
        judged = judge_children(later, digests, day)
        reused = [(c, g) for c, g, d in judged.inputs if digests.get((c, g)) == d]
        yield DayJudgement(judged.base, reused, [c for c, _ in later])


@cache
def reused_schema() -> pa.Schema:
    return arrow_schema(("child_id", "cycle"))


@cache
def judged_schema() -> pa.Schema:
    return arrow_schema(("child_id",))


def days_table(days: Sequence[date]) -> pa.Table:
    import pyarrow as pa

    return pa.table({"as_of": pa.array(list(days), type=pa.date32())})


def arrow_table(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """Row tuples as an Arrow table of `schema` (columns converted in C, not cell by cell)."""
    import pyarrow as pa

    if not rows:
        # pa.array of any Python list imports pandas (0.3 s), even of an empty one.
        return pa.Table.from_batches([], schema=schema)
    columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True))
    return pa.Table.from_arrays(
        [pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


# -- helper processes -------------------------------------------------------------------------
def _write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(len(payload).to_bytes(8, "big"))
    stream.write(payload)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        return None
    return data


def _to_ipc(*tables: pa.Table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    for table in tables:
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _from_ipc(data: bytes, count: int) -> list[pa.Table]:
    import pyarrow as pa

    reader = pa.BufferReader(data)
    return [pa.ipc.open_stream(reader).read_all() for _ in range(count)]


class Helpers:
    """A few evaluator processes; `map` keeps each busy with up to two chunks in flight."""

    def __init__(self, count: int, days: Sequence[date] = ()) -> None:
        """`days`: each chunk's children are also judged as of these (evaluate)."""
        self.days = tuple(days)
        self.closed = False
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "ehcp_audit.view.evaluator"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            for _ in range(count)
        ]
        self.results: list[queue.SimpleQueue[bytes | None]] = [
            queue.SimpleQueue() for _ in self.processes
        ]
        for process, results in zip(self.processes, self.results, strict=True):
            threading.Thread(target=_collect, args=(process, results), daemon=True).start()

    def map(self, chunks: Iterator[Any]) -> Iterator[tuple[Any, list[pa.Table]]]:
        """(key, `evaluate`'s tables) per (key, entries table) of `chunks`, in order."""
        in_flight: list[tuple[int, Any]] = []
        days = days_table(self.days)
        for turn, (key, entries) in enumerate(chunks):
            worker = turn % len(self.processes)
            stdin = self.processes[worker].stdin
            assert stdin is not None
            try:
                _write_frame(stdin, _to_ipc(entries, days))
            except BrokenPipeError:
                raise self._failed() from None
            in_flight.append((worker, key))
            if len(in_flight) >= 2 * len(self.processes):
                yield self._receive(*in_flight.pop(0))
        while in_flight:
            yield self._receive(*in_flight.pop(0))

    def _receive(self, worker: int, key: Any) -> tuple[Any, list[pa.Table]]:
        data = self.results[worker].get()
        if data is None:
            raise self._failed()
        return key, _from_ipc(data, 3 + 3 * len(self.days))

    def _failed(self) -> StoreError:
        return StoreError("a rules evaluation process stopped unexpectedly (see above)")

    def close(self) -> None:
        """Stop the processes (once; a second call does nothing)."""
        if self.closed:
            return
        self.closed = True
        for process in self.processes:
            try:
                if process.stdin is not None:
                    _write_frame(process.stdin, b"")
                    process.stdin.close()
            except BrokenPipeError:
                pass
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> Helpers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _collect(process: subprocess.Popen[bytes], results: queue.SimpleQueue[bytes | None]) -> None:
    assert process.stdout is not None
    while (data := _read_frame(process.stdout)) is not None:
        results.put(data)
    results.put(None)


def helper_count() -> int:
    configured = os.environ.get("EHCP_AUDIT_PROJECT_WORKERS", "")
    if configured.isdigit():
        return int(configured)
    return min(4, len(os.sched_getaffinity(0)))


def _serve() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (data := _read_frame(stdin)) is not None and data:
        entries, days = _from_ipc(data, 2)
        _write_frame(stdout, _to_ipc(*evaluate(entries, days.column(0).to_pylist())))


if __name__ == "__main__":
    # Started for big work only, often before its first chunk is ready: pyarrow, and the pandas
    # it loads on its first conversion from Python lists (about 0.5 s), are loaded now.
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    from ehcp_audit.view.gc_tuning import bulk_work

    with bulk_work():
        _serve()
