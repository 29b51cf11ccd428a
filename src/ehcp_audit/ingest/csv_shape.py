"""What is wrong with a CSV file the strict reader stops on, said the same way however long the
file is (docs/integrity.md, "Malformed files").

A quote left open makes the reader take the rest of the file as one value: in a short file it
stops at the end of the file, in a long one at the csv module's limit on a value's length. Both
are the same mistake, so the limit is looked into (the record read again from where it starts,
quote by quote) before it is reported as a long value.
"""

from __future__ import annotations

import csv
from itertools import islice
from pathlib import Path

from ehcp_audit.errors import UnusableFileError

_OPEN_AT_END = "unexpected end of data"
_TOO_LONG = "field larger than field limit"
_AFTER_QUOTE = "',' expected after '\"'"


def shape_error(path: Path, exc: csv.Error, row: int, line: int) -> UnusableFileError:
    """The error for a record (data `row`, starting on `line`) the strict reader refused."""
    problem = str(exc)
    if problem.startswith(_TOO_LONG):
        problem = _runaway_quote(path, line) or problem
    where = f"the row starting on line {line} (data row {row})" if row else "the header row"
    if problem == _OPEN_AT_END:
        text = f"{where} opens a quote that is never closed"
    elif problem.startswith(_TOO_LONG):
        text = f"{where} has a value longer than {csv.field_size_limit()} characters"
    elif problem == _AFTER_QUOTE:
        text = f'{where} has text after a closing quote (a quote inside a value is written "")'
    else:
        text = f"{where}: {problem}"
    return UnusableFileError(f"{path.name}: not a CSV file: {text}; nothing was imported")


def _runaway_quote(path: Path, line: int) -> str | None:
    """The strict reader's complaint about the record starting on `line` were values unlimited
    in length, or None when it is only long."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        at_start, quoted = True, False
        for text in islice(handle, line - 1, None):
            at_start, quoted, verdict = _scan(text, at_start, quoted)
            if verdict is not None:
                return verdict or None
    return _OPEN_AT_END if quoted else None


def _scan(text: str, at_start: bool, quoted: bool) -> tuple[bool, bool, str | None]:
    """Read one physical line as csv's strict default dialect would: (at a field's start,
    inside quotes, verdict): verdict "" when the record ends here, a complaint when it breaks."""
    i = 0
    while i < len(text):
        if quoted:
            j = text.find('"', i)
            if j < 0:
                return False, True, None
            if text.startswith('"', j + 1):
                i = j + 2
                continue
            quoted, i = False, j + 1
            if i < len(text) and text[i] not in ",\r\n":
                return False, False, _AFTER_QUOTE
            continue
        if at_start and text[i] == '"':
            at_start, quoted, i = False, True, i + 1
            continue
        j = text.find(",", i)
        if j < 0:
            return False, False, ""
        at_start, i = True, j + 1
    return at_start, quoted, None if quoted else ""
