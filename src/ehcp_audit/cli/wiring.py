"""The composition root as a command reaches it: `Bootstrap(settings)`, or what a test gave the
group as `obj` (e.g. `CliRunner().invoke(cli, args, obj=partial(Bootstrap, ...fakes))`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ehcp_audit.bootstrap import Bootstrap

KEY = "ehcp_audit.bootstrap"


def remember(ctx: click.Context) -> None:
    """Keep a bootstrap factory given as the group's `obj` (before `obj` becomes Settings)."""
    ctx.meta[KEY] = ctx.obj if callable(ctx.obj) else None


def wiring() -> Bootstrap:
    ctx = click.get_current_context()
    make: Callable[[Any], Bootstrap] | None = ctx.meta.get(KEY)
    if make is None:
        # Imported when a command needs the store: `--help` and `samples` do without it.
        from ehcp_audit.bootstrap import Bootstrap

        make = Bootstrap
    return make(ctx.obj)
