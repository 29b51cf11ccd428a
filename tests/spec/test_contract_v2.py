"""Contract v2 (RULES.md "Changes to this contract") beyond the import file: `record`, dates at
the ends of the calendar in a store written by an earlier version, the due list and worklists
reading a booking, and a generated history with bookings ahead."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehcp_audit import clock
from ehcp_audit.application import NewEntry
from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.cli.main import _register, cli
from ehcp_audit.config import Settings
from ehcp_audit.domain.entry import Entry
from ehcp_audit.reports.worklist import due_soon_items, overdue_items
from ehcp_audit.samples import SampleConfig, write_sample
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.periods import TERMS
from tests.contract_helpers import pick, plan, row, triple, write_csv

_register()

TODAY = clock.today()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def export(db: Path, as_of: date, *extra: str) -> list[dict[str, str]]:
    out = Path(f"compliance-{len(list(Path().glob('compliance-*')))}.csv")
    code, output = run(
        db, "export", "compliance", "--as-of", as_of.isoformat(), "--out", str(out), *extra
    )
    assert code == 0, output
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def imported(db: Path, rows: list[dict[str, str]]) -> None:
    path = write_csv(Path(f"log-{len(list(Path().glob('log-*')))}.csv"), rows)
    code, output = run(db, "import", "actions", str(path))
    assert code == 0, output


# -- record -------------------------------------------------------------------------------


def test_record_books_ahead_and_reads_the_action_ignoring_case(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    imported(db, [plan("X", "2023-01-16", dob="2010-01-15")])
    booked = TODAY + timedelta(days=50)
    code, output = run(
        db, "record", " Review_Scheduled ", "--child", "X", "--on", YESTERDAY.isoformat(),
        "--set", f"meeting_on={booked.isoformat()}",
    )  # fmt: skip
    assert code == 0, output
    deadline = (booked - timedelta(days=28)).isoformat()
    assert triple(pick(export(db, TODAY), "X", None, "invitations_4_weeks"))[0] == deadline
    code, output = run(
        db, "void", "--child", "X", "--action", "REVIEW_SCHEDULED",
        "--occurred-on", YESTERDAY.isoformat(), "--reason", "booked on the wrong child",
    )  # fmt: skip
    assert code == 0, output


def test_record_refuses_a_placeholder_date(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    imported(db, [plan("X", "2023-01-16", dob="2010-01-15")])
    code, output = run(
        db, "record", "review_scheduled", "--child", "X", "--on", "2023-06-01",
        "--set", "meeting_on=0001-01-05",
    )  # fmt: skip
    assert code == 3
    assert "meeting_on" in output and "1900-01-01" in output


# -- a store written by an earlier version -------------------------------------------------


def _entry(action: str, on: date, seq: int, **details: str) -> NewEntry:
    entry = Entry("OLD", action, on, details, seq=seq, known_on=on)
    return NewEntry(entry, "earlier-version.csv", seq)


EARLIER_VERSION = [
    _entry("plan_issued", date(1, 1, 3), 1, date_of_birth="0001-01-01", school_urn="123456"),
    _entry("review_scheduled", date(1, 1, 4), 2, meeting_on="0001-01-05"),
    _entry("meeting_held", date(1, 1, 5), 3, attendees="parent_carer", topics="concerns"),
    _entry("decision_issued", date(1, 1, 6), 4, decision="amend"),
    _entry("amendments_proposed", date(1, 1, 7), 5),
    _entry("review_scheduled", date(1, 1, 8), 6, meeting_on="9999-12-31"),
]


def test_dates_at_the_ends_of_the_calendar_crash_nothing(tmp_path: Path) -> None:
    """Issue 16 item 3: entries an earlier version accepted (year 1) and bookings for 9999 are
    judged (deadlines held at the calendar's ends) and reported, never a traceback."""
    db = tmp_path / "s.sqlite"
    imported(
        db,
        [
            plan("NEW", "1900-01-01", dob="1900-01-01"),
            row("NEW", "review_scheduled", "1900-01-02", meeting_on="9999-12-30"),
        ],
    )
    app = open_app(Settings(db=str(db)))
    app.record({"OLD": EARLIER_VERSION}, {})
    assert run(db, "project")[0] == 0
    rows = export(db, TODAY)
    assert triple(pick(rows, "OLD", 1, "invitations_4_weeks")) == ("0001-01-01", "", "missed")
    assert triple(pick(rows, "OLD", 2, "invitations_4_weeks")) == ("9999-12-03", "", "pending")
    assert triple(pick(rows, "NEW", 1, "invitations_4_weeks")) == ("9999-12-02", "", "pending")
    assert triple(pick(rows, "NEW", 1, "review_on_time"))[0] == "1900-07-01"  # under 5: 6 months
    assert export(db, TODAY, "--as-known-on", TODAY.isoformat()) == rows
    month = f"{YESTERDAY:%Y-%m}"
    # --allow-empty: nothing is dated in these periods, and the pages must still be written.
    out = ["--out", "reports", "--allow-empty"]
    for command in (
        ["export", "kpis", "--period", month, "--as-of", TODAY.isoformat(), "--out", "k.csv"],
        ["export", "sen2", "--year", str(TODAY.year), "--out", "sen2.csv"],
        ["report", "monthly", "--month", month, *out],
        ["report", "due-list", "--term", "autumn", "--year", "2030", *out],
        ["report", "inspection", "--from", "2024-01", "--to", month, *out],
    ):
        code, output = run(db, *command)
        assert code == 0, (command, output)


# -- the read side uses the booking --------------------------------------------------------


def _term_of(day: date) -> str:
    return next(t for t, (start, end) in TERMS.items() if start <= (day.month, day.day) <= end)


def test_due_list_and_worklists_take_the_deadlines_from_the_booking(tmp_path: Path) -> None:
    """The review is due in 10 days but booked for 45 days ahead: the invitations are owed 28
    days before the booked meeting (pending), not 28 days before the due date (overdue)."""
    db = tmp_path / "s.sqlite"
    due = TODAY + timedelta(days=10 if (TODAY + timedelta(days=10)).day != 29 else 11)
    booked = TODAY + timedelta(days=45)
    imported(db, [plan("X", due.replace(year=due.year - 1).isoformat(), dob="2010-01-15")])
    booking = row("X", "review_scheduled", YESTERDAY.isoformat(), meeting_on=booked.isoformat())
    imported(db, [booking])
    owed = {
        "invitations_4_weeks": booked - timedelta(days=28),
        "invitations_2_weeks": booked - timedelta(days=14),
        "papers_circulated_2_weeks": booked - timedelta(days=14),
    }
    term = _term_of(due)
    code, output = run(
        db, "report", "due-list", "--term", term, "--year", str(due.year),
        "--as-of", TODAY.isoformat(), "--out", "reports",
    )  # fmt: skip
    assert code == 0, output
    with Path(f"reports/due-list-{due.year}-{term}/due-list.csv").open(encoding="utf-8") as f:
        (listed,) = list(csv.DictReader(f))
    assert listed["due_on"] == due.isoformat()
    for measure, deadline in owed.items():
        assert (listed[f"{measure}_deadline"], listed[f"{measure}_status"]) == (
            deadline.isoformat(),
            "pending",
        ), measure
    settings = Settings(db=str(db))
    with open_view(settings, open_app(settings)) as view:
        view.catch_up()
        con = compliance_connection(view.compliance(TODAY))
    try:
        assert overdue_items(con, TODAY, {}) == []
        soon = {i.measure: i.deadline for i in due_soon_items(con, TODAY, booked, {})}
    finally:
        con.close()
    assert {m: soon[m] for m in owed} == owed


# -- a generated history with bookings ahead -----------------------------------------------


def _day(text: str) -> date:
    if "/" in text:
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return date.fromisoformat(text)


def _open_bookings(path: Path) -> dict[str, date]:
    """Per child, the meeting_on of its latest booking when that is after every meeting held
    and the plan has not ceased (so the booking is the open cycle's R)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["action"] != "void"]
    booked: dict[str, tuple[date, date]] = {}
    held: dict[str, date] = {}
    ceased = {r["child_id"] for r in rows if r["action"] == "plan_ceased"}
    for r in rows:
        on = _day(r["occurred_on"])
        if r["action"] == "review_scheduled" and on >= booked.get(r["child_id"], (on, on))[0]:
            booked[r["child_id"]] = (on, _day(r["meeting_on"]))
        elif r["action"] == "meeting_held" and r["review_type"] != "interim":
            held[r["child_id"]] = max(on, held.get(r["child_id"], on))
    return {
        child: meeting_on
        for child, (on, meeting_on) in booked.items()
        if (child not in held or held[child] < on) and child not in ceased
    }


def test_two_year_history_with_bookings_ahead(tmp_path: Path) -> None:
    """Issue 17, done when: a two-year generated history with bookings ahead imports with no
    rejects, and its export equals a single-pass evaluation of every child (the --as-known-on
    path) and the rulebook's R for each open cycle booked ahead."""
    config = SampleConfig(children=150, schools=8, years=2, seed=17)
    log = tmp_path / "la.csv"
    write_sample(config, log)
    db = tmp_path / "s.sqlite"
    code, output = run(db, "import", "actions", str(log))
    assert code == 0 and " 0 rejected" in output, output
    rows = export(db, config.end)
    assert export(db, config.end, "--as-known-on", config.end.isoformat()) == rows
    open_bookings = _open_bookings(log)
    ahead = {c: m for c, m in open_bookings.items() if m > config.end}
    assert len(ahead) >= 10, ahead
    for child, meeting_on in open_bookings.items():
        (row_,) = [
            r
            for r in rows
            if r["child_id"] == child and r["measure"] == "invitations_4_weeks"
            and r["meeting_on"] == "" and r["deadline"]
        ]  # fmt: skip
        assert row_["deadline"] == (meeting_on - timedelta(days=28)).isoformat(), child
