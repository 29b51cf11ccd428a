"""Cells a spreadsheet shows as text and never evaluates: every CSV and XLSX the project writes
goes through here (docs/integrity.md, "Formulas and control characters").

Excel and LibreOffice take text beginning with = + - @ tab or carriage return for a formula.
CSV has no cell types, so such text gets a leading apostrophe (OWASP's advice: the sheet
shows the text). XLSX has them: such text is written as a string cell, which is never
evaluated, with Excel's quote prefix, so it keeps its exact characters and stays text when
edited. Only text is touched; numbers and dates are written as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, TypeVar

if TYPE_CHECKING:
    # Imported where frames are handled: writing a work list from plain rows needs none.
    import pandas as pd

    from ehcp_audit.exports.xlsx_package import Sheet

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# The characters XML 1.0, so XLSX, cannot hold: control characters, the two non-characters
# U+FFFE and U+FFFF, and a lone surrogate. The importer rejects every control character, but
# a store written by an earlier version may still hold some; a lost character is better than
# an export that cannot be written.
NOT_IN_XLSX: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT: Final = "\ufffd"

T = TypeVar("T")
SheetStyle = Callable[[Any, "pd.DataFrame"], None]


def csv_cell(value: T) -> T | str:
    """The value as a CSV cell: text that a spreadsheet would evaluate gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its text cells made safe for CSV (the same frame when none needs it)."""
    return _map_text(frame, lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS), csv_cell)


class SafeCsvWriter:
    """`csv.writer` whose rows pass through `csv_cell`."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_cell(value: T) -> T | str:
    """The value with what XLSX cannot hold replaced by U+FFFD."""
    if isinstance(value, str) and NOT_IN_XLSX.search(value):
        return NOT_IN_XLSX.sub(REPLACEMENT, value)
    return value


def write_xlsx(
    out: Path, sheets: Mapping[str, pd.DataFrame], style: SheetStyle | None = None
) -> None:
    """One workbook, a sheet per frame, every text cell a string cell (never a formula), through
    openpyxl: the reference that the package writer (`write_plain_xlsx`, `xlsx_package`),
    which writes every workbook the project makes, is tested against."""
    import pandas as pd

    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = _map_text(
                frame, lambda v: isinstance(v, str) and NOT_IN_XLSX.search(v) is not None, xlsx_cell
            )
            safe.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            text_not_formulas(sheet)
            if style is not None:
                style(sheet, safe)


# Rows per sheet in XLSX, the header included.
XLSX_MAX_ROWS: Final = 1_048_576


def write_plain_xlsx(out: Path, sheets: Mapping[str, Sheet]) -> None:
    """What `write_xlsx` writes without a style (the same cells, types, date formats and quote
    prefixes), written as the package's XML parts: an order of magnitude faster than openpyxl
    for a work list. A sheet longer than XLSX allows is refused, never cut."""
    # Imported here: xlsx_package reads this module's rules.
    from ehcp_audit.exports.xlsx_package import write_workbook

    write_workbook(out, sheets)


def text_not_formulas(sheet: Any) -> None:
    """openpyxl stores text beginning with `=` as a formula; make every such cell a string, and
    mark text a spreadsheet would evaluate with Excel's quote prefix, as Excel itself does for
    text typed after `'`: it stays text when someone edits the cell."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            if cell.data_type == "s" and str(cell.value).startswith(FORMULA_STARTS):
                cell.quotePrefix = True


def _map_text(
    frame: pd.DataFrame, needs: Callable[[object], bool], change: Callable[[Any], Any]
) -> pd.DataFrame:
    import pandas as pd

    out = frame
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue
        # Distinct values only: an export of a million rows holds a few thousand.
        changes = {v: change(v) for v in pd.unique(values) if needs(v)}
        if not changes:
            continue
        if out is frame:
            out = frame.copy()
        chosen = values.isin(list(changes))
        out[column] = values.mask(chosen, values[chosen].map(changes))
    return out
