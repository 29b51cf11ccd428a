"""The rejects file: rejected rows unchanged, plus `row` and `error` (RULES.md "Rejected rows"),
except that text a spreadsheet would run as a formula gets a leading `'` (safe_cells)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ehcp_audit.exports.safe_cells import SafeCsvWriter


@dataclass(frozen=True, slots=True)
class Rejection:
    row: int
    column: str
    message: str
    values: list[str]

    @property
    def error(self) -> str:
        return f"{self.column}: {self.message}" if self.column else self.message


def write_rejects(path: Path, header: Sequence[str], rejections: Sequence[Rejection]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow([*header, "row", "error"])
        width = len(header)
        for r in sorted(rejections, key=lambda r: r.row):
            values = (list(r.values) + [""] * width)[:width]
            writer.writerow([*values, r.row, r.error])
