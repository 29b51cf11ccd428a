"""Calendar arithmetic of RULES.md section 2: calendar months, under-5s, school years (NCY)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# Total arithmetic: a result beyond the calendar is held at its end (date.min or date.max), so
# a deadline from a year-9999 booking is "not yet" and one from a year-1 date long past.
_FIRST_MONTH = date.min.year * 12
_LAST_MONTH = date.max.year * 12 + 11
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(d: date, months: int) -> date:
    """Same day-of-month, or the month's last day when it has none (29 Feb + 12 = 28 Feb)."""
    index = d.year * 12 + (d.month - 1) + months
    if index < _FIRST_MONTH:
        return date.min
    if index > _LAST_MONTH:
        return date.max
    year, month = divmod(index, 12)
    day = d.day
    if day > 28:
        # calendar.monthrange also works out the month's first weekday: most of its cost.
        day = min(day, _MONTH_DAYS[month] + (month == 1 and calendar.isleap(year)))
    return date(year, month + 1, day)


def add_days(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def fifth_birthday(date_of_birth: date) -> date:
    return add_months(date_of_birth, 60)


def is_under_five(date_of_birth: date, on: date) -> bool:
    return on < fifth_birthday(date_of_birth)


def cohort_year(date_of_birth: date) -> int:
    """C: birth year, plus 1 if born in September-December."""
    return date_of_birth.year + (1 if date_of_birth.month >= 9 else 0)


def school_year_start(on: date) -> int:
    """Start year of the school year (1 Sep - 31 Aug) that contains `on`."""
    return on.year if on.month >= 9 else on.year - 1


def national_curriculum_year(date_of_birth: date, on: date) -> int:
    """NCY at `on`; 0 is Reception."""
    return school_year_start(on) - (cohort_year(date_of_birth) + 4)
