"""`ehcp-audit samples generate`: a synthetic local authority's action log."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.params import DAY
from ehcp_audit.config import Settings
from ehcp_audit.samples import (
    DEFAULT_END,
    SampleConfig,
    bad_rows_path,
    write_sample,
    write_tracker_sample,
)
from ehcp_audit.samples.tracker import mapping_path

# Above this many children a run takes long enough to deserve a progress bar.
_PROGRESS_FROM = 5000


@click.group()
def samples() -> None:
    """Synthetic data for trying the audit out."""


@contextmanager
def _progress(children: int) -> Iterator[Callable[[int], None] | None]:
    if not (sys.stderr.isatty() or children >= _PROGRESS_FROM):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Generating children", total=children)
        step = max(1, children // 200)

        def advance(done: int) -> None:
            if done % step == 0 or done == children:
                progress.update(task, completed=done)

        yield advance


@samples.command()
@click.option("--children", type=click.IntRange(1, 999_999), default=300, show_default=True)
@click.option("--schools", type=click.IntRange(1, 5000), default=12, show_default=True)
@click.option("--years", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option(
    "--end",
    type=DAY,
    default=DEFAULT_END.isoformat(),
    show_default=True,
    help="Last day of the history (the export date); not after today.",
)
@click.option(
    "--bad-rows",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    show_default=True,
    help="Fraction of extra rows the importer must reject, listed in OUT.bad_rows.csv.",
)
@click.option(
    "--tracker",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the same history as a review-tracker spreadsheet (.xlsx or .csv), as it "
    "stood on the end date, with its mapping beside it (.toml) for `import tracker`.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_obj
def generate(
    settings: Settings,
    children: int,
    schools: int,
    years: int,
    seed: int,
    end: date,
    bad_rows: float,
    tracker: Path | None,
    out: Path,
) -> None:
    """Write a realistic, deterministic action-log CSV for a made-up authority."""
    config = SampleConfig(children, schools, years, seed, end, bad_rows)
    try:
        config.check()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if tracker is not None and tracker.resolve() == out.resolve():
        raise click.UsageError("--tracker must be a different file from --out")
    outputs = [("--out", out)] + ([("--out", bad_rows_path(out))] if bad_rows > 0 else [])
    if tracker is not None:
        outputs += [("--tracker", tracker), ("--tracker", mapping_path(tracker))]
    check_outputs(settings, outputs)
    with _progress(children) as on_child:
        summary = write_sample(config, out, on_child)
    line = (
        f"{summary.rows:,} rows, {summary.children:,} children, "
        f"{summary.schools:,} schools -> {out}"
    )
    if summary.bad_rows_path is not None:
        line += f" ({len(summary.bad):,} bad rows listed in {summary.bad_rows_path})"
    click.echo(line)
    if tracker is not None:
        written, mapping = write_tracker_sample(config, tracker)
        click.echo(f"tracker: {written:,} children as of {end} -> {tracker} (mapping {mapping})")


COMMANDS = [samples]
