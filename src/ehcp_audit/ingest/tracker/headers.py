"""Finding the header in the first rows of a sheet, and which column holds each mapped field.

Headers may start below a title, and may take two or three rows when a group label is
merged across the columns under it ("Review meeting" over "Booked" and "Held"). A merged
cell is blank everywhere but its first column, so a blank group label is carried on from
the left while the columns below keep having sub-labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from ehcp_audit.errors import UnusableFileError
from ehcp_audit.ingest.tracker.cells import cell_text
from ehcp_audit.ingest.tracker.mapping import MAX_HEADER_ROWS, TrackerMapping, normalise

SCAN_ROWS = 30


@dataclass(frozen=True)
class Header:
    row: int  # sheet row number of the header's last line
    names: list[str]  # one display name per column ("Review meeting / Held")
    columns: dict[str, int]  # mapped field -> column index


def combine(block: list[list[str]]) -> list[str]:
    """Display names of a header of one or more lines."""
    width = max((len(line) for line in block), default=0)
    lines = [line + [""] * (width - len(line)) for line in block]
    filled = [line[:] for line in lines]
    for depth in range(len(lines) - 1):
        below = lines[depth + 1]
        for col in range(1, width):
            carried = filled[depth][col - 1]
            if not filled[depth][col] and carried and below[col] and below[col - 1]:
                filled[depth][col] = carried
    return [" / ".join(line[col] for line in filled if line[col]) for col in range(width)]


def match(names: list[str], mapping: TrackerMapping) -> tuple[dict[str, int], list[str]]:
    """{field: column} for the mapped fields found, and the fields not found.

    A mapped name matches a column's full name, or else the last line of its name when
    no other column's last line is the same (so "Held" finds "Review meeting / Held").
    """
    full: dict[str, int] = {}
    leaves: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        full.setdefault(normalise(name), index)
        leaves.setdefault(normalise(name.rsplit(" / ", 1)[-1]), []).append(index)
    found: dict[str, int] = {}
    missing: list[str] = []
    for field, options in mapping.columns.items():
        for option in options:
            key = normalise(option)
            if key in full:
                found[field] = full[key]
                break
            if len(leaves.get(key, ())) == 1:
                found[field] = leaves[key][0]
                break
        else:
            missing.append(field)
    return found, missing


def find_header(top: list[list[object]], mapping: TrackerMapping, where: str) -> Header:
    """The header among the first rows: the rows whose names match the most mapped fields."""
    texts = [[cell_text(v) for v in row] for row in top]
    rows = [mapping.header_row] if mapping.header_row else range(1, len(texts) + 1)
    spans = [mapping.header_rows] if mapping.header_rows else range(1, MAX_HEADER_ROWS + 1)
    # Most fields matched first; then the header ending lowest (a units line under the names
    # belongs to the header), then the fewest lines.
    best: tuple[int, int, int] | None = None  # (-score, -row, span)
    for row in rows:
        for span in spans:
            if row - span < 0 or row > len(texts):
                continue
            names = combine(texts[row - span : row])
            found, _ = match(names, mapping)
            if "child_id" not in found:
                continue
            key = (-len(found), -row, span)
            if best is None or key < best:
                best = key
    if best is None:
        wanted = " or ".join(repr(n) for n in mapping.columns["child_id"])
        raise UnusableFileError(
            f"{where}: no header found: none of the first {len(texts)} rows has the child id "
            f"column {wanted} (headers are matched ignoring case and spaces)"
        )
    _, minus_row, span = best
    row = -minus_row
    names = combine(texts[row - span : row])
    found, missing = match(names, mapping)
    if missing:
        wanted = ", ".join(f"{f} = {' or '.join(map(repr, mapping.columns[f]))}" for f in missing)
        present = ", ".join(repr(n) for n in names if n)
        raise UnusableFileError(
            f"{where}: mapped column(s) not found in the header on row {row}: {wanted}. "
            f"The header has: {present}"
        )
    return Header(row, names, found)
