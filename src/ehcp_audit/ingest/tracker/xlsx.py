"""A fast streaming reader of one XLSX worksheet's cell values (issue 6: 50,000 rows in
well under the minute).

openpyxl's read-only mode builds a cell object per cell in pure Python, about a quarter of a
large tracker's import time. A tracker needs only each cell's value, so this reads the
sheet's XML with the C ElementTree parser and keeps openpyxl for the rules that must match
Excel's: which number formats are dates, and the conversion of date numbers (1900 or 1904
date system). The values are the ones openpyxl's `iter_rows(values_only=True)` gives (tested
against it in tests/test_tracker.py): numbers as int or float, strings (shared or inline),
booleans, error texts (`#N/A`), datetimes for date-formatted numbers; every row from 1 up to
the last one, blank rows as empty lists.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from typing import cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser, fromstring

from ehcp_audit.ingest.tracker.cells import UnsavedFormula

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _FORMULA = (
    MAIN + t for t in ("row", "c", "v", "is", "t", "f")
)
_PHONETIC = MAIN + "rPh"
CHUNK = 1 << 16
_DIGITS = "0123456789"


class XlsxError(ValueError):
    """The workbook's structure cannot be read (a missing part, bad XML)."""


class Workbook:
    """An open .xlsx: its sheet names, shared strings and date styles."""

    def __init__(self, path: str) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxError(str(exc)) from None
        try:
            self._read_structure()
        except (KeyError, ParseError, ValueError) as exc:
            self.zip.close()
            raise XlsxError(f"{type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        self.zip.close()

    # -- structure ---------------------------------------------------------------------------
    def _read_structure(self) -> None:
        book = fromstring(self.zip.read("xl/workbook.xml"))
        targets = {
            rel.get("Id"): (rel.get("Type", "").rsplit("/", 1)[-1], _part(rel.get("Target", "")))
            for rel in fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
            if rel.tag == PKG_REL + "Relationship"
        }
        self.sheets: dict[str, str] = {}
        for sheet in book.iter(MAIN + "sheet"):
            kind, part = targets[sheet.get(REL + "id")]
            if kind == "worksheet":  # chartsheets hold no cells
                self.sheets[sheet.get("name", "")] = part
        if not self.sheets:
            raise ValueError("the workbook has no worksheet")
        properties = book.find(MAIN + "workbookPr")
        date1904 = properties is not None and properties.get("date1904", "0") in ("1", "true")
        from openpyxl.utils.datetime import (
            CALENDAR_MAC_1904,
            CALENDAR_WINDOWS_1900,
            from_excel,
            from_ISO8601,
        )

        self._from_excel, self._from_iso = from_excel, from_ISO8601
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        parts = {kind: part for kind, part in targets.values()}
        self.strings = self._shared_strings(parts.get("sharedStrings"))
        self.date_styles = self._date_styles(parts.get("styles"))

    def _shared_strings(self, part: str | None) -> list[str]:
        if part is None or part not in self.zip.namelist():
            return []
        strings: list[str] = []
        for element in _elements(self.zip, part, MAIN + "si"):
            strings.append(_text(element))
            element.clear()
        return strings

    def _date_styles(self, part: str | None) -> frozenset[int]:
        """The indexes of the cell formats (`s` attribute) that show a number as a date."""
        if part is None or part not in self.zip.namelist():
            return frozenset()
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        styles = fromstring(self.zip.read(part))
        codes: dict[int, str] = dict(BUILTIN_FORMATS)
        formats = styles.find(MAIN + "numFmts")
        for fmt in formats if formats is not None else ():
            codes[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        found = set()
        cell_formats = styles.find(MAIN + "cellXfs")
        for index, xf in enumerate(cell_formats if cell_formats is not None else ()):
            code = codes.get(int(xf.get("numFmtId", "0")), "")
            if code and is_date_format(code):
                found.add(index)
        return frozenset(found)

    # -- cells -------------------------------------------------------------------------------
    def rows(self, sheet: str) -> Iterator[list[object]]:
        """The sheet's rows from row 1, each a list of values (None for an empty cell)."""
        try:
            yield from self._rows(self.sheets[sheet])
        except ParseError as exc:
            raise XlsxError(f"sheet {sheet!r}: {exc}") from None

    def _rows(self, part: str) -> Iterator[list[object]]:
        # A large sheet has about a million cells: the per-cell work is kept to dictionary
        # lookups (column letters, date styles and date numbers repeat).
        strings = self.strings
        date_styles = {str(i) for i in self.date_styles}
        columns: dict[str, int] = {}
        dates: dict[str, object] = {}
        number = 0
        for row in _elements(self.zip, part, _ROW):
            at = row.get("r")
            this = int(at) if at else number + 1
            while number + 1 < this:  # rows with no cells are not in the file
                number += 1
                yield []
            number = this
            values: list[object] = []
            column = 0
            for cell in row:
                if cell.tag != _CELL:
                    continue
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    found = columns.get(letters)
                    if found is None:
                        found = columns[letters] = _column(letters)
                    column = found
                else:
                    column += 1
                kind = cell.get("t", "n")
                if kind == "n":
                    raw = cell.findtext(_VALUE)
                    if not raw:
                        formula = cell.find(_FORMULA)
                        if formula is None:
                            continue
                        # Excel always saves a formula's value; a program may not.
                        value: object = UnsavedFormula(formula.text or "")
                    elif (style := cell.get("s")) is not None and style in date_styles:
                        value = dates.get(raw)
                        if value is None:
                            value = dates[raw] = self._from_excel(_number(raw), self.epoch)
                    else:
                        value = _number(raw)
                else:
                    value = self._value(cell, kind, strings)
                if value is None:
                    continue
                if len(values) < column:
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
            row.clear()
            yield values

    def _value(self, cell: Element, kind: str, strings: list[str]) -> object:
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return _text(inline) if inline is not None else None
        raw = cell.findtext(_VALUE)
        if raw is None:
            return None
        if kind == "s":
            return strings[int(raw)]
        if kind == "b":
            return raw in ("1", "true")
        if kind == "d":
            return self._from_iso(raw)
        return raw or None  # "str" (a formula's text result) and "e" (an error: #N/A)


def _number(raw: str) -> int | float:
    return float(raw) if any(c in raw for c in ".eE") else int(raw)


def _part(target: str) -> str:
    """A relationship target as a zip member name (targets are relative to xl/)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _column(ref: str) -> int:
    column = 0
    for char in ref:
        if "A" <= char <= "Z":
            column = column * 26 + ord(char) - 64
        else:
            break
    return column


def _text(element: Element) -> str:
    """A string item's text: its <t>, or its rich-text runs' <t>s (not phonetic guides)."""
    parts: list[str] = []
    for child in element:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag != _PHONETIC:
            parts.extend(t.text or "" for t in child.iter(_TEXT))
    return "".join(parts)


def _elements(archive: zipfile.ZipFile, part: str, tag: str) -> Iterator[Element]:
    """Each complete `tag` element of a zip member, streamed (the caller clears them)."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))

    def ready() -> Iterator[Element]:
        for event in parser.read_events():
            element: object = cast(tuple[str, object], event)[1]
            if isinstance(element, Element) and element.tag == tag:
                yield element

    with archive.open(part) as handle:
        while chunk := handle.read(CHUNK):
            parser.feed(chunk)
            yield from ready()
        parser.close()
        yield from ready()
