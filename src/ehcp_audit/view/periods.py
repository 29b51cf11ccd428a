"""Calendar periods used by the reports: months ('YYYY-MM') and school terms."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# School terms by calendar year (documented in docs/reports.md): autumn 1 Sep-31 Dec, spring
# 1 Jan-31 Mar (Easter moves, so the quarter end stands in for it), summer 1 Apr-31 Aug.
TERMS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "autumn": ((9, 1), (12, 31)),
    "spring": ((1, 1), (3, 31)),
    "summer": ((4, 1), (8, 31)),
}


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"not a month in the form YYYY-MM: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        return self.start.strftime("%B %Y")

    @property
    def short_label(self) -> str:
        return self.start.strftime("%b %y")

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)


def month_range(first: Month, last: Month) -> list[Month]:
    """Every month from `first` to `last` inclusive."""
    months: list[Month] = []
    current = first
    while current <= last:
        months.append(current)
        current = current.shift(1)
    return months


def default_as_of(month: Month, today: date) -> date:
    """A month's report is as of its last day, or today while the month is still running."""
    return min(month.end, today)


@dataclass(frozen=True)
class Term:
    name: str
    year: int

    @property
    def start(self) -> date:
        (month, day), _ = TERMS[self.name]
        return date(self.year, month, day)

    @property
    def end(self) -> date:
        _, (month, day) = TERMS[self.name]
        return date(self.year, month, day)

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.year}"
