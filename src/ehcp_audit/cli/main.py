"""The `ehcp-audit` command group; each sub-module adds its commands."""

from __future__ import annotations

import click

from ehcp_audit.cli.commands import COMMANDS, LazyCommands
from ehcp_audit.cli.errors import AuditGroup
from ehcp_audit.cli.wiring import remember
from ehcp_audit.config import Settings


class AuditCli(LazyCommands, AuditGroup):
    """`ehcp-audit`: commands loaded on first use, every error met in one place."""


@click.group(cls=AuditCli, context_settings={"help_option_names": ["-h", "--help"]})
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
    """Attach every command now, not on first use (for tests and tools that read `cli.commands`)."""
    for name in COMMANDS:
        cli.get_command(click.Context(cli), name)


def main() -> None:
    cli(prog_name="ehcp-audit")
