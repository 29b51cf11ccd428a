"""`ehcp-audit import tracker FILE.xlsx|FILE.csv --mapping MAPPING.toml` (docs/tracker.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.progress import progress_bar
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings
from ehcp_audit.ingest.tracker.changes import RECORD, REJECT, VOID, Change
from ehcp_audit.ingest.tracker.importer import TrackerResult

SHOWN_REJECTIONS = 20


@click.command("tracker")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    required=True,
    help="TOML file naming the tracker's columns (see docs/tracker.md).",
)
@click.option(
    "--sheet", help="The worksheet to read (XLSX; default: the mapping's, else the first)."
)
@click.option("--dry-run", is_flag=True, help="Print per child what would change; write nothing.")
@click.option(
    "--rejects",
    type=click.Path(path_type=Path),
    help="Write rejected tracker rows with `row`, `cell` and `error` columns to this CSV.",
)
@click.option("--strict", is_flag=True, help="Import nothing if any row is rejected.")
@click.pass_obj
def tracker_command(
    settings: Settings,
    file: Path,
    mapping: Path,
    sheet: str | None,
    dry_run: bool,
    rejects: Path | None,
    strict: bool,
) -> None:
    """Import a review-tracker spreadsheet: each row's dates become review actions; a
    re-import records only what changed (a changed date voids the tracker's earlier entry).

    Exit status: 0 all imported (or unchanged), 3 some cells rejected, 2 the file or the
    mapping is unusable.
    """
    from ehcp_audit.ingest.tracker import import_tracker, load_mapping

    if rejects is not None:
        check_outputs(settings, [("--rejects", rejects)], reads=[file, mapping])
    columns = load_mapping(mapping)
    app = wiring().open_app()
    with progress_bar("Importing tracker", total=None) as advance:
        result = import_tracker(
            app,
            file,
            columns,
            sheet=sheet,
            dry_run=dry_run,
            strict=strict,
            rejects_path=rejects,
            progress=advance,
        )
    if dry_run:
        _print_plan(result)
    else:
        _print_rejections(result, rejects)
    click.echo(result.summary(), err=True)
    if rejects and result.rejected:
        click.echo(f"rejected tracker rows written to {rejects}", err=True)
    sys.exit(result.exit_code)


def describe(change: Change) -> str:
    fact = change.fact
    values = fact.values
    if change.kind == VOID and change.undoes is not None:
        return f"void    {change.undoes.action} {change.undoes.occurred_on}  ({values['reason']})"
    details = "".join(
        f" {column}={values[column]}"
        for column in ("meeting_on", "decision", "school_urn", "reason")
        if values.get(column)
    )
    where = f"row {fact.row_number}"
    if change.kind == REJECT:
        cell = f", {fact.problem_cell}" if fact.problem_cell is not None else ""
        return f"reject  {fact.action} ({where}{cell}): {fact.problem}"
    return f"record  {fact.action} {values['occurred_on']}{details}  ({where})"


def _display_order(change: Change) -> tuple[int, str, int]:
    """By tracker row, then business date; a void just before the entry replacing it
    (whichever of the two dates is earlier), a void with no replacement at the date it
    undoes."""
    fact = change.fact
    if change.undoes is not None:
        if change.pair is not None:
            return fact.row_number, change.pair.fact.values.get("occurred_on", ""), 0
        return fact.row_number, change.undoes.occurred_on.isoformat(), 0
    return fact.row_number, fact.values.get("occurred_on", ""), 1


def _print_plan(result: TrackerResult) -> None:
    plan = result.plan
    assert plan is not None  # a dry run plans in one process
    if plan.orphans:
        click.echo("rows without a usable child id")
        for change in plan.orphans:
            click.echo(f"  {describe(change)}")
    for child_id, child in plan.children.items():
        shown = sorted(
            (c for c in child.changes if c.kind in (RECORD, VOID, REJECT)),
            key=_display_order,
        )
        if not shown:
            continue
        click.echo(child_id)
        for change in shown:
            click.echo(f"  {describe(change)}")
    click.echo("dry run: nothing was written", err=True)


def _print_rejections(result: TrackerResult, rejects: Path | None) -> None:
    rejected = result.rejected
    for change in rejected[:SHOWN_REJECTIONS]:
        fact = change.fact
        cell = f" {fact.problem_cell}" if fact.problem_cell is not None else ""
        click.echo(f"row {fact.row_number}{cell}: {fact.problem}", err=True)
    if len(rejected) > SHOWN_REJECTIONS:
        where = f" (all are in {rejects})" if rejects else " (use --rejects FILE to keep them)"
        click.echo(f"... and {len(rejected) - SHOWN_REJECTIONS} more rejections{where}", err=True)


COMMANDS: list[click.Command] = []
