"""Calendar helpers on proleptic Gregorian ordinals.

The generator works on `int` day numbers (`date.toordinal()`) because adding,
comparing and caching ints is several times cheaper than `date` objects, and a
million-row run does tens of millions of date steps.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

_ISO: dict[int, str] = {}
_UK: dict[int, str] = {}
_SCHOOL_DAY: dict[int, int] = {}
_WORKING_DAY: dict[int, int] = {}


def ordinal(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()


def to_date(day: int) -> date:
    return date.fromordinal(day)


def iso(day: int) -> str:
    text = _ISO.get(day)
    if text is None:
        text = _ISO[day] = date.fromordinal(day).isoformat()
    return text


def uk(day: int) -> str:
    text = _UK.get(day)
    if text is None:
        d = date.fromordinal(day)
        text = _UK[day] = f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    return text


def add_months(day: int, months: int) -> int:
    """Calendar-month arithmetic, clipped to the month's last day (RULES.md section 2)."""
    d = date.fromordinal(day)
    years, month0 = divmod(d.month - 1 + months, 12)
    year = d.year + years
    last = monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last)).toordinal()


def weekday(day: int) -> int:
    """Monday is 0: ordinal 1 (0001-01-01) was a Monday."""
    return (day - 1) % 7


def school_year(day: int) -> int:
    """Calendar year in which the school year containing `day` began (1 Sep)."""
    d = date.fromordinal(day)
    return d.year if d.month >= 9 else d.year - 1


def cohort(date_of_birth: int) -> int:
    """RULES.md 'C': birth year, plus 1 if born September to December."""
    d = date.fromordinal(date_of_birth)
    return d.year + 1 if d.month >= 9 else d.year


def year_group(day: int, cohort_year: int) -> int:
    """National curriculum year at `day`; 0 is Reception."""
    return school_year(day) - (cohort_year + 4)


def _skip_weekend(day: int) -> int:
    wd = weekday(day)
    return day + (7 - wd) if wd >= 5 else day


def school_day(day: int) -> int:
    """First day on or after `day` when a school is open.

    Summer (22 Jul to 2 Sep) and Christmas (20 Dec to 3 Jan) holidays push
    school-run steps into the next term: this is the seasonal dip.
    """
    moved = _SCHOOL_DAY.get(day)
    if moved is None:
        moved = _SCHOOL_DAY[day] = _school_day(day)
    return moved


def _school_day(day: int) -> int:
    d = date.fromordinal(day)
    if (d.month == 7 and d.day >= 22) or d.month == 8 or (d.month == 9 and d.day < 3):
        day = ordinal(d.year, 9, 3)
    elif d.month == 12 and d.day >= 20:
        day = ordinal(d.year + 1, 1, 4)
    elif d.month == 1 and d.day <= 3:
        day = ordinal(d.year, 1, 4)
    return _skip_weekend(day)


def working_day(day: int) -> int:
    """First weekday on or after `day` that is not 25-26 Dec or 1 Jan (LA office days)."""
    moved = _WORKING_DAY.get(day)
    if moved is None:
        moved = _WORKING_DAY[day] = _working_day(day)
    return moved


def _working_day(day: int) -> int:
    while True:
        d = date.fromordinal(day)
        if (d.month == 12 and d.day in (25, 26)) or (d.month == 1 and d.day == 1):
            day += 1
            continue
        moved = _skip_weekend(day)
        if moved == day:
            return day
        day = moved


def in_summer(day: int) -> bool:
    d = date.fromordinal(day)
    return (d.month == 7 and d.day >= 22) or d.month == 8
