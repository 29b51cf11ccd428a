"""The on-time rate, formatted once so every export and report shows the same figure."""

from __future__ import annotations


def rate_text(met: int, missed: int, overdue: int) -> str:
    """met / (met + missed + overdue) with 4 decimals, '' when the denominator is 0.

    Formatting is Python's format(x, '.4f'): the binary double nearest the quotient is rounded
    correctly to 4 places, so exact ties round half to even (1/32 -> '0.0312').
    """
    denominator = met + missed + overdue
    if denominator == 0:
        return ""
    return format(met / denominator, ".4f")


def percent_text(rate: str) -> str:
    """'0.6667' -> '66.67%' by moving the decimal point, so no second rounding can differ."""
    if not rate:
        return "no rate"
    whole, _, frac = rate.partition(".")
    hundredths = int(whole) * 10000 + int(frac)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"
