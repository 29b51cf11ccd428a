"""The one clock: every "today" and every recording time in the application is read here.

"Today" is the UTC date, the same calendar that dates an entry's known-on day (the date part of
its UTC recording time), so a row imported at 00:30 is never "after the day of import" while its
entry is known from the day before (or the reverse).
"""

from datetime import UTC, date, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    """The current moment, in UTC."""
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date, in UTC."""
    return now().date()


def shift_to(moment: datetime) -> None:
    """Run the clock from `moment` on (it keeps ticking): the test suite starts every run at noon
    of the real day, so no test straddles midnight between computing its dates and using them."""
    global _offset
    _offset = moment - datetime.now(UTC)
