"""Values as XLSX cell XML, for xlsx_package: text as shared strings, numbers, booleans, and
dates and timestamps as serial numbers with a date format. The cells follow `safe_cells`'
rules (docs/security.md): text is always a string cell, never a formula; text a spreadsheet
would evaluate carries Excel's quote prefix; what XML cannot hold becomes U+FFFD."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Final

from ehcp_audit.exports.safe_cells import FORMULA_STARTS, xlsx_cell

MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_HEAD: Final = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DAY_FORMAT: Final = "YYYY-MM-DD"
STAMP_FORMAT: Final = "YYYY-MM-DD HH:MM:SS"
# Excel's limit on a cell's text, in UTF-16 units; a longer cell makes Excel repair the file.
MAX_TEXT: Final = 32_767
CUT_MARK: Final = "\u2026"
# Excel reads `_x0041_` in a string as "A"; such text keeps its characters as `_x005F_x0041_`.
_EXCEL_ESCAPE: Final = re.compile("_x[0-9A-Fa-f]{4}_")
_EPOCH: Final = datetime(1899, 12, 30)
# pandas' missing values (NaT is a datetime): told by their type's name, so that writing a
# workbook never imports pandas.
_MISSING_TYPES: Final = frozenset({"NaTType", "NAType"})
_SECONDS_A_DAY: Final = 86_400
_FONTS: Final = (
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    + "".join(f'<{s} style="thin"><color auto="1"/></{s}>' for s in ("left", "right", "top"))
    + '<bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
)


class Styles:
    """The workbook's cell styles (styles.xml's cellXfs), each made when first used: a number
    format or none, Excel's quote prefix or not, the header's look or not."""

    def __init__(self) -> None:
        self._xfs: dict[tuple[str | None, bool, bool], int] = {(None, False, False): 0}
        self._formats: dict[str, int] = {}

    def attribute(self, number_format: str | None, quoted: bool, header: bool = False) -> str:
        """` s="N"` for the style, or "" for the default one."""
        index = self._xfs.setdefault((number_format, quoted, header), len(self._xfs))
        if number_format is not None:
            self._formats.setdefault(number_format, 164 + len(self._formats))
        return f' s="{index}"' if index else ""

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{n}" formatCode="{escape(f)}"/>' for f, n in self._formats.items()
        )
        if formats:
            formats = f'<numFmts count="{len(self._formats)}">{formats}</numFmts>'
        xfs = "".join(self._xf(*key) for key in self._xfs)
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">{formats}{_FONTS}'
            f'<cellXfs count="{len(self._xfs)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    def _xf(self, number_format: str | None, quoted: bool, header: bool) -> str:
        number = self._formats[number_format] if number_format is not None else 0
        look = ' fontId="1" borderId="1"' if header else ' fontId="0" borderId="0"'
        applied = ' applyNumberFormat="1"' if number else ""
        applied += ' applyFont="1" applyBorder="1" applyAlignment="1"' if header else ""
        applied += ' quotePrefix="1"' if quoted else ""
        inner = '<alignment horizontal="center"/>' if header else ""
        return f'<xf numFmtId="{number}"{look} fillId="0" xfId="0"{applied}>{inner}</xf>'


class SharedStrings:
    """The workbook's text, each distinct string once (sharedStrings.xml)."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def number(self, text: str) -> int:
        return self._index.setdefault(text, len(self._index))

    def xml(self) -> str:
        items = "".join(
            f'<si><t xml:space="preserve">{_string_xml(t)}</t></si>' for t in self._index
        )
        return f'{XML_HEAD}<sst xmlns="{MAIN_NS}" uniqueCount="{len(self._index)}">{items}</sst>'


class CellWriter:
    """Turns one value into its cell's attributes and content (what follows `<c r="A1"`)."""

    def __init__(self) -> None:
        self.strings = SharedStrings()
        self.styles = Styles()

    def header(self, title: str) -> str:
        text = fit(xlsx_cell(title))
        style = self.styles.attribute(None, text.startswith(FORMULA_STARTS), header=True)
        return f'{style} t="s"><v>{self.strings.number(text)}</v></c>' if text else f"{style}/>"

    def body(self, value: object, number_format: str | None = None) -> str:
        """The cell for `value` ("" for none); `number_format` overrides the column's own."""
        if value is None or type(value).__name__ in _MISSING_TYPES:
            return ""
        if isinstance(value, str):
            text = fit(xlsx_cell(value))
            if not text:
                return ""
            style = self.styles.attribute(number_format, text.startswith(FORMULA_STARTS))
            return f'{style} t="s"><v>{self.strings.number(text)}</v></c>'
        if isinstance(value, bool):
            number, kind = str(int(value)), ' t="b"'
        elif isinstance(value, datetime):
            number, kind, number_format = repr(serial(value)), "", number_format or STAMP_FORMAT
        elif isinstance(value, date):
            number, kind = repr(serial(datetime.combine(value, datetime.min.time()))), ""
            number_format = number_format or DAY_FORMAT
        elif isinstance(value, int):
            number, kind = str(value), ""
        elif isinstance(value, float):
            # XLSX has no NaN or infinity; such a float is a missing value.
            if not math.isfinite(value):
                return ""
            number, kind = repr(value), ""
        else:
            item = getattr(value, "item", None)
            return self.body(item() if callable(item) else str(value), number_format)
        return f"{self.styles.attribute(number_format, False)}{kind}><v>{number}</v></c>"


def serial(moment: datetime) -> int | float:
    """Excel's serial day number (1900 date system, as openpyxl counts it); a timestamp with a
    time zone is taken in UTC, the application's clock."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    delta = moment - _EPOCH
    days = delta.days - 1 if 0 < delta.days <= 60 else delta.days
    seconds = delta.seconds + delta.microseconds / 1_000_000
    return days + seconds / _SECONDS_A_DAY if seconds else days


def shown_length(value: object) -> int:
    """About how many characters a value takes in its cell (a date as YYYY-MM-DD)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return len(str(value)) if isinstance(value, int | float) else 0


def fit(text: str) -> str:
    """`text` cut to what an Excel cell holds, the cut shown by an ellipsis."""
    if len(text) <= MAX_TEXT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * MAX_TEXT:
        return text
    return units[: 2 * (MAX_TEXT - 1)].decode("utf-16-le", errors="ignore") + CUT_MARK


def escape(text: str) -> str:
    """Text for XML, in an element or a double-quoted attribute: markup escaped, and a carriage
    return as a character reference (a parser turns a literal one into a line feed)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def _string_xml(text: str) -> str:
    """A cell's text for XML, Excel's own `_xHHHH_` escape escaped too."""
    text = escape(text)
    return _EXCEL_ESCAPE.sub(r"_x005F\g<0>", text) if "_x" in text else text
