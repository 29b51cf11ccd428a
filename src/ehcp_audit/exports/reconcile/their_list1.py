"""The authority's own Annex A List 1 (an .xlsx with a `List_1` sheet, as Ofsted's template and
`export annex-a` have it): its logged columns by Unique ID."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from ehcp_audit.errors import UnusableFileError
from ehcp_audit.exports.reconcile.cells import Problems, read_date, read_text
from ehcp_audit.rules.annex_a.list1 import DATE_HEADERS, UNIQUE_ID
from ehcp_audit.rules.reconcile.compare import Value
from ehcp_audit.rules.reconcile.log_side import LIST1_ITEMS

SHEET: Final = "List_1"


def _key(header: object) -> str:
    """Headers matched ignoring case, spacing and the kind of dash (a case system may write `-`
    where the template has an en dash)."""
    text = str(header or "").replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.split()).casefold()


def _book(path: Path) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnusableFileError(f"{path}: not an .xlsx workbook ({exc})") from None
    if SHEET not in book.sheetnames:
        book.close()
        raise UnusableFileError(
            f"{path}: no sheet named {SHEET} (it has: {', '.join(book.sheetnames)})"
        )
    return book


def read_their_list1(path: Path) -> dict[str, dict[str, Value]]:
    """Unique ID -> the List 1 columns the log also holds. Any unreadable cell, missing column
    or repeated id makes the file unusable (UnusableFileError naming row and column)."""
    book = _book(path)
    try:
        return _read(path, book[SHEET].iter_rows(values_only=True))
    finally:
        book.close()  # a read-only workbook keeps its file open until closed


def _read(path: Path, rows: Iterator[tuple[Any, ...]]) -> dict[str, dict[str, Value]]:
    header = next(rows, None) or ()
    columns = {_key(name): index for index, name in enumerate(header)}
    wanted = (UNIQUE_ID, *LIST1_ITEMS)
    missing = [name for name in wanted if _key(name) not in columns]
    if missing:
        raise UnusableFileError(
            f"{path}, sheet {SHEET}, row 1: no column {', '.join(missing)} (the headers of "
            "Ofsted's template are expected on the first row)"
        )
    problems = Problems(path)
    found: dict[str, dict[str, Value]] = {}
    first_row: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        values = {name: _cell(cells, columns[_key(name)]) for name in wanted}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        child = read_text(values[UNIQUE_ID])
        if child is None:
            problems.add(f"row {number}, column {UNIQUE_ID}", "blank")
            continue
        if child in first_row:
            problems.add(f"row {number}, column {UNIQUE_ID}",
                         f"{child} is also on row {first_row[child]}")  # fmt: skip
            continue
        first_row[child] = number
        found[child] = {name: _value(name, values[name], number, problems) for name in LIST1_ITEMS}
    problems.stop_if_any()
    return found


def _cell(cells: tuple[Any, ...], index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _value(name: str, raw: object, number: int, problems: Problems) -> Value:
    if name not in DATE_HEADERS:
        return read_text(raw)
    try:
        return read_date(raw)
    except ValueError as exc:
        problems.add(f"row {number}, column {name}", str(exc))
        return None
