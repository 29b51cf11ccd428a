"""`ehcp-audit import actions FILE.csv [--rejects OUT.csv] [--strict]`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.progress import progress_bar
from ehcp_audit.cli.tracker_cmds import tracker_command
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings


@click.group(name="import")
def import_group() -> None:
    """Record review actions from a file (nothing recorded is ever changed or deleted)."""


@import_group.command("actions")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--rejects",
    type=click.Path(path_type=Path),
    help="Write rejected rows, unchanged, with `row` and `error` columns to this CSV.",
)
@click.option("--strict", is_flag=True, help="Import nothing if any row is rejected.")
@click.pass_obj
def import_actions_command(
    settings: Settings, file: Path, rejects: Path | None, strict: bool
) -> None:
    """Import an action-log CSV (its format: docs/rulebook.md, "The action-log CSV").

    Exit status: 0 all rows imported (or duplicates), 3 some rows rejected,
    2 the file itself is unusable.
    """
    from ehcp_audit.ingest.importer import import_actions

    if rejects is not None:
        check_outputs(settings, [("--rejects", rejects)], reads=[file])
    app = wiring().open_app()
    with progress_bar("Importing", file) as advance:
        result = import_actions(app, file, strict=strict, rejects_path=rejects, progress=advance)
    for rejection in result.rejections[:20]:
        click.echo(f"row {rejection.row}: {rejection.error}", err=True)
    if result.rejected > 20:
        more = result.rejected - 20
        where = f" (all are in {rejects})" if rejects else " (use --rejects FILE to keep them)"
        click.echo(f"... and {more} more rejected rows{where}", err=True)
    click.echo(result.summary(), err=True)
    if rejects and result.rejections:
        click.echo(f"rejected rows written to {rejects}", err=True)
    sys.exit(result.exit_code)


import_group.add_command(tracker_command)

COMMANDS = [import_group]
