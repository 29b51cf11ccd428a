"""`--target MEASURE=PCT` (repeatable) for the monthly and school reports."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import click

from ehcp_audit.reports.targets import TargetError, parse_target, targets_by_measure

F = TypeVar("F", bound=Callable[..., Any])


class TargetType(click.ParamType):
    name = "MEASURE=PCT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, Decimal]:
        if isinstance(value, tuple):
            return value
        try:
            return parse_target(str(value))
        except TargetError as exc:
            self.fail(str(exc), param, ctx)


def _by_measure(
    ctx: click.Context, param: click.Parameter, pairs: tuple[tuple[str, Decimal], ...]
) -> dict[str, Decimal]:
    try:
        return targets_by_measure(pairs)
    except TargetError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def target_option(command: F) -> F:
    return click.option(
        "--target",
        "targets",
        type=TargetType(),
        multiple=True,
        callback=_by_measure,
        help="A target rate the authority sets, e.g. review_on_time=90 (repeatable); "
        "drawn on the measure's trend chart.",
    )(command)
