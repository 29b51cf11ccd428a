"""Opening an action-log CSV: encoding, header checks (RULES.md "Action-log CSV")."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ehcp_audit.domain.vocabulary import COLUMNS, REQUIRED_COLUMNS
from ehcp_audit.errors import UnusableFileError

Row = tuple[list[str], dict[str, str], str]


class RowSource(Protocol):
    """Where rows come from: a CSV file, a tracker, or one row typed at the command line."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def header(self) -> list[str]: ...
    def rows(self) -> Iterator[Row]: ...


@dataclass(frozen=True)
class SingleRow:
    """One row given on the command line (`record`, `void`)."""

    values: dict[str, str]
    kind: str = "command"

    @property
    def name(self) -> str:
        return f"command line ({self.kind})"

    @property
    def header(self) -> list[str]:
        return list(self.values)

    @property
    def sha256(self) -> str:
        text = "\x1f".join(f"{k}={v}" for k, v in sorted(self.values.items()))
        return hashlib.sha256(text.encode()).hexdigest()

    def rows(self) -> Iterator[Row]:
        yield list(self.values.values()), dict(self.values), ""


@dataclass(frozen=True)
class ActionLogFile:
    path: Path
    header: list[str]
    sha256: str
    kind: str = "actions"

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[Row]:
        """(raw values, {column: text}, problem) per data row; problem is "" for a well-formed row
        and the reason otherwise (that row alone is rejected)."""
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            width = len(self.header)
            for values in reader:
                problem = ""
                if len(values) > width and any(v.strip() for v in values[width:]):
                    problem = (
                        f"the row has {len(values)} fields but the header has {width} "
                        "(a comma inside an unquoted value?)"
                    )
                yield values, dict(zip(self.header, values, strict=False)), problem


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_action_log(path: Path) -> ActionLogFile:
    """Check that the file is a readable CSV with a usable header, or raise UnusableFileError."""
    if not path.is_file():
        raise UnusableFileError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(65536)
            handle.seek(0)
            if "\x00" in sample:
                raise UnusableFileError(f"{path.name}: not a CSV file (it contains binary data)")
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        raise UnusableFileError(f"{path.name}: not a UTF-8 CSV file") from None
    except csv.Error as exc:
        raise UnusableFileError(f"{path.name}: not a CSV file ({exc})") from None
    if not header or not any(h.strip() for h in header):
        raise UnusableFileError(f"{path.name}: the file is empty or has no header row")
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    if unknown:
        raise UnusableFileError(
            f"{path.name}: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"allowed columns are: {', '.join(COLUMNS)}"
        )
    repeated = sorted({h for h in names if names.count(h) > 1})
    if repeated:
        raise UnusableFileError(f"{path.name}: column(s) repeated: {', '.join(repeated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise UnusableFileError(f"{path.name}: required column(s) missing: {', '.join(missing)}")
    return ActionLogFile(path, names, sha256_of(path))
