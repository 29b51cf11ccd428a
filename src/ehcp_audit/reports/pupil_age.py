"""A child's date of birth as an inspector needs it: age and school year group (NCY) on a day.

The pack shows these instead of the date of birth unless `--full-details` is given: they are
what the rules read (under 5, phase transfers, the adulthood topic), and identify less.
"""

from __future__ import annotations

from datetime import date

from ehcp_audit.rules.calendar import national_curriculum_year

# NCY above 13 is beyond school; a plan can run to 25.
LAST_SCHOOL_YEAR = 13


def age_on(date_of_birth: date, on: date) -> int:
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def year_group(date_of_birth: date, on: date) -> str:
    ncy = national_curriculum_year(date_of_birth, on)
    if ncy < 0:
        return "below Reception (early years)"
    if ncy == 0:
        return "Reception"
    if ncy > LAST_SCHOOL_YEAR:
        return "beyond Year 13"
    return f"Year {ncy}"


def age_words(date_of_birth: date, on: date) -> str:
    """'age 9, Year 4': what the pack shows for a date of birth, as on the day `on`."""
    if on < date_of_birth:
        return "not yet born"
    return f"age {age_on(date_of_birth, on)}, {year_group(date_of_birth, on)}"
