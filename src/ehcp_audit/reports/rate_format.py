"""How every report shows a rate: one decimal of a percent, and the small-number rule (fewer than
FEW_CASES steps in the rate: the count leads, the rate is greyed as "few cases", and no change
in points is computed). Cards, tables, charts and the summary all read it from here."""

from __future__ import annotations

from typing import Final, Protocol

FEW_CASES: Final = 10


class Rated(Protocol):
    @property
    def met(self) -> int: ...

    @property
    def denominator(self) -> int: ...


def tenths(counts: Rated) -> int | None:
    """met / denominator in tenths of a percent, rounded half up on exact integers."""
    if counts.denominator == 0:
        return None
    return (counts.met * 2000 + counts.denominator) // (2 * counts.denominator)


def percent(counts: Rated) -> str:
    """'84.4%' (27 of 32), or 'no rate' when nothing was met, missed or overdue."""
    shown = tenths(counts)
    if shown is None:
        return "no rate"
    return f"{shown // 10}.{shown % 10}%"


def few_cases(counts: Rated) -> bool:
    """A rate from 1 to 9 cases: one case more or less moves it by 10 points or more."""
    return 0 < counts.denominator < FEW_CASES


def points_difference(now: Rated, before: Rated) -> int | None:
    """The change between the two shown rates in tenths of a point; None when either has no rate
    or too few cases to compare."""
    a, b = tenths(now), tenths(before)
    if a is None or b is None or few_cases(now) or few_cases(before):
        return None
    return a - b


def points_size(tenths_of_points: int) -> str:
    """'1.2 points': the size of a change, without its sign."""
    size = abs(tenths_of_points)
    return f"{size // 10}.{size % 10} points"


def points_text(tenths_of_points: int) -> str:
    """+1.2 points, −0.3 points (a true minus sign), no change."""
    if tenths_of_points == 0:
        return "no change"
    return ("+" if tenths_of_points > 0 else "−") + points_size(tenths_of_points)


def change_text(now: Rated, before: Rated) -> str:
    """The change as a table or card shows it."""
    difference = points_difference(now, before)
    if difference is not None:
        return points_text(difference)
    if few_cases(now) or few_cases(before):
        return "not compared (few cases)"
    return "no comparison"
