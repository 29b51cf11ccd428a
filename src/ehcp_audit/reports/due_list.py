"""The term's due list: per setting, the children whose review falls due in the term and the date
each step is owed by; one HTML page per setting, an index page and one CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from ehcp_audit import clock
from ehcp_audit.exports.safe_cells import SafeCsvWriter
from ehcp_audit.reports.coverage import refuse_nothing_due
from ehcp_audit.reports.data import ReportData, compliance_rows
from ehcp_audit.reports.filenames import safe_name
from ehcp_audit.reports.output import write_report
from ehcp_audit.reports.provenance import Provenance, load_log, provenance
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.periods import Term
from ehcp_audit.view.queries import records


@dataclass(frozen=True)
class DueStep:
    measure: str
    deadline: date | None
    when_unknown: str  # shown when the deadline is not yet known, e.g. "2 weeks after the meeting"
    status: str


@dataclass(frozen=True)
class DueChild:
    child_id: str
    cycle: int
    due_on: date
    steps: tuple[DueStep, ...]


@dataclass(frozen=True)
class DueListContext:
    TEMPLATE: ClassVar[str] = "due_list.html"

    title: str
    term_label: str
    term_start: date
    term_end: date
    school_urn: str
    school_name: str
    provenance: Provenance
    step_columns: tuple[tuple[str, str], ...]
    children: tuple[DueChild, ...]
    index_file: str
    csv_file: str


@dataclass(frozen=True)
class DueListSchool:
    urn: str
    name: str
    children: int
    file: str


@dataclass(frozen=True)
class DueListIndexContext:
    TEMPLATE: ClassVar[str] = "due_list_index.html"

    title: str
    term_label: str
    term_start: date
    term_end: date
    provenance: Provenance
    schools: tuple[DueListSchool, ...]
    csv_file: str


# The steps in the order they are owed, and how to say a deadline that is not yet known.
DUE_STEPS: tuple[tuple[str, str, str], ...] = (
    ("invitations_4_weeks", "Invitations (local policy, 4 weeks)", ""),
    ("invitations_2_weeks", "Invitations (statutory, 2 weeks)", ""),
    ("papers_circulated_2_weeks", "Papers circulated", ""),
    ("review_on_time", "Meeting (due date)", ""),
    ("paperwork_2_weeks", "Paperwork to the LA", "2 weeks after the meeting"),
    ("decision_4_weeks", "Decision", "4 weeks after the meeting"),
)
CSV_NAME = "due-list.csv"
INDEX_NAME = "index.html"


def due_children(rows: list[dict[str, Any]]) -> dict[str, list[DueChild]]:
    """Group the due_list rows by setting URN ('' when none) into children with their steps."""
    cycles: dict[tuple[str, date, str, int], dict[str, dict[str, Any]]] = {}
    for row in rows:
        key = (row["school_urn"] or "", row["due_on"], row["child_id"], row["cycle"])
        cycles.setdefault(key, {})[row["measure"]] = row
    schools: dict[str, list[DueChild]] = {}
    for (urn, due_on, child_id, cycle), by_measure in sorted(cycles.items()):
        steps = tuple(
            DueStep(measure, None, "not measured", "")
            if (step := by_measure.get(measure)) is None
            else DueStep(measure, step["deadline"], unknown, step["status"])
            for measure, _, unknown in DUE_STEPS
        )
        schools.setdefault(urn, []).append(DueChild(child_id, cycle, due_on, steps))
    return schools


def write_csv(path: Path, schools: dict[str, list[DueChild]], names: dict[str, str]) -> Path:
    header = ["school_urn", "school_name", "child_id", "cycle", "due_on"]
    for measure, _, _ in DUE_STEPS:
        header += [f"{measure}_deadline", f"{measure}_status"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeCsvWriter(handle, lineterminator="\n")
        writer.writerow(header)
        for urn, children in schools.items():
            for child in children:
                row: list[object] = [
                    urn,
                    names.get(urn, ""),
                    child.child_id,
                    child.cycle,
                    child.due_on.isoformat(),
                ]
                for step in child.steps:
                    row += [step.deadline.isoformat() if step.deadline else "", step.status]
                writer.writerow(row)
    return path


def _page(urn: str) -> str:
    return f"school-{safe_name(urn)}.html"


def build_due_list(
    data: ReportData,
    term: str,
    year: int,
    as_of: date | None = None,
    out_dir: Path = Path("reports"),
    allow_empty: bool = True,
) -> list[Path]:
    """Write reports/due-list-YEAR-TERM/ (index.html, one page per setting, due-list.csv);
    `allow_empty=False` refuses a term in which no review falls due (RefusedError)."""
    period = Term(term, year)
    as_of = as_of or clock.today()
    names = data.school_names()
    con = compliance_connection(compliance_rows(data, as_of))
    try:
        load_log(con, data)
        rows = records(
            con,
            "due_list",
            start=period.start,
            end=period.end,
            measures=[m for m, _, _ in DUE_STEPS],
        )
        command = ["due-list", "--term", term, "--year", str(year), "--as-of", as_of.isoformat()]
        prov = provenance(con, data, as_of, command)
    finally:
        con.close()
    if not allow_empty:
        refuse_nothing_due(len(rows), period.label)
    folder = out_dir / f"due-list-{year}-{term}"
    folder.mkdir(parents=True, exist_ok=True)
    schools = due_children(rows)
    ordered = sorted(
        schools, key=lambda u: (u == "", names.get(u, "") == "", names.get(u, "").casefold(), u)
    )
    paths = [write_csv(folder / CSV_NAME, {u: schools[u] for u in ordered}, names)]
    for urn in ordered:
        paths.append(
            write_report(_school_page(period, urn, names, prov, schools[urn]), folder / _page(urn))
        )
    index = DueListIndexContext(
        title=f"EHCP annual reviews due, {period.label}",
        term_label=period.label,
        term_start=period.start,
        term_end=period.end,
        provenance=prov,
        schools=tuple(
            DueListSchool(u, names.get(u, ""), len(schools[u]), _page(u)) for u in ordered
        ),
        csv_file=CSV_NAME,
    )
    paths.insert(0, write_report(index, folder / INDEX_NAME))
    return paths


def _school_page(
    period: Term, urn: str, names: dict[str, str], prov: Provenance, children: list[DueChild]
) -> DueListContext:
    name = names.get(urn, "")
    setting = name or (f"URN {urn}" if urn else "no setting recorded")
    return DueListContext(
        title=f"Reviews due, {period.label}: {setting}",
        term_label=period.label,
        term_start=period.start,
        term_end=period.end,
        school_urn=urn,
        school_name=name,
        provenance=prov,
        step_columns=tuple((m, title) for m, title, _ in DUE_STEPS),
        children=tuple(children),
        index_file=INDEX_NAME,
        csv_file=CSV_NAME,
    )
