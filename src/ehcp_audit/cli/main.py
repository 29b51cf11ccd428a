"""The `ehcp-audit` command group; each sub-module adds its commands."""

from __future__ import annotations

import click

from ehcp_audit.cli.errors import AuditGroup
from ehcp_audit.cli.wiring import remember
from ehcp_audit.config import Settings


@click.group(cls=AuditGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db",
    envvar="EHCP_AUDIT_DB",
    default="ehcp_audit.sqlite",
    show_default=True,
    help="Event store: a SQLite file path or a postgresql:// URL.",
)
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """Audit the timeliness of EHCP annual reviews from an immutable log of review actions.

    What each measure checks, and what an action-log CSV must hold: docs/rulebook.md.
    """
    remember(ctx)
    ctx.obj = Settings.from_cli(db)


def _register() -> None:
    from ehcp_audit.cli import commands

    commands.register(cli)


def main() -> None:
    _register()
    cli(prog_name="ehcp-audit")
