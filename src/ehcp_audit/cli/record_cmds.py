"""`ehcp-audit record` and `ehcp-audit void`: one entry typed at the command line, checked
exactly as an imported row would be."""

from __future__ import annotations

import sys
from datetime import date

import click

from ehcp_audit import clock
from ehcp_audit.cli.params import DAY
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings
from ehcp_audit.domain.vocabulary import ACTIONS, DETAIL_COLUMNS


class _Action(click.Choice[str]):
    """An action code, read as an imported one is: ignoring case and surrounding spaces."""

    def __init__(self) -> None:
        super().__init__([a for a in ACTIONS if a != "void"], case_sensitive=False)

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        return str(super().convert(value.strip() if isinstance(value, str) else value, param, ctx))


def _record(settings: Settings, values: dict[str, str], kind: str) -> None:
    from ehcp_audit.ingest.csv_file import SingleRow
    from ehcp_audit.ingest.importer import import_rows

    result = import_rows(wiring().open_app(), SingleRow(values, kind))
    for rejection in result.rejections:
        click.echo(f"not recorded: {rejection.error}", err=True)
    if result.imported:
        click.echo(
            f"recorded: {values['action']} for {values['child_id']} on {values['occurred_on']}",
            err=True,
        )
    elif result.duplicates:
        click.echo("already recorded: nothing to do", err=True)
    sys.exit(result.exit_code)


@click.command("record")
@click.argument("action", type=_Action())
@click.option("--child", "child_id", required=True, help="The LA's case reference.")
@click.option(
    "--on",
    "occurred_on",
    type=DAY,
    required=True,
    help="The business date (YYYY-MM-DD or DD/MM/YYYY).",
)
@click.option(
    "--set",
    "settings_",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="A detail column, e.g. --set decision=amend or --set attendees='parent_carer;child'.",
)
@click.option("--by", "recorded_by", default="", help="Who is recording this entry.")
@click.pass_obj
def record_command(
    settings: Settings,
    action: str,
    child_id: str,
    occurred_on: date,
    settings_: tuple[str, ...],
    recorded_by: str,
) -> None:
    """Record one action (a one-off entry), with the same checks as an import.

    \b
    Example:
      ehcp-audit record decision_issued --child LA-000123 --on 2024-02-09 \\
        --set decision=amend
    """
    values = {"child_id": child_id, "action": action, "occurred_on": occurred_on.isoformat()}
    for item in settings_:
        column, sep, value = item.partition("=")
        if not sep or column not in DETAIL_COLUMNS:
            raise click.BadParameter(
                f"{item!r}: use COLUMN=VALUE with one of {', '.join(DETAIL_COLUMNS)}",
                param_hint="--set",
            )
        values[column] = value
    if recorded_by:
        values["recorded_by"] = recorded_by
    _record(settings, values, "record")


@click.command("void")
@click.option("--child", "child_id", required=True, help="The LA's case reference.")
@click.option("--action", "void_action", required=True, type=_Action())
@click.option(
    "--occurred-on",
    "void_occurred_on",
    type=DAY,
    required=True,
    help="The date of the mistaken entry (YYYY-MM-DD or DD/MM/YYYY).",
)
@click.option("--reason", required=True, help="Why the entry was wrong (kept in the audit trail).")
@click.option(
    "--on",
    "found_on",
    type=DAY,
    default=None,
    help="The day the mistake was found (default: today).",
)
@click.option("--by", "recorded_by", default="", help="Who is recording this correction.")
@click.pass_obj
def void_command(
    settings: Settings,
    child_id: str,
    void_action: str,
    void_occurred_on: date,
    reason: str,
    found_on: date | None,
    recorded_by: str,
) -> None:
    """Undo an entry recorded in error. Nothing is deleted: the void is itself an entry.

    Which entry a void cancels, and how to put one back: docs/rulebook.md, "Voids".

    \b
    Example:
      ehcp-audit void --child LA-000123 --action meeting_held \\
        --occurred-on 2024-01-10 --reason "recorded on the wrong child"
    """
    values = {
        "child_id": child_id,
        "action": "void",
        "occurred_on": (found_on or clock.today()).isoformat(),
        "void_action": void_action,
        "void_occurred_on": void_occurred_on.isoformat(),
        "reason": reason,
    }
    if recorded_by:
        values["recorded_by"] = recorded_by
    _record(settings, values, "void")


COMMANDS = [record_command, void_command]
