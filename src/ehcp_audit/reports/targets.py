"""Targets an authority sets for a measure (`--target MEASURE=PCT`), drawn on its trend chart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from ehcp_audit.domain.vocabulary import MEASURES


class TargetError(ValueError):
    """A target that names no measure, or a percentage outside 0 to 100."""


def parse_target(text: str) -> tuple[str, Decimal]:
    """'review_on_time=90' -> ('review_on_time', Decimal('90'))."""
    measure, equals, number = (part.strip() for part in text.partition("="))
    if not equals or not measure or not number:
        raise TargetError(f"{text!r} is not MEASURE=PCT (for example review_on_time=90)")
    if measure not in MEASURES:
        raise TargetError(f"{measure!r} is not a measure (one of: {', '.join(MEASURES)})")
    try:
        percent = Decimal(number.removesuffix("%").strip())
    except InvalidOperation:
        raise TargetError(f"{number!r} is not a percentage (a number from 0 to 100)") from None
    if not percent.is_finite() or not 0 <= percent <= 100:
        raise TargetError(f"{number!r} is not a percentage from 0 to 100")
    return measure, percent


def targets_by_measure(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """One target per measure: the same measure twice with different figures is a mistake."""
    targets: dict[str, Decimal] = {}
    for measure, percent in pairs:
        if targets.get(measure, percent) != percent:
            raise TargetError(f"two targets for {measure}: {targets[measure]} and {percent}")
        targets[measure] = percent
    return targets


def target_arguments(targets: Mapping[str, Decimal] | None) -> list[str]:
    """The options that set these targets again (for the report's reproduce line)."""
    return [
        arg
        for m in MEASURES
        if targets and m in targets
        for arg in ("--target", f"{m}={targets[m]}")
    ]
