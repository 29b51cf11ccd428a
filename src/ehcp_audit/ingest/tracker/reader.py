"""Reading a tracker spreadsheet (XLSX or CSV) as rows of cell values under a found header.

XLSX is streamed by xlsx.py (cell values only, openpyxl's date rules); CSV may be UTF-8
(with or without a BOM) or Windows-1252, as Excel saves it, comma-, semicolon- or
tab-separated.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ehcp_audit.errors import UnusableFileError
from ehcp_audit.ingest.csv_shape import shape_error
from ehcp_audit.ingest.tracker.headers import SCAN_ROWS, Header, find_header
from ehcp_audit.ingest.tracker.mapping import TrackerMapping

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})


@dataclass
class TrackerTable:
    where: str  # "tracker.xlsx, sheet Reviews": for messages
    header: Header
    rows: Iterator[tuple[int, list[object]]]  # (sheet row number, cell values) after the header


@contextmanager
def open_table(path: Path, mapping: TrackerMapping, sheet: str | None) -> Iterator[TrackerTable]:
    """The tracker's header and its data rows; raise UnusableFileError if it cannot be read."""
    if not path.is_file():
        raise UnusableFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        opened = _xlsx_rows(path, sheet or mapping.sheet)
    elif suffix in CSV_SUFFIXES:
        if sheet:
            raise UnusableFileError(f"{path.name}: --sheet applies to XLSX files only")
        opened = _csv_rows(path)
    else:
        raise UnusableFileError(f"{path.name}: not a tracker file (use .xlsx or .csv)")
    with opened as (where, raw):
        numbered = enumerate(raw, start=1)
        top = [values for _, values in itertools.islice(numbered, SCAN_ROWS)]
        header = find_header(top, mapping, where)
        rest = itertools.chain(
            ((n, v) for n, v in enumerate(top, start=1) if n > header.row), numbered
        )
        yield TrackerTable(where, header, rest)


@contextmanager
def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[str, Iterator[list[object]]]]:
    from ehcp_audit.ingest.tracker.xlsx import Workbook, XlsxError

    try:
        book = Workbook(str(path))
    except XlsxError as exc:
        raise UnusableFileError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    try:
        names = list(book.sheets)
        if sheet is None:
            sheet = names[0]
        elif sheet not in book.sheets:
            raise UnusableFileError(f"{path.name}: no sheet {sheet!r}; sheets: {', '.join(names)}")
        yield f"{path.name}, sheet {sheet!r}", _readable(path, book.rows(sheet))
    finally:
        book.close()


def _readable(path: Path, rows: Iterator[list[object]]) -> Iterator[list[object]]:
    from ehcp_audit.ingest.tracker.xlsx import XlsxError

    try:
        yield from rows
    except XlsxError as exc:
        raise UnusableFileError(f"{path.name}: not a readable XLSX workbook ({exc})") from None


@contextmanager
def _csv_rows(path: Path) -> Iterator[tuple[str, Iterator[list[object]]]]:
    head = path.read_bytes()[:65536]
    if b"\x00" in head:
        raise UnusableFileError(f"{path.name}: not a CSV file (it contains binary data)")
    encoding = "utf-8-sig"
    try:
        head.decode(encoding)
    except UnicodeDecodeError as exc:
        # A cut at the end of the sample is not an encoding problem.
        if exc.start < len(head) - 4:
            encoding = "cp1252"
    sample = head.decode(encoding, errors="ignore").rsplit("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    with path.open(encoding=encoding, newline="", errors="replace") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        yield path.name, _checked(path, reader)


def _checked(path: Path, reader: Iterator[list[str]]) -> Iterator[list[object]]:
    """The rows, or the file refused whole (as an action log is) where its CSV shape breaks:
    a quote never closed would otherwise swallow every later row."""
    number, line = 0, 1
    try:
        for number, row in enumerate(reader, start=1):  # noqa: B007 (read after the loop)
            line = reader.line_num + 1  # type: ignore[attr-defined]
            yield _as_values(row)
    except csv.Error as exc:
        raise shape_error(path, exc, number + 1, line) from None


def _as_values(row: list[str]) -> list[object]:
    return list(row)
