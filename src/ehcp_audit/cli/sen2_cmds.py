"""`ehcp-audit export sen2`: the SEN2 annual-review and phase-transfer items, with checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.params import DAY, format_option, output_format
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings


@click.command("sen2")
@click.option("--year", type=click.IntRange(2015, 2100), required=True, help="The return's year.")
@click.option(
    "--census",
    type=DAY,
    help="Census day (YYYY-MM-DD or DD/MM/YYYY) in the return's year "
    "(default: third Thursday of January).",
)
@format_option("csv", "xlsx")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV: active plans here, <stem>_ceased.csv and <stem>_checks.csv beside it.",
)
@click.pass_obj
def export_sen2(
    settings: Settings, year: int, census: date | None, fmt: str | None, out: Path
) -> None:
    """Active plans on the census day, plans ceased in the year before, and checks to fix."""
    from ehcp_audit.exports.sen2 import extract, sibling, write_sen2
    from ehcp_audit.rules.sen2.census import census_date

    if census is not None and census.year != year:
        raise click.BadParameter(f"{census} is not in {year}", param_hint="--census")
    xlsx = (fmt or out.suffix.lower().lstrip(".")) == "xlsx"
    parts = [out] if xlsx else [out, sibling(out, "ceased_plans"), sibling(out, "checks")]
    check_outputs(settings, [("--out", path) for path in parts])
    fmt = output_format(fmt, out, ("csv", "xlsx"))
    boot = wiring()
    boot.require_store()
    day = census or census_date(year)
    with boot.checked_view()[0] as view:
        result = extract(view, day)
    paths = write_sen2(result, out, fmt)
    click.echo(
        f"SEN2 {year}, census {day}: {len(result.active)} active plans, "
        f"{len(result.ceased)} ceased in {year - 1}, {len(result.checks)} checks to fix; "
        f"written to {', '.join(str(p) for p in paths)}",
        err=True,
    )
