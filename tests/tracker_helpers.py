"""The tracker tests' shared world: a small history of children as trackers and as an action
log, the test mapping and header, small trackers and a big XLSX one (used by the tracker,
tracker-order, hostile-output and parallel-import tests)."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.domain.vocabulary import COLUMNS, CORE_TOPICS
from ehcp_audit.ingest.tracker import import_tracker, load_mapping
from ehcp_audit.ingest.tracker.mapping import parse_mapping

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples" / "trackers"
TODAY = date(2026, 10, 31)

# ----------------------------------------------------------------------------- a small history

# Measures a tracker cannot carry: it has no invitees, plan-copy flag, attendees or topics
# (not_recorded makes those n/a), and no advice, reports or views (so no reports/views rows).
NOT_CARRIED = {
    "invitees_complete",
    "ehcp_copy_with_invitation",
    "essential_participation",
    "topics_covered",
    "reports_2_weeks",
    "views_2_weeks",
}


def d(text: str) -> date:
    return date.fromisoformat(text)


@dataclass
class Cycle:
    bookings: list[tuple[str, str]] = field(default_factory=list)  # (booked on, meeting on)
    invitations: str = ""
    papers: str = ""
    meeting: str = ""
    paperwork: str = ""
    decision_on: str = ""
    decision: str = ""
    amendments: str = ""
    final: str = ""

    def start(self) -> str:
        dates = [b for b, _ in self.bookings] + [self.invitations, self.meeting]
        return min(x for x in dates if x)


@dataclass
class Child:
    child_id: str
    dob: str
    plan_on: str
    urn: str
    cycles: list[Cycle]
    moves: list[tuple[str, str]] = field(default_factory=list)  # (from, urn)
    ceased: tuple[str, str] | None = None


HISTORY = [
    Child(
        "A",
        "2012-05-10",
        "2023-01-16",
        "123456",
        [
            Cycle(
                [("2023-11-20", "2024-01-10")],
                "2023-12-01",
                "2023-12-20",
                "2024-01-10",
                "2024-01-30",
                "2024-02-09",
                "amend",
                "2024-02-09",
                "2024-04-12",
            ),
            Cycle(
                [("2024-11-15", "2025-01-08")],
                "2024-11-20",
                "",
                "2025-01-08",
                "2025-01-15",
                "2025-01-30",
                "maintain",
            ),
            Cycle([("2025-10-01", "2025-12-10")], "2025-10-20", "2025-11-20", "2025-12-10"),
        ],
    ),
    Child(  # under 5: six-monthly cycles; the plan ceases
        "B",
        "2021-10-02",
        "2024-08-31",
        "100200",
        [
            Cycle(
                [("2025-01-06", "2025-02-20")],
                "2025-01-10",
                "2025-02-05",
                "2025-02-20",
                "2025-03-01",
                "2025-03-10",
                "amend",
                "2025-03-20",
                "2025-05-30",
            ),
            Cycle(
                [("2025-07-01", "2025-08-15")],
                "2025-07-05",
                "",
                "2025-08-15",
                "",
                "2025-09-01",
                "maintain",
            ),
            Cycle(
                [("2026-01-05", "2026-02-10")],
                "2026-01-08",
                "",
                "2026-02-10",
                "2026-02-20",
                "2026-03-01",
                "cease",
            ),
        ],
        ceased=("2026-04-01", "moved out of area"),
    ),
    Child(  # moves school; the second review is re-booked
        "C",
        "2014-03-10",
        "2023-06-01",
        "100200",
        [
            Cycle(
                [("2024-04-01", "2024-05-20")],
                "2024-04-10",
                "2024-05-01",
                "2024-05-20",
                "",
                "2024-06-10",
                "amend",
                "2024-06-10",
                "2024-07-29",
            ),
            Cycle(
                [("2025-03-01", "2025-04-10"), ("2025-04-20", "2025-05-22")],
                "2025-03-05",
                "",
                "2025-05-22",
                "2025-06-01",
                "2025-06-15",
                "maintain",
            ),
        ],
        moves=[("2024-11-04", "100300")],
    ),
    Child(  # a recent plan with its first review booked and invitations out
        "D",
        "2010-01-20",
        "2026-03-01",
        "100300",
        [Cycle([("2026-10-01", "2026-10-30")], "2026-10-02")],
    ),
]
CHILD_BY_ID = {c.child_id: c for c in HISTORY}


def log_row(child_id: str, action: str, day: str, **extra: str) -> dict[str, str]:
    return {"child_id": child_id, "action": action, "occurred_on": day, **extra}


def action_log(history: list[Child]) -> list[dict[str, str]]:
    """The history as a full action log: everything a tracker holds, and what it cannot."""
    everyone = "parent_carer;child;senco;caseworker;health;social_worker"
    rows = []
    for c in history:
        rows.append(
            log_row(c.child_id, "plan_issued", c.plan_on, date_of_birth=c.dob, school_urn=c.urn)
        )
        rows += [log_row(c.child_id, "placement_changed", on, school_urn=u) for on, u in c.moves]
        for cycle in c.cycles:
            for booked_on, meeting_on in cycle.bookings:
                rows.append(
                    log_row(c.child_id, "review_scheduled", booked_on, meeting_on=meeting_on)
                )
            if cycle.invitations:
                rows.append(
                    log_row(
                        c.child_id,
                        "invitations_sent",
                        cycle.invitations,
                        ehcp_copy_included="yes",
                        invitees=everyone,
                    )
                )
                for role in ("parent_carer", "child"):
                    rows.append(log_row(c.child_id, "views_received", cycle.invitations, role=role))
                rows.append(
                    log_row(c.child_id, "report_received", cycle.invitations, role="health")
                )
            if cycle.papers:
                rows.append(log_row(c.child_id, "papers_circulated", cycle.papers))
            if cycle.meeting:
                rows.append(
                    log_row(
                        c.child_id,
                        "meeting_held",
                        cycle.meeting,
                        attendees="parent_carer;child;senco",
                        topics=";".join(CORE_TOPICS),
                    )
                )
            for action, day in (
                ("paperwork_submitted", cycle.paperwork),
                ("amendments_proposed", cycle.amendments),
                ("final_plan_issued", cycle.final),
            ):
                if day:
                    rows.append(log_row(c.child_id, action, day))
            if cycle.decision_on:
                rows.append(
                    log_row(
                        c.child_id, "decision_issued", cycle.decision_on, decision=cycle.decision
                    )
                )
        if c.ceased:
            rows.append(log_row(c.child_id, "plan_ceased", c.ceased[0], reason=c.ceased[1]))
    return rows


def write_action_log(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def uk(text: str) -> str:
    return d(text).strftime("%d/%m/%Y") if text else ""


def tracker_row(child: Child, on: date) -> list[str] | None:
    """What the tracker shows for a child at the end of day `on`: the plan, the school, and
    the latest review cycle that has started (a date after `on` is not known yet)."""
    if d(child.plan_on) > on:
        return None

    def known(text: str) -> str:
        return uk(text) if text and d(text) <= on else ""

    urn, start = child.urn, ""
    for moved_on, new_urn in child.moves:
        if d(moved_on) <= on:
            urn, start = new_urn, moved_on
    started = [c for c in child.cycles if d(c.start()) <= on]
    cycle = started[-1] if started else Cycle()
    booked = [m for b, m in cycle.bookings if d(b) <= on]
    decision_on = known(cycle.decision_on)
    ceased = child.ceased if child.ceased and d(child.ceased[0]) <= on else None
    return [
        child.child_id,
        uk(child.dob),
        urn,
        f"School {urn}",
        uk(start),
        uk(child.plan_on),
        "",
        uk(booked[-1]) if booked else "TBC",
        known(cycle.invitations),
        known(cycle.papers),
        known(cycle.meeting),
        known(cycle.paperwork),
        decision_on,
        cycle.decision.capitalize() if decision_on else "",
        known(cycle.amendments),
        known(cycle.final),
        uk(ceased[0]) if ceased else "N/A",
        ceased[1] if ceased else "",
    ]


def write_tracker(path: Path, history: list[Child], on: date) -> None:
    rows = [r for r in (tracker_row(c, on) for c in history) if r is not None]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TRACKER_HEADER)
        writer.writerows(rows)


def month_ends(first: date, last: date) -> list[date]:
    ends = []
    year, month = first.year, first.month
    while True:
        following = date(year + month // 12, month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end > last:
            break
        ends.append(end)
        year, month = following.year, following.month
    if not ends or ends[-1] != last:
        ends.append(last)
    return ends


def store(tmp: Path, name: str) -> Settings:
    return Settings(db=str(tmp / f"{name}.sqlite"))


def compliance(settings: Settings, day: date = TODAY) -> pd.DataFrame:
    with open_view(settings) as view:
        view.catch_up()
        return view.compliance(day)


def monthly_imports(tmp: Path, settings: Settings) -> Path:
    """Import a month-end tracker snapshot for every month of the history; return the last."""
    app = open_app(settings)
    mapping = load_mapping(mapping_file(tmp))
    last = tmp
    for on in month_ends(date(2023, 1, 31), TODAY):
        last = tmp / f"tracker-{on:%Y-%m}.csv"
        write_tracker(last, HISTORY, on)
        result = import_tracker(app, last, mapping, today=on)
        assert not result.rejected, [c.fact.problem for c in result.rejected]
    return last


# ----------------------------------------------------------------------------- helpers


def run_cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    from ehcp_audit.cli.main import _register, cli

    _register()
    result = CliRunner().invoke(cli, ["--db", settings.db, *args])
    return result.exit_code, result.stdout, result.stderr


def tracker_entries(settings: Settings, child_id: str) -> list[tuple[str, str, str]]:
    """(action, occurred_on, details) of what the child's stream holds, in log order."""
    return [
        (
            e["action"],
            e["occurred_on"],
            ";".join(f"{k}={v}" for k, v in sorted(e["details"].items())),
        )
        for e in open_app(settings).timeline(child_id)
    ]


def small_import(
    tmp: Path, settings: Settings, rows: list[list[str]], name: str = "t.csv", today: date = TODAY
):
    path = tmp / name
    write_csv_rows(path, [SMALL_HEADER, *rows])
    mapping = parse_mapping(tomllib.loads(SMALL_MAPPING))
    return import_tracker(open_app(settings), path, mapping, today=today)


TRACKER_HEADER = [
    "Child ID",
    "DOB",
    "URN",
    "School",
    "Placement start",
    "EHCP issued",
    "Review due",
    "Meeting booked",
    "Invites sent",
    "Papers sent",
    "Meeting held",
    "Paperwork to LA",
    "Decision date",
    "Decision",
    "Draft amendments",
    "Final plan",
    "Ceased",
    "Ceased reason",
]
MAPPING = """
[tracker]
name = "test tracker"

[columns]
child_id = "Child ID"
date_of_birth = "DOB"
school_urn = "URN"
school_name = "School"
placement_from = "Placement start"
plan_issued = "EHCP issued"
review_due = "Review due"
meeting_booked = "Meeting booked"
invitations_sent = "Invites sent"
papers_circulated = "Papers sent"
meeting_held = "Meeting held"
paperwork_submitted = "Paperwork to LA"
decision_issued = "Decision date"
decision = "Decision"
amendments_proposed = "Draft amendments"
final_plan_issued = "Final plan"
plan_ceased = "Ceased"
ceased_reason = "Ceased reason"

[values.decision]
"Amend" = "amend"
"Maintain" = "maintain"
"Cease" = "cease"
"""


def mapping_file(tmp: Path, text: str = MAPPING) -> Path:
    path = tmp / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_big_xlsx(path: Path, rows: int) -> None:
    """A tracker of `rows` children in the test mapping's layout: real date cells, at
    every stage of a review (booked, invited, held, decided, amended)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Reviews")
    sheet.append(TRACKER_HEADER)
    base = datetime(2024, 1, 1)
    for i in range(rows):
        day = base + timedelta(days=i % 400)
        stage = i % 5
        meeting = day + timedelta(days=60)

        def when(
            offset: int, needed: int, start: datetime = day, stage: int = stage
        ) -> datetime | None:
            return start + timedelta(days=offset) if stage >= needed else None

        sheet.append(
            [
                f"BIG-{i:06d}",
                datetime(2010 + i % 10, 1 + i % 12, 1 + i % 28),
                str(100000 + i % 900),
                f"School {i % 900}",
                None,
                day - timedelta(days=300),
                day + timedelta(days=65),
                meeting,
                when(10, 1),
                when(40, 2),
                when(0, 2, meeting),
                when(10, 3, meeting),
                when(20, 3, meeting),
                ("Amend" if stage == 4 else "Maintain") if stage >= 3 else None,
                when(20, 4, meeting),
                when(70, 4, meeting),
                None,
                None,
            ]
        )
    book.save(path)
    _add_dimension(path, f"A1:R{rows + 1}")


def _add_dimension(path: Path, ref: str) -> None:
    """Excel records a sheet's used range; openpyxl's write-only mode does not, and without
    it a read-only reader parses the whole sheet once more just to find out its size."""
    import zipfile

    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts[member].decode("utf-8")
    parts[member] = xml.replace("<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>', 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def write_csv_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


SMALL_MAPPING = """
[columns]
child_id = "Child ID"
date_of_birth = "DOB"
school_urn = "URN"
plan_issued = "EHCP issued"
meeting_booked = "Meeting booked"
invitations_sent = "Invites sent"
meeting_held = "Meeting held"
decision_issued = "Decision date"
decision = "Decision"

[values.decision]
"Amend" = "amend"
"No change" = "maintain"
"""
SMALL_HEADER = [
    "Child ID",
    "DOB",
    "URN",
    "EHCP issued",
    "Meeting booked",
    "Invites sent",
    "Meeting held",
    "Decision date",
    "Decision",
]


def openpyxl_values(path: Path) -> dict[str, list[list[object]]]:
    """What openpyxl's read-only mode gives, trailing empty cells dropped."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [trimmed(r) for r in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def trimmed(values: object) -> list[object]:
    out = list(values)  # type: ignore[call-overload]
    while out and out[-1] is None:
        out.pop()
    return out
