"""An XLSX workbook written as its XML parts: one sheet per frame (or Table), a bold header
row kept in view and filterable, columns as wide as their text; the cells as xlsx_cells writes them.

Each column is turned into XML once per distinct value (a work list's 400,000 cells hold a few
tens of thousands) and a sheet is joined from its columns: a cell-by-cell writer had spent
most of the monthly report's time on its workbook.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple, TypeAlias

if TYPE_CHECKING:
    import pandas as pd

from ehcp_audit.errors import RefusedError
from ehcp_audit.exports.safe_cells import XLSX_MAX_ROWS
from ehcp_audit.exports.xlsx_cells import MAIN_NS, XML_HEAD, CellWriter, escape, shown_length
from ehcp_audit.ingest.tracker.cells import column_letter

MAX_COLUMNS: Final = 16_384
_FORBIDDEN_IN_SHEET_NAME: Final = frozenset("[]:*?/\\")
_DOC_RELS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES: Final = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_MARGINS: Final = (
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
)


@dataclass(frozen=True)
class SheetLayout:
    """How every sheet of a workbook is shown; the cells' values and types are the same
    whatever it says. `column_formats`: a number format for every cell of the columns so
    titled (dates shown DD/MM/YYYY, say); `freeze`: the first cell that scrolls; a column's
    width is its longest text, its title counting for at most `title_counts` characters, up
    to `widest`."""

    column_formats: Mapping[str, str] = field(default_factory=dict)
    freeze: str = "A2"
    widest: int = 60
    title_counts: int = MAX_COLUMNS


class Table(NamedTuple):
    """A sheet as its column titles and rows: what a caller with no DataFrame passes (the
    monthly report's work list), so that writing it never loads pandas. Missing values are
    None."""

    titles: Sequence[str]
    rows: Sequence[Sequence[object]]


Sheet: TypeAlias = "pd.DataFrame | Table"


class _Columns(NamedTuple):
    titles: list[str]
    values: list[list[object]]
    length: int


def _columns(sheet: Sheet) -> _Columns:
    if isinstance(sheet, Table):
        values = [list(c) for c in zip(*sheet.rows, strict=True)]
        titles = [str(t) for t in sheet.titles]
        return _Columns(titles, values or [[] for _ in titles], len(sheet.rows))
    values = []
    for i in range(len(sheet.columns)):
        column = sheet.iloc[:, i]
        missing = column.isna().tolist()
        values.append([None if m else v for v, m in zip(column.tolist(), missing, strict=True)])
    return _Columns([str(t) for t in sheet.columns], values, len(sheet))


class TooLargeForXlsxError(RefusedError, ValueError):
    """A sheet longer than XLSX holds: refused (exit status 2), never cut."""


def write_workbook(
    out: Path, sheets: Mapping[str, Sheet], layout: SheetLayout | None = None
) -> None:
    """Write `sheets` (name -> frame or Table, in order) as one workbook at `out`. Every check
    runs before the file is opened, so a refused workbook leaves no file behind."""
    tables = {name: _columns(sheet) for name, sheet in sheets.items()}
    _check(tables)
    cells = CellWriter()
    parts = {
        f"xl/worksheets/sheet{n}.xml": _sheet_xml(table, cells, layout or SheetLayout(), n == 1)
        for n, table in enumerate(tables.values(), start=1)
    }
    parts["xl/sharedStrings.xml"] = cells.strings.xml()
    parts["xl/styles.xml"] = cells.styles.xml()
    filtered = {name: _corner(table) for name, table in tables.items()}
    parts = {**_package_parts(filtered), **parts}
    with zipfile.ZipFile(out, "w") as book:
        for name, text in parts.items():
            part = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            # The fastest deflate: a sheet's XML repeats itself, so it still packs about 7:1.
            book.writestr(part, text, zipfile.ZIP_DEFLATED, compresslevel=1)


def _check(sheets: Mapping[str, _Columns]) -> None:
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    seen: set[str] = set()
    for name, table in sheets.items():
        if not 1 <= len(name) <= 31 or _FORBIDDEN_IN_SHEET_NAME & set(name):
            raise ValueError(f"sheet name {name!r}: 1 to 31 characters, none of []:*?/\\")
        if name.startswith("'") or name.endswith("'") or name.casefold() in seen:
            raise ValueError(f"sheet name {name!r}: taken, or begins or ends with '")
        seen.add(name.casefold())
        if table.length + 1 > XLSX_MAX_ROWS or len(table.titles) > MAX_COLUMNS:
            raise TooLargeForXlsxError(
                f"sheet {name!r} has {table.length:,} rows and {len(table.titles)} columns: more "
                f"than XLSX can hold ({XLSX_MAX_ROWS - 1:,} rows under the header, "
                f"{MAX_COLUMNS:,} columns); write it as CSV or Parquet instead"
            )


def _sheet_xml(table: _Columns, cells: CellWriter, layout: SheetLayout, first: bool) -> str:
    letters = [column_letter(i) for i in range(len(table.titles))]
    titles = table.titles
    header = "".join(f'<c r="{x}1"{cells.header(t)}' for x, t in zip(letters, titles, strict=True))
    numbers = [str(n) for n in range(2, table.length + 2)]
    columns, widths = [], []
    for i, (letter, title) in enumerate(zip(letters, titles, strict=True)):
        number_format = layout.column_formats.get(title)
        column, longest = _column_cells(table.values[i], letter, numbers, cells, number_format)
        columns.append(column)
        widths.append(min(max(min(len(title), layout.title_counts), longest) + 2, layout.widest))
    starts = [f'<row r="{n}">' for n in numbers]
    body = "</row>".join(map("".join, zip(starts, *columns, strict=True)))
    data = f'<row r="1">{header}</row>' if letters else ""
    data += f"{body}</row>" if starts else ""
    corner = _corner(table)
    view = _frozen(layout.freeze) if corner else ""
    table_filter = f'<autoFilter ref="A1:{corner}"/>' if corner else ""
    tab = ' tabSelected="1"' if first else ""
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{_DOC_RELS}">'
        f'<dimension ref="A1:{corner or "A1"}"/><sheetViews><sheetView'
        f'{tab} workbookViewId="0">{view}</sheetView>'
        f'</sheetViews><sheetFormatPr defaultRowHeight="15"/>{_widths_xml(widths)}'
        f"<sheetData>{data}</sheetData>{table_filter}{_MARGINS}</worksheet>"
    )


def _column_cells(
    values: list[object],
    letter: str,
    numbers: list[str],
    cells: CellWriter,
    number_format: str | None,
) -> tuple[list[str], int]:
    """Each row's cell of one column ("" where it has none), each distinct value turned into
    XML once, and the length of its longest value as shown. Values are told apart by type too:
    True and 1 are one key to a dict, but not one cell."""
    kinds = set(map(type, values)) - {type(None)}
    if len(kinds) <= 1 and all(kind.__hash__ is not None for kind in kinds):
        # One type (most columns): the values themselves are the keys.
        index: dict[object, int] = {}
        known = index.setdefault
        codes = [-1 if v is None else known(v, len(index)) for v in values]
        shown = list(index)
    else:
        typed: dict[tuple[type, object], int] = {}
        codes, shown = [], []
        for value in values:
            if value is None:
                codes.append(-1)
                continue
            key = (type(value), value if type(value).__hash__ is not None else id(value))
            code = typed.setdefault(key, len(typed))
            if code == len(shown):
                shown.append(value)
            codes.append(code)
    table = [cells.body(v, number_format) for v in shown]
    table.append("")  # code -1: a missing value
    column = [
        f'<c r="{letter}{n}"{b}' if (b := table[c]) else ""
        for n, c in zip(numbers, codes, strict=True)
    ]
    return column, max(map(shown_length, shown), default=0)


def _corner(table: _Columns) -> str | None:
    """The bottom right cell of a sheet's table, header included; None for a sheet with no
    columns."""
    return f"{column_letter(len(table.titles) - 1)}{table.length + 1}" if table.titles else None


def _frozen(cell: str) -> str:
    """The sheet view's pane that keeps the rows above and the columns left of `cell` in view."""
    letters = cell.rstrip("0123456789")
    columns, rows = _column_number(letters) - 1, int(cell[len(letters) :]) - 1
    if not columns and not rows:
        return ""
    pane = {(True, True): "bottomRight", (False, True): "bottomLeft"}.get(
        (bool(columns), bool(rows)), "topRight"
    )
    split = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
    return (
        f'<pane{split} topLeftCell="{cell}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{cell}" sqref="{cell}"/>'
    )


def _widths_xml(widths: list[int]) -> str:
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, w in enumerate(widths, start=1)
    )
    return f"<cols>{cols}</cols>" if cols else ""


def _column_number(letters: str) -> int:
    """`A` -> 1, `AA` -> 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _package_parts(filtered: Mapping[str, str | None]) -> dict[str, str]:
    """Everything but the sheets, their strings and styles: content types, relationships and
    the workbook (its sheets, and each sheet's filtered range as Excel names it)."""
    count = len(filtered)
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
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(filtered, start=1)
    )
    return {
        "[Content_Types].xml": f'{XML_HEAD}<Types xmlns="{_TYPES}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{types}</Types>",
        "_rels/.rels": f'{XML_HEAD}<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{_DOC_RELS}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
        f"{_filter_names(filtered)}</workbook>",
        "xl/_rels/workbook.xml.rels": f'{XML_HEAD}<Relationships xmlns="{_PKG_RELS}">{links}'
        "</Relationships>",
    }


def _filter_names(filtered: Mapping[str, str | None]) -> str:
    """The hidden name Excel keeps for each sheet's autofilter range."""
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{escape(_quoted_sheet(name))}!$A$1:{_absolute(corner)}</definedName>"
        for n, (name, corner) in enumerate(filtered.items())
        if corner
    )
    return f"<definedNames>{names}</definedNames>" if names else ""


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(cell: str) -> str:
    """`J135` as `$J$135`."""
    letters = cell.rstrip("0123456789")
    return f"${letters}${cell[len(letters) :]}"
