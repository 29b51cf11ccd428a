"""Reading the values of the authority's return: dates in the forms its systems write, and the
problems that make the file unusable (all of them named, then one error)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Final

from ehcp_audit.errors import UnusableFileError

SHOWN: Final = 8
MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# COLLECT's Blade export writes `2022-Sep-28 00:00:00`; a case system's list DD/MM/YYYY or ISO.
BLADE_DATE: Final = re.compile(r"(\d{4})-([A-Za-z]{3})-(\d{1,2})(?: \d{2}:\d{2}:\d{2})?")
UK_DATE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ISO_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}:\d{2})?")


def read_date(value: object) -> date | None:
    """A date cell or text as a date; None when blank. ValueError when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if found := BLADE_DATE.fullmatch(text):
        month = MONTHS.get(found[2].lower())
        if month is not None:
            return _day(int(found[1]), month, int(found[3]), text)
    if found := UK_DATE.fullmatch(text):
        return _day(int(found[3]), int(found[2]), int(found[1]), text)
    if found := ISO_DATE.fullmatch(text):
        return _day(int(found[1]), int(found[2]), int(found[3]), text)
    raise ValueError(f"{text!r} is not a date")


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date") from None


def read_text(value: object) -> str | None:
    """Text, codes and URNs: a whole number stays a whole number (123456, not 123456.0)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


@dataclass
class Problems:
    """What makes the file unusable, each naming where it is."""

    path: Path
    found: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.found.append(f"{where}: {problem}")

    def stop_if_any(self) -> None:
        if not self.found:
            return
        shown = "; ".join(self.found[:SHOWN])
        more = f"; and {len(self.found) - SHOWN} more" if len(self.found) > SHOWN else ""
        raise UnusableFileError(
            f"{self.path}: {len(self.found)} problem(s), nothing compared: {shown}{more}"
        )
