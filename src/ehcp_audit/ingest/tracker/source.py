"""The tracker's changes as a RowSource: the action-log rows the importer validates and records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ehcp_audit.domain.entry import Entry
from ehcp_audit.domain.vocabulary import COLUMNS
from ehcp_audit.ingest.csv_file import SourceRow
from ehcp_audit.ingest.tracker.changes import REJECT, TRACKER_PREFIX, Change


def problem_text(change: Change) -> str:
    fact = change.fact
    where = f", cell {fact.problem_cell}" if fact.problem_cell is not None else ""
    return f"tracker row {fact.row_number}{where}: {fact.problem}"


@dataclass(frozen=True)
class TrackerSource:
    """Row n of this source is `changes[n - 1]`; a rejected change is a row with its problem,
    so the import log keeps the tracker row and cell of every rejection."""

    file_name: str
    sha256: str
    changes: Sequence[Change]
    kind: str = "tracker"

    @property
    def name(self) -> str:
        # The prefix marks the tracker's own entries: only those are ever voided by a tracker.
        return f"{TRACKER_PREFIX}{self.file_name}"

    @property
    def header(self) -> list[str]:
        return list(COLUMNS)

    def rows(self) -> Iterator[SourceRow]:
        for change in self.changes:
            values = change.fact.values
            problem = problem_text(change) if change.kind == REJECT else ""
            yield [values.get(c, "") for c in COLUMNS], dict(values), problem

    def parsed(self) -> Iterator[tuple[int, Entry | None, str]]:
        """Each row's entry as `parse_row` made it when the change was planned (parsing the
        row again gives the same entry: tests/test_parallel_tracker.py), or its problem."""
        for number, change in enumerate(self.changes, start=1):
            if change.kind == REJECT:
                yield number, None, problem_text(change)
            else:
                assert change.fact.entry is not None
                yield number, change.fact.entry, ""

    def change_at(self, row: int) -> Change:
        return self.changes[row - 1]

    def source_row(self, row: int) -> int:
        """The tracker row a change comes from: its entries' source row."""
        return self.changes[row - 1].fact.row_number
