"""The Jinja2 environment (autoescaped) and its filters, which render each report's context
(defined beside the report's builder: monthly.py, school.py, ...)."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from functools import cache
from typing import ClassVar, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache
from markupsafe import Markup

from ehcp_audit.reports.rulebook import rulebook_url


class Context(Protocol):
    """A report's context: a frozen dataclass beside its builder (monthly.py, ...), naming
    its template."""

    TEMPLATE: ClassVar[str]


def uk_date(value: date | None, empty: str = "—") -> str:
    """'7 March 2025': the GOV.UK style for dates."""
    if value is None or value != value:  # NaT compares unequal to itself
        return empty
    return f"{value.day} {value:%B %Y}"


_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")


def stamp_text(value: str) -> str:
    """An ISO date-time to the second, 'T' as a space (microseconds help no reader)."""
    if _STAMP.match(value):
        return value[:19].replace("T", " ") + value[19:].lstrip(".0123456789")
    return value


def count_text(value: int) -> str:
    """12,345: thousands separated, as GOV.UK writes numbers."""
    return f"{value:,}"


def days_text(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


@cache
def css_string(value: str) -> Markup:
    """`value` as a quoted CSS string (a print header's text). Every character but ASCII letters
    and digits is a six-digit hex escape, so no text from the data (a quote, a backslash,
    `</style>`) can end the string or the style element. A space is escaped too: CSS takes one
    space after an escape as part of it."""
    escaped = "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in value)
    return Markup(f'"{escaped}"')


class _QuietCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs in Jinja's own per-user folder (mode 0700, its owner
    checked): compiling them was a fifth of a second of every report. A folder that cannot be
    read or written means compiling again, never a failed report."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates() -> BytecodeCache | None:
    try:
        return _QuietCache()
    except (OSError, RuntimeError):  # no safe folder of our own: compile every time
        return None


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ehcp_audit.reports", "templates"),
        bytecode_cache=_compiled_templates(),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ukdate"] = uk_date
    env.filters["days"] = days_text
    env.filters["n"] = count_text
    env.filters["stamp"] = stamp_text
    env.filters["css_string"] = css_string
    env.globals["rulebook_url"] = rulebook_url
    return env


@cache
def _shared_environment() -> Environment:
    # One per process: `report school --all` renders 400 reports, and compiling the templates
    # again for each took most of its time.
    return environment()


def render(context: Context) -> str:
    """The HTML of one report."""
    template = _shared_environment().get_template(context.TEMPLATE)
    return template.render(ctx=context)
