"""What counts as a live formula in a file the project writes (issue 16, item 2).

A CSV cell is a formula to Excel and LibreOffice when it begins with `=`, `+`, `-`, `@`, tab or
carriage return. A neutralised cell starts with an apostrophe instead, so it never matches.
Exempt: a lone `-` (a placeholder, text to a spreadsheet) and a negative number written as a
number (`-3`, `-0.25`), which is data, not a formula; but not in a child-id column, where `-12`
is a case reference that must come out as text.
In XLSX, no cell may be a formula (openpyxl data_type 'f'), and a string cell that begins
with one of those characters must carry Excel's quote prefix (shown and kept as text when
edited) or begin with an apostrophe, unless it is a negative number written as text; a child
id is never a number cell."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEGATIVE_NUMBER = re.compile(r"-(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
ID_COLUMNS = frozenset({"child_id", "Person ID"})


def is_live(text: str, column: str = "") -> bool:
    """Would a spreadsheet evaluate this cell text as a formula (or, for an id, as a number)?"""
    if not text.startswith(TRIGGERS) or text == "-":
        return False
    return column in ID_COLUMNS or NEGATIVE_NUMBER.fullmatch(text) is None


def csv_formulas(path: Path) -> Iterator[tuple[str, str]]:
    """`path`'s live cells, as ('FILE column C', 'row R: text')."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for number, cells in enumerate([header, *reader], start=1):
            for index, cell in enumerate(cells):
                column = header[index] if index < len(header) and number > 1 else ""
                if is_live(cell, column):
                    yield f"{path.name} column {index + 1}", f"row {number}: {cell[:60]!r}"


def xlsx_formulas(path: Path) -> Iterator[tuple[str, str]]:
    """Formula cells, and string cells a spreadsheet would turn into formulas when edited."""
    book = load_workbook(path)
    for sheet in book.worksheets:
        header = [str(c.value) for c in next(sheet.iter_rows(max_row=1), ())]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                where = f"{path.name} {sheet.title} column {cell.column_letter}"
                what = f"{cell.coordinate}: {str(cell.value)[:60]!r}"
                column = header[cell.column - 1] if cell.row > 1 else ""
                if cell.data_type == "f":
                    yield where, f"formula cell {what}"
                elif column in ID_COLUMNS and cell.data_type == "n":
                    yield where, f"id written as a number {what}"
                elif _unprefixed(cell):
                    yield where, f"string without quote prefix {what}"
    book.close()


def _unprefixed(cell: Any) -> bool:
    text = cell.value
    return (
        cell.data_type == "s" and isinstance(text, str) and is_live(text) and not cell.quotePrefix
    )


def live_cells(folder: Path) -> list[str]:
    """The live cells of every CSV and XLSX under `folder`: per file and column, the first
    one and how many there are."""
    first: dict[str, str] = {}
    count: Counter[str] = Counter()
    for path in sorted(folder.rglob("*")):
        cells = {".csv": csv_formulas, ".xlsx": xlsx_formulas}.get(path.suffix)
        for where, what in cells(path) if cells else ():
            first.setdefault(where, what)
            count[where] += 1
    return [f"{where}: {what} ({count[where]} such cells)" for where, what in first.items()]


def workbook_cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    found: dict[str, list[tuple[object, ...]]] = {
        sheet.title: [
            (c.coordinate, c.value, c.data_type, c.number_format, bool(c.quotePrefix))
            for row in sheet.iter_rows()
            for c in row
            if c.value not in (None, "")
        ]
        for sheet in book.worksheets
    }
    book.close()
    return found
