"""`ehcp-audit reconcile annex-a|sen2`: the authority's own return, made by its case system,
against the log. Exit 0 when they agree, 3 when they differ (docs/formats.md, "Reconciliation")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from ehcp_audit import clock
from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.params import DAY
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings

if TYPE_CHECKING:
    from ehcp_audit.exports.reconcile.differences import Reconciliation

DIFFER_EXIT: Final = 3
OUT = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV of the differences, one row per difference.",
)


@click.group("reconcile")
def reconcile_group() -> None:
    """Compare a return the case system made with the log: where do they disagree?"""


def _finish(result: Reconciliation, out: Path) -> None:
    from ehcp_audit.exports.reconcile.differences import summary, write_differences

    write_differences(result, out)
    for line in summary(result, out):
        click.echo(line, err=True)
    if not result.agree:
        raise click.exceptions.Exit(DIFFER_EXIT)


@reconcile_group.command("annex-a")
@click.argument("theirs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", type=DAY, help="The list's day (default: today).")
@OUT
@click.pass_obj
def reconcile_annex_a(settings: Settings, theirs: Path, as_of: date | None, out: Path) -> None:
    """Their Annex A List 1 (.xlsx, sheet List_1) against the list the log makes for the day."""
    from ehcp_audit.exports.reconcile.differences import reconcile
    from ehcp_audit.exports.reconcile.their_list1 import read_their_list1
    from ehcp_audit.rules.reconcile.log_side import LIST1_ITEMS, annex_a_children
    from ehcp_audit.view.row_tuples import entries_by_child

    check_outputs(settings, [("--out", out)], reads=[theirs])
    boot = wiring()
    boot.require_store()
    day = as_of or clock.today()
    listed = read_their_list1(theirs)
    with boot.checked_view()[0] as view:
        ours = annex_a_children(entries_by_child(view.entry_rows()), day)
        result = reconcile(view, f"Annex A List 1 {theirs.name}", day, listed, ours, LIST1_ITEMS)
    _finish(result, out)


@reconcile_group.command("sen2")
@click.argument("blade_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--year",
    type=click.IntRange(2015, 2100),
    help="The return's year (default: the year in the export's sen2 file).",
)
@OUT
@click.pass_obj
def reconcile_sen2(settings: Settings, blade_dir: Path, year: int | None, out: Path) -> None:
    """A SEN2 return as COLLECT's Blade CSV export (a folder of Blade-Export_<date>_<module>.csv
    files) against the return the log makes: review, phase-transfer and cease items."""
    from ehcp_audit.exports.reconcile.blade import read_blade, return_year
    from ehcp_audit.exports.reconcile.differences import reconcile
    from ehcp_audit.rules.reconcile.log_side import SEN2_ITEMS, sen2_children
    from ehcp_audit.rules.sen2.census import census_date
    from ehcp_audit.view.row_tuples import entries_by_child

    check_outputs(settings, [("--out", out)], reads=list(blade_dir.glob("*.csv")))
    boot = wiring()
    boot.require_store()
    found_year, reference = return_year(blade_dir)
    year = year or found_year
    if year is None:
        raise click.UsageError(
            f"{blade_dir} has no sen2 file with the return's year: give --year YYYY"
        )
    census = reference if reference is not None and reference.year == year else census_date(year)
    returned = read_blade(blade_dir, year)
    with boot.checked_view()[0] as view:
        ours = sen2_children(entries_by_child(view.entry_rows()), census)
        result = reconcile(view, f"SEN2 {year} Blade export", census, returned, ours, SEN2_ITEMS)
    _finish(result, out)


COMMANDS = [reconcile_group]
