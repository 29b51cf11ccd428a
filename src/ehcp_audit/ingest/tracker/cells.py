"""One spreadsheet cell: its text, its address, and reading it as a date.

Spreadsheets hold dates as real date cells, Excel serial numbers, or text typed in any of
several styles; all of them are read here, so the rest of the tracker code sees `date`s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Excel's day 0 (its 1900 calendar wrongly has 29 Feb 1900, so day 1 is 1899-12-31 and
# serials from 61 on are counted from 1899-12-30, which is right for every modern date).
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (1, 2_958_465)
TEXT_SERIAL = re.compile(r"\d{5}(\.0+)?")
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")
NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?: [\d:.]+)?")
NAMED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]{3,9})\.?,?[ \-](\d{2}|\d{4})")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class UnsavedFormula:
    """A formula cell with no saved value: written by a program, never opened and saved in
    a spreadsheet, so its value was never calculated (openpyxl reads it as blank)."""

    formula: str

    PROBLEM = (
        "a formula with no saved value; open and save the workbook in Excel "
        "(or LibreOffice) first, so that its values are stored"
    )


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a value came from, for messages: `F12 (Meeting held)`."""

    ref: str
    header: str
    text: str

    def __str__(self) -> str:
        return f"{self.ref} ({self.header})"


def cell_text(value: object) -> str:
    """A cell value as text: dates ISO, whole numbers without `.0`, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, UnsavedFormula):
        return f"={value.formula}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return " ".join(str(value).split())


def _year(text: str, today: date) -> int:
    if len(text) == 4:
        return int(text)
    # Two-digit years: this century unless that would be more than a year ahead.
    year = 2000 + int(text)
    return year if year <= today.year + 1 else year - 100


def read_date(value: object, day_first: bool, today: date) -> date:
    """The date a cell holds; ValueError (with the reason) when it holds none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"{value!r} is not a date (out of the range of Excel date numbers)")
    text = cell_text(value)
    try:
        found = _text_date(text, day_first, today)
    except ValueError:
        found = None
    if found is None:
        raise ValueError(f"{text!r} is not a date (use e.g. 25/03/2024 or 2024-03-25)")
    return found


def _text_date(text: str, day_first: bool, today: date) -> date | None:
    if TEXT_SERIAL.fullmatch(text):
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    match = ISO.fullmatch(text)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = NUMERIC.fullmatch(text)
    if match:
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if day_first else (second, first)
        return date(_year(match[3], today), month, day)
    match = NAMED.fullmatch(text)
    if match and match[2].lower() in MONTHS:
        return date(_year(match[3], today), MONTHS[match[2].lower()], int(match[1]))
    return None
