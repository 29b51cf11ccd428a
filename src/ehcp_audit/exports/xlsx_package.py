"""An XLSX workbook written as its XML parts: one sheet per frame, a bold header row, text as
shared strings, numbers, booleans, and dates and timestamps as serial numbers shown as dates.

Each column is turned into XML once per distinct value (a work list's 400,000 cells hold a few
tens of thousands), and a sheet is joined from its columns; a cell-by-cell writer spent most
of the monthly report's time here. The cells follow `safe_cells`' rules (docs/security.md):
text is always a string cell, never a formula; text a spreadsheet would evaluate carries
Excel's quote prefix; what XML cannot hold becomes U+FFFD.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

import pandas as pd

from ehcp_audit.errors import RefusedError
from ehcp_audit.exports.safe_cells import FORMULA_STARTS, XLSX_MAX_ROWS, xlsx_cell

MAX_COLUMNS: Final = 16_384
# Excel's limit on a cell's text, in UTF-16 units; a longer cell makes Excel repair the file.
MAX_TEXT: Final = 32_767
CUT_MARK: Final = "\u2026"
# A column's width in characters: its longest text, header included, up to this.
MAX_WIDTH: Final = 60
_FORBIDDEN_IN_SHEET_NAME: Final = frozenset("[]:*?/\\")
# Excel reads `_x0041_` in a string as "A"; such text keeps its characters as `_x005F_x0041_`.
_EXCEL_ESCAPE: Final = re.compile("_x[0-9A-Fa-f]{4}_")

_MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES: Final = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD: Final = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles, by their index in styles.xml's cellXfs.
_HEADER, _QUOTED, _DAY, _STAMP, _HEADER_QUOTED = 1, 2, 3, 4, 5
_STYLES: Final = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="YYYY-MM-DD"/>'
    '<numFmt numFmtId="165" formatCode="YYYY-MM-DD HH:MM:SS"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    + "".join(f'<{s} style="thin"><color auto="1"/></{s}>' for s in ("left", "right", "top"))
    + '<bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"'
    ' applyAlignment="1"><alignment horizontal="center"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"'
    ' applyAlignment="1" quotePrefix="1"><alignment horizontal="center"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_FROZEN_HEADER: Final = (
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
)
_EPOCH: Final = datetime(1899, 12, 30)
_SECONDS_A_DAY: Final = 86_400


class TooLargeForXlsxError(RefusedError, ValueError):
    """A sheet longer than XLSX holds: refused (exit status 2), never cut."""


def write_workbook(out: Path, sheets: Mapping[str, pd.DataFrame]) -> None:
    """Write `sheets` (name -> frame, in order) as one workbook at `out`. Every check runs
    before the file is opened, so a refused workbook leaves no file behind."""
    _check(sheets)
    strings = _SharedStrings()
    parts = {
        f"xl/worksheets/sheet{n}.xml": _sheet_xml(frame, strings, selected=n == 1)
        for n, frame in enumerate(sheets.values(), start=1)
    }
    parts["xl/sharedStrings.xml"] = strings.xml()
    filtered = {name: _corner(frame) for name, frame in sheets.items()}
    parts = {**_package_parts(filtered), **parts}
    with zipfile.ZipFile(out, "w") as book:
        for name, text in parts.items():
            part = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            # The fastest deflate: a sheet's XML repeats itself, so it still packs about 8:1.
            book.writestr(part, text, zipfile.ZIP_DEFLATED, compresslevel=1)


def _check(sheets: Mapping[str, pd.DataFrame]) -> None:
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    seen: set[str] = set()
    for name, frame in sheets.items():
        if not 1 <= len(name) <= 31 or _FORBIDDEN_IN_SHEET_NAME & set(name):
            raise ValueError(f"sheet name {name!r}: 1 to 31 characters, none of []:*?/\\")
        if name.startswith("'") or name.endswith("'") or name.casefold() in seen:
            raise ValueError(f"sheet name {name!r}: taken, or begins or ends with '")
        seen.add(name.casefold())
        if len(frame) + 1 > XLSX_MAX_ROWS or len(frame.columns) > MAX_COLUMNS:
            raise TooLargeForXlsxError(
                f"sheet {name!r} has {len(frame):,} rows and {len(frame.columns)} columns: more "
                f"than XLSX can hold ({XLSX_MAX_ROWS - 1:,} rows under the header, "
                f"{MAX_COLUMNS:,} columns); write it as CSV or Parquet instead"
            )


class _SharedStrings:
    """The workbook's text, each distinct string once (sharedStrings.xml)."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def cell(self, text: str, style: str = "") -> str:
        """A text cell's attributes and value, after `<c r="A1"`; "" for no cell."""
        text = _fit(xlsx_cell(text))
        if not text:
            return ""
        number = self._index.setdefault(text, len(self._index))
        return f'{style} t="s"><v>{number}</v></c>'

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{_escape(t)}</t></si>' for t in self._index)
        return f'{_HEAD}<sst xmlns="{_MAIN}" uniqueCount="{len(self._index)}">{items}</sst>'


def _sheet_xml(frame: pd.DataFrame, strings: _SharedStrings, *, selected: bool) -> str:
    """One sheet: the header row kept in view and filterable, columns as wide as their text."""
    letters = [_letters(i) for i in range(len(frame.columns))]
    titles = [str(title) for title in frame.columns]
    header = "".join(
        f'<c r="{letter}1"{_header_cell(title, strings)}'
        for letter, title in zip(letters, titles, strict=True)
    )
    numbers = [str(n) for n in range(2, len(frame) + 2)]
    columns, widths = [], []
    for i, letter in enumerate(letters):
        cells, longest = _column_cells(frame.iloc[:, i], letter, numbers, strings)
        columns.append(cells)
        widths.append(min(max(len(titles[i]), longest) + 2, MAX_WIDTH))
    starts = [f'<row r="{n}">' for n in numbers]
    body = "</row>".join(map("".join, zip(starts, *columns, strict=True)))
    data = f'<row r="1">{header}</row>' if letters else ""
    data += f"{body}</row>" if starts else ""
    corner = _corner(frame)
    tab = ' tabSelected="1"' if selected else ""
    table_filter = f'<autoFilter ref="A1:{corner}"/>' if corner else ""
    return (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        f'<dimension ref="A1:{corner or "A1"}"/><sheetViews><sheetView{tab} workbookViewId="0">'
        f"{_FROZEN_HEADER if corner else ''}</sheetView></sheetViews>"
        f'<sheetFormatPr defaultRowHeight="15"/>{_widths_xml(widths)}'
        f"<sheetData>{data}</sheetData>{table_filter}"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )


def _corner(frame: pd.DataFrame) -> str | None:
    """The bottom right cell of a sheet's table, header included; None for a sheet with no
    columns."""
    return f"{_letters(len(frame.columns) - 1)}{len(frame) + 1}" if len(frame.columns) else None


def _widths_xml(widths: list[int]) -> str:
    if not widths:
        return ""
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, w in enumerate(widths, start=1)
    )
    return f"<cols>{cols}</cols>"


def _header_cell(title: str, strings: _SharedStrings) -> str:
    style = _HEADER_QUOTED if title.startswith(FORMULA_STARTS) else _HEADER
    return strings.cell(title, f' s="{style}"') or f' s="{_HEADER}"/>'


def _column_cells(
    values: pd.Series, letter: str, numbers: list[str], strings: _SharedStrings
) -> tuple[list[str], int]:
    """Each row's cell of one column ("" where it has none), each distinct value turned into
    XML once, and the length of its longest value as shown. A column of mixed types is taken
    value by value: a distinct-value pass would count True and 1 as one value."""
    codes: Iterable[int]
    if pd.api.types.infer_dtype(values, skipna=True).startswith("mixed"):
        shown = values.tolist()
        table = [_cell_body(v, strings) for v in shown]
        codes = range(len(table))
    else:
        found, distinct = pd.factorize(values, use_na_sentinel=True)
        shown = distinct.tolist()
        table = [_cell_body(v, strings) for v in shown]
        table.append("")  # code -1: a missing value
        codes = found.tolist()
    cells = [
        f'<c r="{letter}{n}"{b}' if (b := table[c]) else ""
        for n, c in zip(numbers, codes, strict=True)
    ]
    return cells, max(map(_shown_length, shown), default=0)


def _shown_length(value: object) -> int:
    """About how many characters a value takes in its cell (a date as YYYY-MM-DD)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return len(str(value)) if isinstance(value, int | float) else 0


def _cell_body(value: object, strings: _SharedStrings) -> str:
    """A cell's attributes and value after `<c r="A1"`, as safe_cells writes it; "" for none."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, str):
        return strings.cell(value, f' s="{_QUOTED}"' if value.startswith(FORMULA_STARTS) else "")
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        return f' s="{_STAMP}"><v>{_serial(value)!r}</v></c>'
    if isinstance(value, date):
        return f' s="{_DAY}"><v>{_serial(datetime.combine(value, datetime.min.time()))}</v></c>'
    if isinstance(value, int):
        return f"><v>{value}</v></c>"
    if isinstance(value, float):
        # XLSX has no NaN or infinity; such a float is a missing value.
        return f"><v>{value!r}</v></c>" if math.isfinite(value) else ""
    item = getattr(value, "item", None)
    return _cell_body(item() if callable(item) else str(value), strings)


def _serial(moment: datetime) -> int | float:
    """Excel's serial day number (1900 date system, as openpyxl counts it); a timestamp with a
    time zone is taken in UTC, the application's clock."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    delta = moment - _EPOCH
    days = delta.days - 1 if 0 < delta.days <= 60 else delta.days
    seconds = delta.seconds + delta.microseconds / 1_000_000
    return days + seconds / _SECONDS_A_DAY if seconds else days


def _fit(text: str) -> str:
    """`text` cut to what an Excel cell holds, the cut shown by an ellipsis."""
    if len(text) <= MAX_TEXT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * MAX_TEXT:
        return text
    return units[: 2 * (MAX_TEXT - 1)].decode("utf-16-le", errors="ignore") + CUT_MARK


def _escape(text: str) -> str:
    """Text for an XML element: markup escaped; a carriage return as a character reference
    (a parser turns a literal one into a line feed); Excel's own `_xHHHH_` escape escaped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\g<0>", text)
    return text


def _letters(index: int) -> str:
    """The column letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _package_parts(filtered: Mapping[str, str | None]) -> dict[str, str]:
    """Everything but the sheets and their strings: content types, relationships, the workbook
    (its sheets, and each sheet's filtered range as Excel names it) and the styles."""
    names = list(filtered)
    count = len(names)
    sheet_type = f"{_OFFICE}.worksheet+xml"
    overrides = [
        ("/xl/workbook.xml", f"{_OFFICE}.sheet.main+xml"),
        ("/xl/styles.xml", f"{_OFFICE}.styles+xml"),
        ("/xl/sharedStrings.xml", f"{_OFFICE}.sharedStrings+xml"),
        *((f"/xl/worksheets/sheet{n}.xml", sheet_type) for n in range(1, count + 1)),
    ]
    types = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
    targets = [
        *((f"worksheets/sheet{n}.xml", f"{_DOC_RELS}/worksheet") for n in range(1, count + 1)),
        ("styles.xml", f"{_DOC_RELS}/styles"),
        ("sharedStrings.xml", f"{_DOC_RELS}/sharedStrings"),
    ]
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, (target, kind) in enumerate(targets, start=1)
    )
    sheets = "".join(
        f'<sheet name="{_attribute(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return {
        "[Content_Types].xml": f'{_HEAD}<Types xmlns="{_TYPES}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{types}</Types>",
        "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
        f"{_filter_names(filtered)}</workbook>",
        "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_PKG_RELS}">{links}'
        "</Relationships>",
        "xl/styles.xml": _STYLES,
    }


def _filter_names(filtered: Mapping[str, str | None]) -> str:
    """The hidden name Excel keeps for each sheet's autofilter range."""
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{_escape(_quoted_sheet(name))}!$A$1:{_absolute(corner)}</definedName>"
        for n, (name, corner) in enumerate(filtered.items())
        if corner
    )
    return f"<definedNames>{names}</definedNames>" if names else ""


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(cell: str) -> str:
    """`J135` as `$J$135`."""
    letters = cell.rstrip("0123456789")
    return f"${letters}${cell[len(letters):]}"
