"""people.csv: the List 1 columns the log does not hold (UPN, gender, need...), one row per child
from the authority's case system. Read for one export and never stored (docs/formats.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ehcp_audit.errors import UnusableFileError
from ehcp_audit.ingest.csv_shape import shape_error
from ehcp_audit.rules.annex_a.list1 import PERSON_COLUMNS

CHILD_ID: Final = "child_id"


@dataclass
class People:
    """child_id -> List 1 header -> value; and what was wrong with rows that were skipped."""

    by_child: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _names() -> dict[str, str]:
    """Accepted header text (lower case) -> List 1 header; List 1's own headers are accepted too."""
    names = {column: header for column, header in PERSON_COLUMNS.items()}
    names.update({header.lower(): header for header in PERSON_COLUMNS.values()})
    return names


def _header(path: Path, raw: list[str]) -> list[str]:
    """Each column's List 1 header (CHILD_ID for the id, "" for an unnamed column)."""
    names = _names()
    columns: list[str] = []
    for text in raw:
        key = " ".join(text.split()).lower()
        if key in (CHILD_ID, "unique id"):
            columns.append(CHILD_ID)
        elif key in names or not key:
            columns.append(names.get(key, ""))
        else:
            raise UnusableFileError(
                f"{path.name}: unknown column {text!r}; allowed columns are: "
                f"{', '.join((CHILD_ID, *PERSON_COLUMNS))} (or List 1's own headers)"
            )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise UnusableFileError(f"{path.name}: column(s) given twice: {', '.join(repeated)}")
    if CHILD_ID not in columns:
        raise UnusableFileError(f"{path.name}: the column child_id is missing")
    return columns


def read_people(path: Path) -> People:
    """The file's rows by child. A row that cannot be used is skipped and named (row number
    from 1, after the header); the file itself unusable raises UnusableFileError (exit 2)."""
    if not path.is_file():
        raise UnusableFileError(f"{path}: no such file")
    people = People()
    first_row: dict[str, int] = {}
    row, line = 0, 1  # the last data row read, and the line it ended on
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            raw = next(reader, None)
            if not raw or not any(h.strip() for h in raw):
                raise UnusableFileError(f"{path.name}: the file is empty or has no header row")
            columns = _header(path, raw)
            line = reader.line_num
            for row, values in enumerate(reader, start=1):
                line = reader.line_num
                _add_row(people, first_row, columns, row, values)
    except UnicodeDecodeError:
        raise UnusableFileError(f"{path.name}: not a UTF-8 CSV file") from None
    except csv.Error as exc:
        raise shape_error(path, exc, row + 1, line + 1) from None
    return people


def _add_row(
    people: People, first_row: dict[str, int], columns: list[str], row: int, values: list[str]
) -> None:
    if not "".join(values).strip():
        return
    if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
        people.problems.append(
            f"row {row}: {len(values)} fields but the header has {len(columns)} (skipped)"
        )
        return
    cells = {c: v.strip() for c, v in zip(columns, values, strict=False) if c and v.strip()}
    child_id = cells.pop(CHILD_ID, "")
    if not child_id:
        people.problems.append(f"row {row}: column child_id is blank (skipped)")
        return
    if child_id in first_row:
        people.problems.append(
            f"row {row}: child_id {child_id} is also on row {first_row[child_id]} "
            "(the first row is used)"
        )
        return
    first_row[child_id] = row
    people.by_child[child_id] = cells
