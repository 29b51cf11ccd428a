"""Synthetic local authority: a streamed, deterministic action-log CSV (RULES.md section 1).

`SampleGenerator(config).rows()` yields one CSV row at a time, child by child,
so memory stays flat however many children are asked for; `write_sample`
writes the same rows (as text, via `text()`) straight to a file. The same
seed, sizes and end date always give the same bytes. Children are
`LA-000001`, `LA-000002`, ...: no names, and no value that could identify a
real person. Each child's random stream is seeded from the run seed and the
child's number, so children are independent of one another.

What the history looks like, and every distribution used, is documented in
`ehcp_audit.samples.distributions` and docs/samples.md. In short:

- The log covers `years` years up to the end date (default 2026-10-31), plus
  the `plan_issued` entries, up to a year earlier, of plans already open then.
- Each child's plan runs review cycle by review cycle (6-monthly under 5,
  12-monthly after), with phase transfers, school moves, per-school lateness,
  holiday dips, amendments, appeals, cessations, interim meetings, back-dated
  entries and voided data-entry mistakes.
- The tail is left open: whatever would happen after the end date is not in
  the log, so as of the end date reviews are met, missed, overdue and pending.
- `bad_rows` salts the file with extra rows the importer must reject; see
  `ehcp_audit.samples.badrows`. Their row numbers are in `Summary.bad` and in
  `NAME.bad_rows.csv` beside `NAME.csv`.

Per-child histories (`SampleGenerator.histories()`) are format-free, for other
writers (a review-tracker spreadsheet, say).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ehcp_audit import clock
from ehcp_audit.domain.vocabulary import COLUMNS
from ehcp_audit.exports.safe_cells import SafeCsvWriter
from ehcp_audit.samples import distributions as dist
from ehcp_audit.samples.badrows import BadRow, Salter
from ehcp_audit.samples.dates import add_months, iso, uk
from ehcp_audit.samples.model import ChildHistory, SampleEntry
from ehcp_audit.samples.schools import MAX_SCHOOLS, School, SchoolPicker, make_schools
from ehcp_audit.samples.simulate import Context, simulate_child

DEFAULT_END = date(2026, 10, 31)
MAX_CHILDREN = 999_999
_POSITION = {column: index for index, column in enumerate(COLUMNS)}
_TAIL_POSITION = {column: index - 5 for column, index in _POSITION.items() if index >= 5}
_BLANKS = [""] * (len(COLUMNS) - 5)
_EMPTY_TAIL = ",".join(_BLANKS)
_TIMES = [f"T{minute // 60:02d}:{minute % 60:02d}:00" for minute in range(24 * 60)]
assert COLUMNS[:5] == ("child_id", "action", "occurred_on", "recorded_by", "recorded_at")


@dataclass(frozen=True)
class SampleConfig:
    children: int = 300
    schools: int = 12
    years: int = 3
    seed: int = 2026
    end: date = DEFAULT_END
    bad_rows: float = 0.0

    def check(self, today: date | None = None) -> None:
        """Raises ValueError for a configuration the generator cannot honour."""
        if not 1 <= self.children <= MAX_CHILDREN:
            raise ValueError(f"children must be between 1 and {MAX_CHILDREN}")
        if not 1 <= self.schools <= MAX_SCHOOLS:
            raise ValueError(f"schools must be between 1 and {MAX_SCHOOLS}")
        if not 1 <= self.years <= 20:
            raise ValueError("years must be between 1 and 20")
        if self.end > (today or clock.today()):
            raise ValueError(f"end date {self.end} is after today: the importer would reject it")
        if not 0.0 <= self.bad_rows < 1.0:
            raise ValueError("bad-rows must be a fraction from 0 up to (not including) 1")


@dataclass
class Summary:
    rows: int = 0
    children: int = 0
    schools: int = 0
    bad: list[BadRow] = field(default_factory=list)
    path: Path | None = None
    bad_rows_path: Path | None = None

    @property
    def good_rows(self) -> int:
        return self.rows - len(self.bad)


def entry_values(child_id: str, entry: SampleEntry) -> list[str]:
    """One entry as CSV values in `COLUMNS` order."""
    values = [
        child_id,
        entry.action,
        uk(entry.on) if entry.uk_dates else iso(entry.on),
        entry.recorded_by,
        iso(entry.recorded_on) + _TIMES[entry.minute],
        *_BLANKS,
    ]
    for column, value in entry.fields.items():
        values[_POSITION[column]] = value
    return values


def child_text(history: ChildHistory) -> str:
    """A child's rows as CSV text, exactly as `csv.writer` would write `entry_values`.

    Good rows never need quoting (codes, dates and made-up names hold no comma,
    quote or newline), so a plain join is safe and several times faster.
    """
    prefix = history.child_id + ","
    lines = []
    for entry in history.entries:
        fields = entry.fields
        if fields:
            tail = _BLANKS.copy()
            for column, value in fields.items():
                tail[_TAIL_POSITION[column]] = value
            rest = ",".join(tail)
        else:
            rest = _EMPTY_TAIL
        day = uk(entry.on) if entry.uk_dates else iso(entry.on)
        recorded = iso(entry.recorded_on) + _TIMES[entry.minute]
        lines.append(f"{prefix}{entry.action},{day},{entry.recorded_by},{recorded},{rest}\n")
    return "".join(lines)


def _quoted(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _month(day: int) -> int:
    d = date.fromordinal(day)
    return d.year * 12 + d.month - 1


class SampleGenerator:
    def __init__(self, config: SampleConfig, today: date | None = None) -> None:
        config.check(today)
        self.config = config
        end = config.end.toordinal()
        start = add_months(end, -12 * config.years)
        self.schools: tuple[School, ...] = tuple(
            make_schools(random.Random(f"{config.seed}:schools"), config.schools)
        )
        self.context = Context(
            schools=self.schools,
            picker=SchoolPicker(list(self.schools)),
            start=start,
            end=end,
            seed=config.seed,
            caseworkers=max(3, config.children // dist.CASEWORKER_LOAD),
            month_load=dist.month_loads(
                random.Random(f"{config.seed}:months"), _month(start) - 24, _month(end) + 24
            ),
        )
        self.bad: list[BadRow] = []

    def histories(self) -> Iterator[ChildHistory]:
        for index in range(self.config.children):
            yield simulate_child(self.context, index)

    def rows(self, on_child: Callable[[int], None] | None = None) -> Iterator[list[str]]:
        """Data rows (no header); bad rows, if any, are recorded in `self.bad` as they go."""
        for history, bad in self._salted(on_child):
            child_id = history.child_id
            for position, entry in enumerate(history.entries):
                yield entry_values(child_id, entry)
                if bad is not None:
                    yield from bad[position]

    def text(self, on_child: Callable[[int], None] | None = None) -> Iterator[str]:
        """The CSV text after the header, a child at a time."""
        for history, bad in self._salted(on_child):
            if bad is None:
                yield child_text(history)
                continue
            lines = child_text(history).splitlines(keepends=True)
            yield "".join(
                line + "".join(_quoted(values) for values in extra)
                for line, extra in zip(lines, bad, strict=True)
            )

    def _salted(
        self, on_child: Callable[[int], None] | None
    ) -> Iterator[tuple[ChildHistory, list[list[list[str]]] | None]]:
        """Each history with, per entry, the bad rows that follow it (None: no bad rows)."""
        self.bad = []
        config = self.config
        salter = None
        if config.bad_rows > 0:
            salter = Salter(
                config.seed, config.bad_rows, self.schools, self.context.end, config.children
            )
        number = 0
        for index, history in enumerate(self.histories(), start=1):
            if salter is None:
                yield history, None
            else:
                bad: list[list[list[str]]] = []
                for _ in history.entries:
                    number += 1
                    after = []
                    for _ in range(salter.rows_after()):
                        values, bad_child, kind, column = salter.make(history)
                        number += 1
                        self.bad.append(BadRow(number, bad_child, kind, column))
                        after.append(values)
                    bad.append(after)
                yield history, bad
            if on_child is not None:
                on_child(index)


def bad_rows_path(out: Path) -> Path:
    return out.with_name(out.stem + ".bad_rows.csv")


def write_sample(
    config: SampleConfig,
    out: Path,
    on_child: Callable[[int], None] | None = None,
    today: date | None = None,
) -> Summary:
    """Writes the action log to `out` (and its bad rows' list beside it, if any)."""
    generator = SampleGenerator(config, today)
    summary = Summary(children=config.children, schools=config.schools, path=out)
    rows = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(COLUMNS) + "\n")
        for text in generator.text(on_child):
            handle.write(text)
            rows += text.count("\n")
    summary.rows = rows
    summary.bad = generator.bad
    listing = bad_rows_path(out)
    if config.bad_rows > 0:
        with listing.open("w", encoding="utf-8", newline="") as handle:
            writer = SafeCsvWriter(handle, lineterminator="\n")
            writer.writerow(("row", "child_id", "kind", "column"))
            writer.writerows((b.row, b.child_id, b.kind, b.column) for b in generator.bad)
        summary.bad_rows_path = listing
    return summary


def write_tracker_sample(
    config: SampleConfig, out: Path, today: date | None = None
) -> tuple[int, Path]:
    """Writes the same authority's review tracker, as it stood on the end date, to `out`
    (`.xlsx` or `.csv`) and its mapping beside it (`out` with `.toml`). Bad rows are never
    salted into a tracker. Returns (children written, mapping path)."""
    from ehcp_audit.samples import tracker

    generator = SampleGenerator(config, today)
    children = tracker.write_tracker(generator.histories(), out, config.end)
    mapping = tracker.mapping_path(out)
    tracker.write_mapping(mapping)
    return children, mapping
