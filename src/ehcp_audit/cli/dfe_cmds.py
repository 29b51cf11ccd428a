"""`ehcp-audit export dfe-measures`: DfE's published annual-review and phase-transfer figures,
computed from the log for one calendar year (docs/formats.md, "DfE's published measures")."""

from __future__ import annotations

from pathlib import Path

import click

from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.params import format_option, output_format
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings


@click.command("dfe-measures")
@click.option(
    "--year",
    type=click.IntRange(2015, 2100),
    required=True,
    help="The calendar year the figures cover (DfE publishes it in the next year's release).",
)
@format_option("csv", "xlsx")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_obj
def export_dfe_measures(settings: Settings, year: int, fmt: str | None, out: Path) -> None:
    """Annual reviews expected, completed, their outcomes and decisions within 4 weeks, and phase
    transfers due and finalised, under DfE's variable names, for one calendar year."""
    from ehcp_audit.exports.tables import write_frame
    from ehcp_audit.view.dfe_measures import dfe_measures, year_end
    from ehcp_audit.view.report_source import ViewReportData

    check_outputs(settings, [("--out", out)])
    fmt = output_format(fmt, out, ("csv", "xlsx"))
    boot = wiring()
    boot.require_store()
    with boot.checked_view()[0] as view:
        data = ViewReportData(view)
        frame = dfe_measures(data.compliance(year_end(year)), data.entries(), year)
    write_frame(frame, out, fmt)
    click.echo(
        f"DfE measures for {year} (as of {year_end(year)}): {len(frame)} figures written to {out}",
        err=True,
    )
