"""Opening an action-log CSV: encoding, header checks (RULES.md "Action-log CSV")."""

from __future__ import annotations

import csv
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ehcp_audit.domain.vocabulary import COLUMNS, REQUIRED_COLUMNS
from ehcp_audit.errors import UnusableFileError
from ehcp_audit.ingest.csv_shape import shape_error

SourceRow = tuple[list[str], dict[str, str], str]


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
    def rows(self) -> Iterator[SourceRow]: ...


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

    def rows(self) -> Iterator[SourceRow]:
        yield list(self.values.values()), dict(self.values), ""


@dataclass(frozen=True)
class ActionLogFile:
    path: Path
    header: list[str]  # as written in the file (the rejects file repeats it)
    sha256: str
    kind: str = "actions"
    # (k, n): yield only the rows of children whose partition (crc32 of child_id) is k of n;
    # other rows come as blank rows, so that every row keeps its number.
    part: tuple[int, int] | None = None

    def partition(self, k: int, n: int) -> ActionLogFile:
        return replace(self, part=(k, n))

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def columns(self) -> list[str]:
        """Column names matched case- and space-insensitively; "" for an unnamed column."""
        return [h.strip().lower() for h in self.header]

    def rows(self) -> Iterator[SourceRow]:
        """(raw values, {column: text}, problem) per data row, numbered from 1 by position in
        the file. Blank lines yield no mapping and no problem (nothing to import or reject);
        a malformed row yields its problem (that row alone is rejected); a file the strict reader
        cannot split into rows (a quote left open, say) raises UnusableFileError."""
        columns = self.columns
        width = len(columns)
        unnamed = [i for i, c in enumerate(columns) if not c]
        mine, parts = self.part or (0, 1)
        child_at = columns.index("child_id")
        row, ended = 0, 1  # the last data row read, and the line it ended on
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle, strict=True)
                next(reader, None)
                ended = reader.line_num
                for row, values in enumerate(reader, start=1):  # noqa: B007 - read on error
                    ended = reader.line_num
                    if parts > 1 and partition_of(values, child_at, parts) != mine:
                        yield [], {}, ""
                        continue
                    if not "".join(values).strip():
                        yield values, {}, ""
                        continue
                    problem = ""
                    extra = len(values) > width and any(v.strip() for v in values[width:])
                    if extra:
                        problem = (
                            f"the row has {len(values)} fields but the header has {width} "
                            f"(a comma inside an unquoted value?); the extra fields were: "
                            + ", ".join(repr(v) for v in values[width:])
                        )
                    elif unnamed and any(i < len(values) and values[i].strip() for i in unnamed):
                        problem = "a value stands in a column with no name in the header"
                    # Empty cells are left out: a missing column and a blank one are the same.
                    mapping = {c: v for c, v in zip(columns, values, strict=False) if c and v}
                    yield values, mapping, problem
        except UnicodeDecodeError as exc:
            raise UnusableFileError(f"{self.path.name}: not a UTF-8 CSV file ({exc})") from None
        except csv.Error as exc:
            raise shape_error(self.path, exc, row + 1, ended + 1) from None


def partition_of(values: list[str], child_at: int, parts: int) -> int:
    child_id = values[child_at].strip() if child_at < len(values) else ""
    return zlib.crc32(child_id.encode()) % parts


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
    sha256 = _sha256_without_nul(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
    except UnicodeDecodeError:
        raise UnusableFileError(f"{path.name}: not a UTF-8 CSV file") from None
    except csv.Error as exc:
        raise shape_error(path, exc, 0, 1) from None
    if not header or not any(h.strip() for h in header):
        raise UnusableFileError(f"{path.name}: the file is empty or has no header row")
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h and h not in COLUMNS]
    if unknown:
        raise UnusableFileError(
            f"{path.name}: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"allowed columns are: {', '.join(COLUMNS)}"
        )
    repeated = sorted({h for h in names if h and names.count(h) > 1})
    if repeated:
        raise UnusableFileError(f"{path.name}: column(s) repeated: {', '.join(repeated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise UnusableFileError(f"{path.name}: required column(s) missing: {', '.join(missing)}")
    return ActionLogFile(path, header, sha256)


def _sha256_without_nul(path: Path) -> str:
    """The file's digest; UnusableFileError naming the line of its first NUL byte (binary
    data, or a UTF-16 file), wherever it is, before any row is read."""
    digest = hashlib.sha256()
    lines = 1
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            nul = block.find(b"\x00")
            if nul >= 0:
                line = lines + block.count(b"\n", 0, nul)
                raise UnusableFileError(
                    f"{path.name}: not a CSV file: line {line} holds a NUL byte "
                    "(binary data, or a file saved as UTF-16?); nothing was imported"
                )
            lines += block.count(b"\n")
            digest.update(block)
    return digest.hexdigest()
