"""`ehcp-audit report ...`: write the HTML reports (thin wrappers over ehcp_audit.reports)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ehcp_audit import clock
from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.params import DAY, MONTH, SAMPLE_FROM
from ehcp_audit.cli.targets import target_option
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.reports.sampling import SampleFrom
from ehcp_audit.view.periods import TERMS, Month, default_as_of, month_range

if TYPE_CHECKING:
    from ehcp_audit.reports.data import ReportData

F = TypeVar("F", bound=Callable[..., Any])


# An inspection pack covers at most this many months: longer is a typo, not a request.
MAX_INSPECTION_MONTHS = 120
# Log positions are 64-bit integers in both stores.
MAX_POSITION = 2**63 - 1


def _common(command: F) -> F:
    """--as-of, --out, --at-position and --allow-empty, shared by every report."""
    command = click.option(
        "--allow-empty",
        is_flag=True,
        help="Write the report even when nothing is recorded for its period (refused otherwise).",
    )(command)
    command = click.option(
        "--at-position",
        type=click.IntRange(min=0, max=MAX_POSITION),
        default=None,
        help="Compute from the event log up to this position (reproduces an earlier report).",
    )(command)
    command = click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("reports"),
        show_default=True,
        help="Folder to write the report into.",
    )(command)
    return click.option(
        "--as-of",
        type=DAY,
        default=None,
        help="Evaluate statuses as of this date (YYYY-MM-DD or DD/MM/YYYY).",
    )(command)


def _data(
    ctx: click.Context, at_position: int | None, out_dir: Path, full_check: bool = False
) -> ReportData:
    check_outputs(ctx.obj, [("--out", out_dir)], folder=True)
    data: ReportData = wiring().report_data(at_position, full_check)
    return data


def _check_covered(
    data: ReportData, label: str, first: Month, last: Month, as_of: date, allow_empty: bool
) -> None:
    """Refuse (exit 2) a report on months the data does not cover, unless --allow-empty."""
    from ehcp_audit.reports.coverage import (
        Period,
        recorded_days_of,
        refuse_future_as_of,
        refuse_uncovered,
    )

    refuse_future_as_of(as_of, clock.today())
    if not allow_empty:
        period = Period(label, first.start, last.end)
        refuse_uncovered(recorded_days_of(data), period, as_of, clock.today())


def _echo(paths: list[Path]) -> None:
    for path in paths:
        click.echo(str(path))


@click.group("report")
def report() -> None:
    """Write self-contained HTML reports (one file each, printable, no network needed)."""


@report.command("monthly")
@click.option("--month", required=True, type=MONTH, help="The month, YYYY-MM or MM/YYYY.")
@target_option
@_common
@click.pass_context
def monthly(
    ctx: click.Context,
    month: Month,
    targets: dict[str, Decimal],
    as_of: date | None,
    out_dir: Path,
    at_position: int | None,
    allow_empty: bool,
) -> None:
    """The local authority's monthly report (as of the month end, or today if earlier)."""
    from ehcp_audit.reports.monthly import build_monthly
    from ehcp_audit.reports.worklist_file import worklist_name

    as_of = as_of or default_as_of(month, clock.today())
    data = _data(ctx, at_position, out_dir)
    _check_covered(data, month.label, month, month, as_of, allow_empty)
    path = build_monthly(data, month, as_of, out_dir, targets)
    _echo([path, path.parent / worklist_name(month)])


@report.command("school")
@click.argument("urn", required=False, metavar="URN")
@click.option("--urn", "urn_option", default=None, help="The setting's URN (or give it as URN).")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every recorded setting's report, one file each (the shared work done once).",
)
@click.option("--month", required=True, type=MONTH, help="The month, YYYY-MM or MM/YYYY.")
@target_option
@_common
@click.pass_context
def school(
    ctx: click.Context,
    urn: str | None,
    urn_option: str | None,
    every: bool,
    month: Month,
    targets: dict[str, Decimal],
    as_of: date | None,
    out_dir: Path,
    at_position: int | None,
    allow_empty: bool,
) -> None:
    """One setting's monthly report (URN: its 6-digit URN), with its children's overdue and due
    steps; --all: every setting's."""
    from ehcp_audit.reports.school import build_every_school, build_school, is_known_urn, known_urns

    if urn is not None and urn_option is not None and urn.strip() != urn_option.strip():
        raise click.UsageError(f"two different URNs given: {urn} and --urn {urn_option}")
    chosen = (urn if urn is not None else urn_option or "").strip()
    if every:
        if chosen:
            raise click.UsageError(f"give either a URN ({chosen}) or --all, not both")
        as_of = as_of or default_as_of(month, clock.today())
        data = _data(ctx, at_position, out_dir)
        _check_covered(data, month.label, month, month, as_of, allow_empty)
        _echo(build_every_school(data, month, as_of, out_dir, targets))
        return
    if not chosen:
        raise click.UsageError(
            "give the setting's URN, e.g. ehcp-audit report school 123456 (or --all)"
        )
    as_of = as_of or default_as_of(month, clock.today())
    data = _data(ctx, at_position, out_dir)
    _check_covered(data, month.label, month, month, as_of, allow_empty)
    if not is_known_urn(data, chosen):
        known = known_urns(data)
        listed = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
        raise click.BadParameter(
            f"no setting with URN {chosen!r} in the recorded data"
            + (f" (URNs recorded: {listed})" if known else " (nothing is recorded yet)"),
            param_hint="URN",
        )
    _echo([build_school(data, chosen, month, as_of, out_dir, targets)])


@report.command("due-list")
@click.option("--term", required=True, type=click.Choice(sorted(TERMS)), help="The school term.")
@click.option(
    "--year", required=True, type=click.IntRange(2000, 2100), help="Calendar year of the term."
)
@_common
@click.pass_context
def due_list(
    ctx: click.Context,
    term: str,
    year: int,
    as_of: date | None,
    out_dir: Path,
    at_position: int | None,
    allow_empty: bool,
) -> None:
    """Per setting, the reviews due in a term and the date each step is owed by (HTML + CSV)."""
    from ehcp_audit.reports.coverage import recorded_days_of, refuse_empty_store
    from ehcp_audit.reports.due_list import build_due_list

    data = _data(ctx, at_position, out_dir)
    if not allow_empty:
        refuse_empty_store(recorded_days_of(data))
    _echo(build_due_list(data, term, year, as_of, out_dir, allow_empty=allow_empty))


@report.command("inspection")
@click.option("--from", "first", required=True, type=MONTH, help="First month, YYYY-MM.")
@click.option("--to", "last", required=True, type=MONTH, help="Last month, YYYY-MM.")
@click.option(
    "--sample",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="How many children to draw for case timelines (0: only the named ones).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the random sample.")
@click.option(
    "--sample-from",
    type=SAMPLE_FROM,
    default="all",
    show_default=True,
    help="Draw from all children with a step in the period, the late ones (any step missed or "
    "overdue), one setting's (school:URN) or those with a phase transfer in the period.",
)
@click.option(
    "--stratify/--no-stratify",
    default=True,
    show_default=True,
    help="Spread the sample across settings (one per setting before any gives a second).",
)
@click.option(
    "--children",
    "children_list",
    default="",
    help="Case references to include, comma-separated (ID,ID).",
)
@click.option(
    "--child", "children", multiple=True, help="A case reference to include (repeatable)."
)
@click.option(
    "--full-details",
    is_flag=True,
    help="Show dates of birth (by default: age and year group only).",
)
@click.option(
    "--their-list",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The authority's own Annex A List 1 (.xlsx): each named child's differences from the "
    "log are shown beside the case (as `reconcile annex-a` finds them).",
)
@_common
@click.pass_context
def inspection(
    ctx: click.Context,
    first: Month,
    last: Month,
    sample: int,
    seed: int,
    sample_from: SampleFrom,
    stratify: bool,
    children_list: str,
    children: tuple[str, ...],
    full_details: bool,
    their_list: Path | None,
    as_of: date | None,
    out_dir: Path,
    at_position: int | None,
    allow_empty: bool,
) -> None:
    """The inspection pack: trends, method, provenance and case timelines; each named child's
    Annex A List 1 row, and its differences from --their-list."""
    from ehcp_audit.exports.reconcile.their_list1 import read_their_list1
    from ehcp_audit.reports.inspection import build_inspection
    from ehcp_audit.reports.named_returns import TheirList

    if last < first:
        raise click.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    if len(month_range(first, last)) > MAX_INSPECTION_MONTHS:
        raise click.BadParameter(
            f"{first} to {last} is more than {MAX_INSPECTION_MONTHS // 12} years; "
            "an inspection pack covers at most ten years (make one per period)",
            param_hint="--from/--to",
        )
    named = (*children, *(c.strip() for c in children_list.split(",") if c.strip()))
    as_of = as_of or min(last.end, clock.today())
    label = f"the period {first.label} to {last.label}"
    theirs = None
    if their_list is not None:
        theirs = TheirList(their_list, read_their_list1(their_list))
    data = _data(ctx, at_position, out_dir, full_check=True)
    _check_covered(data, label, first, last, as_of, allow_empty)
    path = build_inspection(
        data,
        first,
        last,
        as_of,
        sample,
        seed,
        named,
        out_dir,
        sample_from=sample_from,
        stratify=stratify,
        full_details=full_details,
        their_list=theirs,
    )
    _echo([path])


COMMANDS = [report]
