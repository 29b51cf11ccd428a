"""COLLECT's Blade CSV export of a SEN2 return (one file per module, `Blade-Export_<date>_
<module>.csv`, lower-cased element names as columns; the shapes MastodonC/witan.sen2 reads in
`blade/csv.clj`): the annual-review, phase-transfer and cease items of each child."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from ehcp_audit.errors import UnusableFileError
from ehcp_audit.exports.reconcile.cells import Problems, read_date, read_text
from ehcp_audit.rules.reconcile.compare import Value

# module -> the columns read from it (the links between modules, then the items).
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "person": ("persontableid", "sourceid"),
    "requests": ("requeststableid", "persontableid"),
    "assessment": ("assessmenttableid", "requeststableid"),
    "namedplan": ("assessmenttableid", "startdate", "ceasedate", "ceasereason"),
    "activeplans": (
        "requeststableid",
        "reviewmeeting",
        "reviewoutcome",
        "lastreview",
        "reviewdraft",
        "phasetransferduedate",
        "phasetransferfinaldate",
    ),
}
ACTIVE_ITEMS: Final = {
    "reviewmeeting": "ReviewMeeting",
    "reviewoutcome": "ReviewOutcome",
    "lastreview": "LastReview",
    "reviewdraft": "ReviewDraft",
    "phasetransferduedate": "PhaseTransferDueDate",
    "phasetransferfinaldate": "PhaseTransferFinalDate",
}
TEXT_COLUMNS: Final = frozenset({"reviewoutcome", "ceasereason"})


@dataclass(frozen=True)
class Row:
    file: Path
    line: int
    cells: dict[str, str]

    def where(self, column: str) -> str:
        return f"{self.file.name}, line {self.line}, column {column}"


def module_file(folder: Path, module: str) -> Path | None:
    """The folder's one `Blade-Export_<date>_<module>.csv` (names matched ignoring case)."""
    found = [
        p for p in folder.iterdir()
        if p.is_file() and p.name.lower().startswith("blade-export_")
        and p.name.lower().endswith(f"_{module}.csv")
    ]  # fmt: skip
    if len(found) > 1:
        names = ", ".join(sorted(p.name for p in found))
        raise UnusableFileError(
            f"{folder}: more than one {module} file ({names}): keep one export per folder"
        )
    return found[0] if found else None


def read_module(
    folder: Path, module: str, columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[Row]:
    """The module's rows (blank lines left out), each with `columns` (required) and whichever
    of `optional` the file has."""
    path = module_file(folder, module)
    if path is None:
        raise UnusableFileError(f"{folder}: no Blade-Export_<date>_{module}.csv file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise UnusableFileError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise UnusableFileError(f"{path}: not CSV ({exc})") from None
    header = [name.strip().lower() for name in (lines[0] if lines else [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise UnusableFileError(f"{path}, line 1: no column {', '.join(missing)}")
    index = {name: header.index(name) for name in (*columns, *optional) if name in header}
    def cells_of(cells: list[str]) -> dict[str, str]:
        return {c: (cells[i].strip() if i < len(cells) else "") for c, i in index.items()}

    return [
        Row(path, number, cells_of(cells))
        for number, cells in enumerate(lines[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]


def return_year(folder: Path) -> tuple[int | None, date | None]:
    """The return's year and reference (census) date from the `sen2` module, when present."""
    if module_file(folder, "sen2") is None:
        return None, None
    rows = read_module(folder, "sen2", (), ("year", "referencedate"))
    if not rows:
        return None, None
    cells = rows[0].cells
    year = int(cells["year"]) if cells.get("year", "").isdigit() else None
    try:
        reference = read_date(cells.get("referencedate"))
    except ValueError:
        reference = None
    return year, reference


@dataclass
class _Links:
    child_of_person: dict[str, str]
    person_of_request: dict[str, str]
    request_of_assessment: dict[str, str]


def _links(folder: Path, modules: dict[str, list[Row]], problems: Problems) -> _Links:
    people: dict[str, str] = {}
    for row in modules["person"]:
        child = row.cells["sourceid"]
        if not child:
            problems.add(row.where("sourceid"), "blank: the child's id in the case system")
        people[row.cells["persontableid"]] = child
    requests = {r.cells["requeststableid"]: r.cells["persontableid"] for r in modules["requests"]}
    assessments = {
        r.cells["assessmenttableid"]: r.cells["requeststableid"] for r in modules["assessment"]
    }
    return _Links(people, requests, assessments)


def _child(row: Row, links: _Links, problems: Problems) -> str | None:
    """The child a row belongs to, up the modules' table ids; None (and a problem) when broken."""
    request = row.cells.get("requeststableid")
    if request is None:
        assessment = row.cells["assessmenttableid"]
        request = links.request_of_assessment.get(assessment)
        if request is None:
            problems.add(row.where("assessmenttableid"), f"{assessment!r} is in no assessment row")
            return None
    person = links.person_of_request.get(request)
    if person is None:
        problems.add(row.where("requeststableid"), f"{request!r} is in no requests row")
        return None
    child = links.child_of_person.get(person)
    if child is None:
        problems.add(row.where("persontableid"), f"{person!r} is in no person row")
    return child or None


def _values(row: Row, columns: dict[str, str], problems: Problems) -> dict[str, Value]:
    found: dict[str, Value] = {}
    for column, item in columns.items():
        raw = row.cells[column]
        if column in TEXT_COLUMNS:
            found[item] = read_text(raw)
            continue
        try:
            found[item] = read_date(raw)
        except ValueError as exc:
            problems.add(row.where(column), str(exc))
    return found


def read_blade(folder: Path, year: int) -> dict[str, dict[str, Value]]:
    """Child id (the person's `sourceid`) -> SEN2 items, for the children the return holds for
    `year`: an ActivePlans row, or a named plan ceased in the calendar year before."""
    modules = {m: read_module(folder, m, columns) for m, columns in COLUMNS.items()}
    problems = Problems(folder)
    links = _links(folder, modules, problems)
    plans: dict[str, list[dict[str, Value]]] = {}
    for row in modules["namedplan"]:
        child = _child(row, links, problems)
        values = _values(row, {"startdate": "StartDate", "ceasedate": "CeaseDate",
                               "ceasereason": "CeaseReason"}, problems)  # fmt: skip
        if child is not None:
            plans.setdefault(child, []).append(values)
    found: dict[str, dict[str, Value]] = {}
    active_line: dict[str, Row] = {}
    for row in modules["activeplans"]:
        child = _child(row, links, problems)
        if child is None:
            continue
        if child in active_line:
            first = active_line[child].line
            problems.add(row.where("requeststableid"), f"{child} already on line {first}")
            continue
        active_line[child] = row
        found[child] = {**_values(row, ACTIVE_ITEMS, problems), **_start(plans.get(child, []))}
    for child, named in plans.items():
        ceased = [p for p in named if isinstance(p["CeaseDate"], date)]
        if child in found or not ceased:
            continue
        last = max(ceased, key=lambda p: p["CeaseDate"] or date.min)
        cease_date = last["CeaseDate"]
        if isinstance(cease_date, date) and cease_date.year == year - 1:
            found[child] = dict(last)
    problems.stop_if_any()
    return found


def _start(named: list[dict[str, Value]]) -> dict[str, Value]:
    """The active plan's start: the named plan not ceased, else the latest started."""
    if not named:
        return {}
    open_plans = [p for p in named if p["CeaseDate"] is None] or named
    latest = max(open_plans, key=lambda p: p["StartDate"] if isinstance(p["StartDate"], date)
                 else date.min)  # fmt: skip
    return {"StartDate": latest["StartDate"]}
