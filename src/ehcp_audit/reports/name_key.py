"""The local authority's key file of children's names (`report school --names names.csv`,
columns child_id,name): read when a school report is written, held only in memory, never stored
or logged. Messages name a row and a column, never a name."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ehcp_audit.errors import RefusedError

COLUMNS = ("child_id", "name")


@dataclass(frozen=True)
class NameKey:
    names: dict[str, str]  # child_id -> name
    problems: tuple[str, ...]  # rows left out, each naming its row and column


def _rows(path: Path) -> list[dict[str, str | None]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [(h or "").strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise RefusedError(
                    f"{path.name}: the names key file needs the columns child_id,name "
                    f"(missing: {', '.join(missing)})"
                )
            reader.fieldnames = header
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RefusedError(
            f"{path.name}: cannot read the names key file as UTF-8 CSV ({type(error).__name__})"
        ) from None


def read_name_key(path: Path) -> NameKey:
    """Every usable row; a row with an empty child_id or name is left out, and so is a child
    given two different names (neither can be trusted)."""
    names: dict[str, str] = {}
    first_row: dict[str, int] = {}
    conflicting: set[str] = set()
    problems: list[str] = []
    for number, row in enumerate(_rows(path), start=2):
        child = (row.get("child_id") or "").strip()
        name = " ".join((row.get("name") or "").split())
        if not child or not name:
            column = "child_id" if not child else "name"
            problems.append(f"{path.name} row {number}, {column}: empty; row left out")
            continue
        if child in names and names[child] != name:
            problems.append(
                f"{path.name} row {number}, name: differs from row {first_row[child]} for the "
                "same child_id; no name is shown for that child"
            )
            conflicting.add(child)
            continue
        names.setdefault(child, name)
        first_row.setdefault(child, number)
    return NameKey({c: n for c, n in names.items() if c not in conflicting}, tuple(problems))
