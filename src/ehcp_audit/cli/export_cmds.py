"""`ehcp-audit export compliance|kpis` and `ehcp-audit project` (RULES.md section 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ehcp_audit import clock
from ehcp_audit.cli.annex_a_cmds import export_annex_a
from ehcp_audit.cli.dfe_cmds import export_dfe_measures
from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.params import DAY, MONTH, format_option, output_format
from ehcp_audit.cli.progress import progress_bar
from ehcp_audit.cli.sen2_cmds import export_sen2
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings

if TYPE_CHECKING:
    import pandas as pd

    from ehcp_audit.store.check import Problem
    from ehcp_audit.view.periods import Month

FORMATS = ("csv", "parquet", "xlsx")


@click.command("project")
@click.option("--rebuild", is_flag=True, help="Rebuild the view from the whole log.")
@click.pass_obj
def project_command(settings: Settings, rebuild: bool) -> None:
    """Bring the compliance view up to date with the log (only new entries are read)."""
    boot = wiring()
    boot.require_store()

    with boot.open_view() as view, progress_bar("Projecting") as advance:
        read = (
            view.rebuild(lambda _, n: advance(n))
            if rebuild
            else view.catch_up(lambda _, n: advance(n))
        )
        click.echo(
            f"compliance view {'rebuilt' if rebuild else 'caught up'}: "
            f"{read} new log entries read, "
            f"now at log position {view.position()} ({view.path})",
            err=True,
        )
        verdict = view.rebuild_verdict
    if verdict is not None and verdict.problem is not None:
        _not_intact(verdict.problem, verdict.entries)


def _not_intact(problem: Problem, entries: int) -> None:
    """A view built from scratch checked the chain as it read the log: say what the next report
    or export will refuse with, as `verify` would."""
    from ehcp_audit.errors import TamperedStoreError
    from ehcp_audit.store.check import not_intact

    click.echo(not_intact(problem, entries), err=True)
    click.echo(
        "error: the store does not verify: the view was built, but no report or export will be "
        "written from it",
        err=True,
    )
    raise click.exceptions.Exit(TamperedStoreError.exit_code)


PSEUDONYMISE = click.option(
    "--pseudonymise",
    is_flag=True,
    help="Replace child ids by keyed pseudonyms (key: EHCP_AUDIT_PSEUDONYM_KEY), for sharing.",
)


def _finisher(settings: Settings, pseudonymise: bool) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """What is done to a table before writing it (checked before any work is done)."""
    if not pseudonymise:
        return lambda frame: frame
    from ehcp_audit.exports.pseudonyms import pseudonym_key
    from ehcp_audit.exports.pseudonyms import pseudonymise as hide_ids

    key = pseudonym_key(settings.pseudonym_key)
    return lambda frame: hide_ids(frame, key)


@click.group("export")
def export_group() -> None:
    """Write compliance rows or monthly KPIs to a file."""


@export_group.command("compliance")
@click.option("--as-of", "as_of", type=DAY, help="Statuses as of this day (default: today).")
@click.option(
    "--as-known-on",
    "known_on",
    type=DAY,
    help="Only what had been recorded by this day (reproduces an earlier report).",
)
@format_option(*FORMATS)
@click.option("--out", type=click.Path(path_type=Path), required=True)
@PSEUDONYMISE
@click.pass_obj
def export_compliance(
    settings: Settings,
    as_of: date | None,
    known_on: date | None,
    fmt: str | None,
    out: Path,
    pseudonymise: bool,
) -> None:
    """One row per child, review cycle and measure, with its deadline, done date and status.

    Each measure and status is explained in docs/rulebook.md.
    """
    from ehcp_audit.exports.tables import write_frame

    boot = wiring()
    check_outputs(settings, [("--out", out)])
    written = output_format(fmt, out, FORMATS)
    boot.require_store()
    finish = _finisher(settings, pseudonymise)
    day = as_of or clock.today()
    with boot.checked_view()[0] as view:
        frame = view.compliance(day, known_on)
    write_frame(finish(frame), out, written)
    click.echo(f"{len(frame)} compliance rows as of {day} written to {out}", err=True)


@export_group.command("kpis")
@click.option("--period", type=MONTH, required=True, help="The month, YYYY-MM or MM/YYYY.")
@click.option("--as-of", "as_of", type=DAY, help="Statuses as of this day (default: today).")
@click.option("--by", type=click.Choice(["school", "none"]), default="school", show_default=True)
@format_option(*FORMATS)
@click.option("--out", type=click.Path(path_type=Path), required=True)
@PSEUDONYMISE
@click.pass_obj
def export_kpis(
    settings: Settings,
    period: Month,
    as_of: date | None,
    by: str,
    fmt: str | None,
    out: Path,
    pseudonymise: bool,
) -> None:
    """Met, missed, overdue, pending and n/a counts and the on-time rate per measure for a month.

    Which month a row counts in: docs/rulebook.md, "Headline rates".
    """
    from ehcp_audit.exports.tables import write_frame
    from ehcp_audit.view.kpis import kpis_frame

    boot = wiring()
    check_outputs(settings, [("--out", out)])
    written = output_format(fmt, out, FORMATS)
    boot.require_store()
    finish = _finisher(settings, pseudonymise)
    day = as_of or clock.today()
    with boot.checked_view()[0] as view:
        frame = view.compliance(day)
        view.con.register("compliance", frame)
        kpis = kpis_frame(view.con, str(period), "school" if by == "school" else "none")
        view.con.unregister("compliance")
    write_frame(finish(kpis), out, written)
    click.echo(f"{len(kpis)} KPI rows for {period} as of {day} written to {out}", err=True)


export_group.add_command(export_sen2)
export_group.add_command(export_annex_a)
export_group.add_command(export_dfe_measures)

COMMANDS = [project_command, export_group]
