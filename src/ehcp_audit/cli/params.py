"""The parameter types every date and month option uses: one parser, one message, checked
before any store is opened."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import click

from ehcp_audit.ingest.row_parser import EARLIEST, RowError, parse_date
from ehcp_audit.reports.sampling import SampleFrom
from ehcp_audit.view.periods import Month

# Far beyond any plan, yet leaves room for the rules' date arithmetic (a year and more ahead).
LATEST = date(2999, 12, 31)

_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_UK_MONTH = re.compile(r"(\d{1,2})/(\d{4})")


class DayType(click.ParamType):
    """A day written YYYY-MM-DD or DD/MM/YYYY (the forms the action log accepts)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = parse_date("", str(value).strip())
        except RowError as exc:
            self.fail(exc.message, param, ctx)
        if day > LATEST:
            self.fail(f"{day} is outside {EARLIEST} to {LATEST}", param, ctx)
        return day


class MonthType(click.ParamType):
    """A month written YYYY-MM or MM/YYYY."""

    name = "month"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Month:
        if isinstance(value, Month):
            return value
        text = str(value).strip()
        iso, uk = _ISO_MONTH.fullmatch(text), _UK_MONTH.fullmatch(text)
        year, month = (
            (int(iso.group(1)), int(iso.group(2)))
            if iso
            else (int(uk.group(2)), int(uk.group(1)))
            if uk
            else (0, 0)
        )
        if not 1 <= month <= 12:
            self.fail(f"{value!r} is not a month (use YYYY-MM or MM/YYYY)", param, ctx)
        if not EARLIEST.year <= year <= LATEST.year:
            self.fail(f"{value!r} is outside {EARLIEST.year} to {LATEST.year}", param, ctx)
        return Month(year, month)


class SampleFromType(click.ParamType):
    """`report inspection --sample-from`: all, late, phase-transfer or school:URN."""

    name = "all|late|school:URN|phase-transfer"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> SampleFrom:
        if isinstance(value, SampleFrom):
            return value
        try:
            return SampleFrom.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DAY = DayType()
MONTH = MonthType()
SAMPLE_FROM = SampleFromType()


SUFFIX_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


def format_option(*formats: str) -> Any:
    """`--format`, by default the one `--out`'s extension names (csv when it names none): a
    file called .xlsx must be a workbook, not CSV text a spreadsheet refuses to open."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=None,
        help=f"{', '.join(formats)} (default: from --out's extension, else csv).",
    )


def output_format(fmt: str | None, out: Path, formats: tuple[str, ...]) -> str:
    """The format to write `out` in; a --format that contradicts the file's extension is
    refused before anything is read (call it after the output paths' own checks, whose
    refusal matters more)."""
    named = SUFFIX_FORMATS.get(out.suffix.lower())
    if fmt is None:
        return named if named in formats else "csv"
    if named is not None and named != fmt:
        raise click.BadParameter(
            f"{fmt} does not match --out {out.name} (a .{named} file): name the file "
            f"*.{fmt}, or leave --format out",
            param_hint="--format",
        )
    return fmt
