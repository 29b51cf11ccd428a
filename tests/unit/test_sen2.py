"""Issue 8: the SEN2 extract. Small histories per rule (pure functions), then the command line."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from itertools import count
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ehcp_audit.cli.main import _register, cli
from ehcp_audit.domain.entry import Entry
from ehcp_audit.exports.sen2 import SHEETS
from ehcp_audit.rules.sen2.cease import cease_reason_code
from ehcp_audit.rules.sen2.census import (
    ActivePlan,
    CeasedPlan,
    Sen2Return,
    census_date,
    sen2_return,
)

CENSUS = date(2025, 1, 16)
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "sample_la.csv"
_seq = count(1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def e(action: str, on: str, child: str = "C1", **details: str) -> Entry:
    return Entry(child, action, d(on), dict(details), seq=next(_seq))


def plan(on: str, dob: str = "2012-05-10", urn: str = "123456", child: str = "C1") -> Entry:
    return e("plan_issued", on, child, date_of_birth=dob, school_urn=urn)


def meeting(on: str, review_type: str = "annual", child: str = "C1") -> Entry:
    return e("meeting_held", on, child, attendees="parent_carer", topics="concerns",
             review_type=review_type)  # fmt: skip


def decision(on: str, what: str = "maintain", child: str = "C1") -> Entry:
    return e("decision_issued", on, child, decision=what)


def void(on: str, action: str, action_on: str, child: str = "C1") -> Entry:
    return e("void", on, child, void_action=action, void_occurred_on=action_on, reason="error")


def run(*entries: Entry, census: date = CENSUS) -> Sen2Return:
    by_child: dict[str, list[Entry]] = {}
    for entry in entries:
        by_child.setdefault(entry.child_id, []).append(entry)
    return sen2_return(sorted(by_child.items()), census)


def active(*entries: Entry, census: date = CENSUS) -> ActivePlan:
    result = run(*entries, census=census)
    assert len(result.active) == 1 and not result.ceased, result
    return result.active[0]


def checks(*entries: Entry, census: date = CENSUS) -> dict[str, str]:
    return {c.check: c.found for c in run(*entries, census=census).checks}


def expect(record: ActivePlan, **items: object) -> None:
    """Every item of the record: the ones named, else blank (URN 123456, StartDate 2023-01-10)."""
    wanted: dict[str, object] = {
        "child_id": "C1",
        "urn": "123456",
        "start_date": d("2023-01-10"),
        "review_meeting": None,
        "review_outcome": "",
        "last_review": None,
        "review_draft": None,
        "phase_transfer_due": None,
        "phase_transfer_final": None,
    }
    wanted.update(
        {k: d(v) if isinstance(v, str) and v[:2] == "20" else v for k, v in items.items()}
    )
    got = {name: getattr(record, name) for name in wanted}
    assert got == wanted


# ------------------------------------------------------------------------------- census date


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, "2024-01-18"), (2025, "2025-01-16"), (2026, "2026-01-15"), (2027, "2027-01-21")],
)
def test_census_is_the_third_thursday_of_january(year: int, expected: str) -> None:
    assert census_date(year) == d(expected)
    assert census_date(year).weekday() == 3


# ---------------------------------------------------------------------------- active plans


def test_meeting_decision_and_draft_on_the_census_day_count() -> None:
    record = active(
        plan("2023-01-10"),
        meeting("2024-01-05"),
        decision("2024-01-30", "maintain"),
        meeting("2025-01-16"),
        decision("2025-01-16", "amend"),
        e("amendments_proposed", "2025-01-16"),
    )
    expect(
        record,
        review_meeting="2025-01-16",
        review_outcome="A",
        last_review="2025-01-16",
        review_draft="2025-01-16",
    )


def test_decision_after_the_census_leaves_outcome_blank_not_the_previous_one() -> None:
    # The outcome belongs to the latest meeting: last year's decision is not reported.
    entries = [
        plan("2023-01-10"),
        meeting("2024-01-08"),
        decision("2024-02-01", "maintain"),
        meeting("2025-01-06"),
        decision("2025-01-20", "amend"),
        e("amendments_proposed", "2025-01-21"),
    ]
    expect(active(*entries), review_meeting="2025-01-06")
    assert checks(*entries) == {}


def test_first_decision_after_the_meeting_counts_and_codes_map() -> None:
    for what, code in (("maintain", "M"), ("amend", "A"), ("cease", "C")):
        record = active(
            plan("2023-01-10"),
            meeting("2024-03-01"),
            decision("2024-03-20", what),
            decision("2024-04-02", "amend"),
        )
        expect(record, review_meeting="2024-03-01", review_outcome=code, last_review="2024-03-20")


def test_draft_is_the_first_amendments_after_the_meeting() -> None:
    record = active(
        plan("2023-01-10"),
        meeting("2023-12-01"),
        decision("2023-12-20", "amend"),
        e("amendments_proposed", "2023-12-21"),
        meeting("2024-11-04"),
        decision("2024-11-25", "amend"),
        e("amendments_proposed", "2024-11-28"),
        e("amendments_proposed", "2024-12-10"),
    )
    expect(
        record,
        review_meeting="2024-11-04",
        review_outcome="A",
        last_review="2024-11-25",
        review_draft="2024-11-28",
    )


def test_interim_meeting_is_not_a_review_meeting_and_closes_nothing() -> None:
    record = active(
        plan("2023-01-10"),
        meeting("2024-03-01"),
        decision("2024-03-20", "maintain"),
        meeting("2024-10-01", review_type="interim"),
        decision("2024-10-15", "amend"),
        e("amendments_proposed", "2024-10-16"),
    )
    # The decision after the interim meeting belongs to the annual cycle (RULES.md section 2):
    # the first decision after the annual meeting stays the outcome; the draft is that cycle's.
    expect(
        record,
        review_meeting="2024-03-01",
        review_outcome="M",
        last_review="2024-03-20",
        review_draft="2024-10-16",
    )


def test_interim_meeting_only_gives_a_blank_review_and_a_check() -> None:
    entries = [
        plan("2024-05-01"),
        meeting("2024-09-01", review_type="interim"),
        decision("2024-09-10", "maintain"),
    ]
    expect(active(*entries), start_date="2024-05-01")
    found = checks(*entries)
    assert set(found) == {"outcome_without_meeting"}
    assert "interim meeting (2024-09-01)" in found["outcome_without_meeting"]


def test_voided_meeting_is_never_held_even_when_voided_after_the_census() -> None:
    entries = [
        plan("2023-06-01"),
        meeting("2024-05-10"),
        decision("2024-05-20", "amend"),
        void("2025-03-01", "meeting_held", "2024-05-10"),
    ]
    expect(active(*entries), start_date="2023-06-01")
    found = checks(*entries)
    assert set(found) == {"outcome_without_meeting", "review_over_12_months"}
    assert "2024-05-20" in found["outcome_without_meeting"]
    assert "since the plan was issued on 2023-06-01" in found["review_over_12_months"]


def test_voided_latest_meeting_falls_back_to_the_one_before() -> None:
    entries = [
        plan("2023-01-10"),
        meeting("2023-05-01"),
        decision("2023-05-20", "maintain"),
        meeting("2024-05-01"),
        decision("2024-05-25", "amend"),
        void("2024-06-01", "meeting_held", "2024-05-01"),
    ]
    expect(
        active(*entries), review_meeting="2023-05-01", review_outcome="M", last_review="2023-05-20"
    )
    assert set(checks(*entries)) == {"review_over_12_months"}


def test_entries_after_the_census_are_ignored() -> None:
    record = active(
        plan("2023-01-10"),
        e("placement_changed", "2025-01-17", school_urn="654321"),
        meeting("2025-01-17"),
    )
    expect(record)


def test_placement_on_the_census_day() -> None:
    record = active(plan("2023-01-10"), e("placement_changed", "2025-01-16", school_urn="654321"))
    expect(record, urn="654321")


def test_placement_without_urn_is_a_check() -> None:
    entries = [plan("2024-06-10", urn="")]
    expect(active(*entries), urn="", start_date="2024-06-10")
    assert "no URN recorded" in checks(*entries)["placement_without_urn"]


def test_plan_issued_after_the_census_or_no_plan_is_not_in_the_return() -> None:
    result = run(plan("2025-01-17"), e("placement_changed", "2024-01-01", child="C2"))
    assert result.active == [] and result.ceased == [] and result.checks == []


# ----------------------------------------------------------------------------- ceased plans


@pytest.mark.parametrize(
    ("ceased_on", "part"),
    [
        ("2025-01-16", "active"),  # ceased on the census day: not ceased before it
        ("2025-02-01", "active"),  # after the census: unknown on the day
        ("2025-01-05", None),  # in the census year before the census: next year's return
        ("2024-12-31", "ceased"),
        ("2024-01-01", "ceased"),
        ("2023-12-31", None),
    ],
)
def test_which_part_a_ceased_plan_is_in(ceased_on: str, part: str | None) -> None:
    result = run(plan("2023-01-10"), e("plan_ceased", ceased_on, reason="deceased"))
    assert len(result.active) == (part == "active")
    assert len(result.ceased) == (part == "ceased")


def test_ceased_record_and_its_code() -> None:
    result = run(
        plan("2023-01-10"),
        meeting("2024-03-01"),
        decision("2024-03-10", "cease"),
        e("plan_ceased", "2024-07-01", reason="moved to another LA"),
    )
    assert result.ceased == [
        CeasedPlan("C1", d("2023-01-10"), d("2024-07-01"), "moved to another LA", 5)
    ]
    assert result.checks == []


def test_voided_cease_makes_the_plan_active_again() -> None:
    result = run(
        plan("2023-01-10"),
        e("plan_ceased", "2024-07-01", reason="deceased"),
        void("2024-08-01", "plan_ceased", "2024-07-01"),
    )
    assert [r.child_id for r in result.active] == ["C1"] and result.ceased == []


def test_unmapped_cease_reason_is_a_check() -> None:
    result = run(plan("2023-01-10"), e("plan_ceased", "2024-07-01", reason="moved away"))
    assert result.ceased[0].cease_reason is None
    assert [(c.part, c.check, c.item) for c in result.checks] == [
        ("ceased_plans", "cease_reason_unmapped", "CeaseReason")
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Reached maximum age", 1),
        ("education ended/ young person 25 or over", 1),
        ("reached the end of the academic year in which the young person turned 25", 1),
        ("needs met without EHCP", 2),
        ("needs met without an EHC plan", 2),
        ("entered higher education", 3),
        ("started paid employment", 4),
        ("left education/ employment", 4),
        ("moved to another LA", 5),
        ("Transferred to another local authority", 5),
        ("left education or training", 6),
        ("young person no longer wishes to engage", 6),
        ("moved abroad", 7),
        ("Moved to Scotland", 7),
        ("deceased", 8),
        ("transferred to adult services", 9),
        ("other", 9),
        ("started an apprenticeship", None),
        ("moved away", None),
        ("", None),
    ],
)
def test_cease_reason_mapping(text: str, code: int | None) -> None:
    assert cease_reason_code(text) == code


# -------------------------------------------------------------------------- phase transfers

# Born 5 Oct 2013: cohort 2014, Year 6 to 7 transfer deadline 15 Feb 2025.
Y6_DOB = "2013-10-05"


def test_phase_transfer_due_in_the_census_year_with_final_plan() -> None:
    entries = [
        plan("2022-03-01", dob=Y6_DOB),
        meeting("2024-10-01"),
        decision("2024-10-20", "amend"),
        e("amendments_proposed", "2024-10-21"),
        e("final_plan_issued", "2024-08-20"),  # the school year before: does not count
        e("final_plan_issued", "2024-12-02"),
    ]
    expect(
        active(*entries),
        start_date="2022-03-01",
        review_meeting="2024-10-01",
        review_outcome="A",
        last_review="2024-10-20",
        review_draft="2024-10-21",
        phase_transfer_due="2025-02-15",
        phase_transfer_final="2024-12-02",
    )
    assert checks(*entries) == {}


def test_phase_transfer_due_without_final_plan_is_a_check() -> None:
    entries = [
        plan("2022-03-01", dob=Y6_DOB),
        meeting("2024-10-01"),
        e("final_plan_issued", "2024-08-20"),
        e("final_plan_issued", "2025-01-20"),  # after the census
    ]
    expect(
        active(*entries),
        start_date="2022-03-01",
        review_meeting="2024-10-01",
        phase_transfer_due="2025-02-15",
    )
    assert set(checks(*entries)) == {"phase_transfer_no_final_plan"}


def test_year_11_and_reception_transfers_are_due_in_their_years() -> None:
    # Born 1 Mar 2009: cohort 2009, Year 11 deadline 31 Mar 2025. Born 1 Dec 2020: cohort 2021,
    # Reception deadline 15 Feb 2025.
    y11 = active(plan("2021-05-01", dob="2009-03-01"))
    assert y11.phase_transfer_due == d("2025-03-31")
    reception = active(plan("2023-05-01", dob="2020-12-01"))
    assert reception.phase_transfer_due == d("2025-02-15")
    assert active(plan("2023-05-01", dob="2012-05-10")).phase_transfer_due is None


def test_plan_issued_in_the_transfer_year_has_no_transfer() -> None:
    expect(active(plan("2024-10-01", dob=Y6_DOB)), start_date="2024-10-01")


# ----------------------------------------------------------------------------------- checks


def test_decision_dated_before_its_meeting() -> None:
    entries = [
        plan("2023-01-10"),
        meeting("2023-11-01"),
        decision("2023-11-20", "maintain"),
        decision("2024-10-28", "amend"),  # a second decision: probably the next meeting's
        meeting("2024-11-01"),
    ]
    expect(active(*entries), review_meeting="2024-11-01")
    found = checks(*entries)
    assert set(found) == {"decision_before_meeting"}
    assert "2024-10-28" in found["decision_before_meeting"]
    assert "2024-11-01" in found["decision_before_meeting"]


def test_decision_before_the_first_meeting() -> None:
    entries = [plan("2024-02-01"), decision("2024-09-01"), meeting("2024-09-05")]
    expect(active(*entries), start_date="2024-02-01", review_meeting="2024-09-05")
    assert set(checks(*entries)) == {"decision_before_meeting"}


def test_a_pending_decision_after_a_decided_cycle_is_not_a_check() -> None:
    entries = [
        plan("2023-01-10"),
        meeting("2023-11-01"),
        decision("2023-11-20"),
        meeting("2024-11-01"),
    ]
    assert checks(*entries) == {}


def test_review_over_12_months_before_the_census() -> None:
    stale = [plan("2023-01-10"), meeting("2024-01-15"), decision("2024-01-20")]
    assert "2024-01-15" in checks(*stale)["review_over_12_months"]
    exactly = [plan("2023-01-10"), meeting("2024-01-16"), decision("2024-01-20")]
    assert checks(*exactly) == {}
    # A later interim meeting is not a review.
    assert "review_over_12_months" in checks(*stale, meeting("2024-09-01", review_type="interim"))
    # A young plan with no meeting yet is fine.
    assert checks(plan("2024-02-01")) == {}


def test_records_and_checks_are_sorted_by_child() -> None:
    result = run(
        plan("2023-01-10", child="B", urn=""),
        plan("2023-01-10", child="A", urn=""),
        plan("2023-01-10", child="a"),
    )
    assert [r.child_id for r in result.active] == ["A", "B", "a"]
    assert [c.child_id for c in result.checks] == ["A", "A", "B", "B", "a"]


# ------------------------------------------------------------------------------ command line

_register()
COLUMNS = [
    "child_id", "action", "occurred_on", "date_of_birth", "school_urn", "attendees", "topics",
    "review_type", "decision", "reason", "void_action", "void_occurred_on",
]  # fmt: skip


def write_log(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def log_row(child: str, action: str, on: str, **extra: str) -> dict[str, str]:
    return {"child_id": child, "action": action, "occurred_on": on, **extra}


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.stderr
    return result.stderr


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    held = {"attendees": "parent_carer;child", "topics": "concerns"}
    rows = [
        log_row("K1", "plan_issued", "2022-03-01", date_of_birth=Y6_DOB, school_urn="111111"),
        log_row("K1", "meeting_held", "2024-10-01", **held),
        log_row("K1", "meeting_held", "2024-11-01", review_type="interim", **held),
        log_row("K1", "decision_issued", "2024-10-20", decision="amend"),
        log_row("K1", "amendments_proposed", "2024-10-21"),
        log_row("K2", "plan_issued", "2023-01-10", date_of_birth="2012-05-10", school_urn="222222"),
        log_row("K2", "meeting_held", "2025-01-16", **held),
        log_row("K2", "decision_issued", "2025-01-16", decision="maintain"),
        log_row("K3", "plan_issued", "2022-02-01", date_of_birth="2008-02-01", school_urn="333333"),
        log_row("K3", "plan_ceased", "2024-07-31", reason="left education or training"),
        log_row("K4", "plan_issued", "2022-02-01", date_of_birth="2008-02-01", school_urn="444444"),
        log_row("K4", "meeting_held", "2024-06-01", **held),
        log_row("K4", "decision_issued", "2024-06-10", decision="maintain"),
    ]  # fmt: skip
    # The meeting is voided later, in a second file, as a correction would be.
    voids = [
        log_row("K4", "void", "2024-12-01", void_action="meeting_held",
                void_occurred_on="2024-06-01", reason="wrong child"),
    ]  # fmt: skip
    db = tmp_path / "store.sqlite"
    invoke("--db", str(db), "import", "actions", str(write_log(tmp_path / "log.csv", rows)))
    invoke("--db", str(db), "import", "actions", str(write_log(tmp_path / "voids.csv", voids)))
    return db


def test_cli_csv_writes_three_files(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "sen2_2025.csv"
    message = invoke("--db", str(store), "export", "sen2", "--year", "2025", "--out", str(out))
    assert "census 2025-01-16" in message
    assert read(out) == [
        {"child_id": "K1", "URN": "111111", "StartDate": "2022-03-01",
         "ReviewMeeting": "2024-10-01", "ReviewOutcome": "A", "LastReview": "2024-10-20",
         "ReviewDraft": "2024-10-21", "PhaseTransferDueDate": "2025-02-15",
         "PhaseTransferFinalDate": ""},
        {"child_id": "K2", "URN": "222222", "StartDate": "2023-01-10",
         "ReviewMeeting": "2025-01-16", "ReviewOutcome": "M", "LastReview": "2025-01-16",
         "ReviewDraft": "", "PhaseTransferDueDate": "", "PhaseTransferFinalDate": ""},
        {"child_id": "K4", "URN": "444444", "StartDate": "2022-02-01",
         "ReviewMeeting": "", "ReviewOutcome": "", "LastReview": "", "ReviewDraft": "",
         "PhaseTransferDueDate": "", "PhaseTransferFinalDate": ""},
    ]  # fmt: skip
    assert read(out.with_name("sen2_2025_ceased.csv")) == [
        {"child_id": "K3", "StartDate": "2022-02-01", "CeaseDate": "2024-07-31",
         "CeaseReasonText": "left education or training", "CeaseReason": "6"},
    ]  # fmt: skip
    found = [(c["child_id"], c["check"]) for c in read(out.with_name("sen2_2025_checks.csv"))]
    assert found == [
        ("K1", "phase_transfer_no_final_plan"),
        ("K4", "outcome_without_meeting"),
        ("K4", "review_over_12_months"),
    ]


def test_cli_census_option(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "sen2.csv"
    args = ["--db", str(store), "export", "sen2", "--year", "2025", "--out", str(out)]
    invoke(*args, "--census", "2025-01-15")
    k2 = next(r for r in read(out) if r["child_id"] == "K2")
    assert k2["ReviewMeeting"] == "" and k2["ReviewOutcome"] == ""
    wrong_year = CliRunner().invoke(cli, [*args, "--census", "2024-01-18"])
    assert wrong_year.exit_code == 2 and "not in 2025" in wrong_year.stderr


def test_cli_xlsx_has_one_sheet_per_part_and_checks(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "sen2.xlsx"
    invoke("--db", str(store), "export", "sen2", "--year", "2025", "--format", "xlsx",
           "--out", str(out))  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["active_plans", "ceased_plans", "checks"]
    header = [c.value for c in book["active_plans"][1]]
    assert header[:3] == ["child_id", "URN", "StartDate"]
    assert book["active_plans"].max_row == 4 and book["ceased_plans"].max_row == 2
    assert book["checks"].max_row == 4
    assert not list(tmp_path.glob("sen2_*.xlsx"))


def latest_census_year(path: Path) -> int:
    """The latest year whose census day the sample's history reaches."""
    days = [
        d(r["occurred_on"])
        if "-" in r["occurred_on"]
        else d("-".join(r["occurred_on"].split("/")[::-1]))
        for r in read(path)
    ]
    last = max(days)
    return last.year if census_date(last.year) <= last else last.year - 1


@pytest.mark.skipif(
    not SAMPLE.exists(),
    reason=f"{SAMPLE.relative_to(ROOT)} is not committed yet (the sample generator writes it)",
)
def test_sample_authority_extract_has_every_part(tmp_path: Path) -> None:
    """(Its time on the sample is measured by benchmarks/run.py, not asserted here.)"""
    db = tmp_path / "sample.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "actions", str(SAMPLE)])
    assert result.exit_code == 0, result.stderr  # the committed sample has no bad rows
    invoke("--db", str(db), "project")
    year = str(latest_census_year(SAMPLE))
    out = tmp_path / "sen2.xlsx"
    invoke("--db", str(db), "export", "sen2", "--year", year, "--format", "xlsx",
           "--out", str(out))  # fmt: skip
    message = invoke("--db", str(db), "export", "sen2", "--year", year,
                     "--out", str(tmp_path / "s.csv"))  # fmt: skip
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["active_plans", "ceased_plans", "checks"]
    sheets = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    counts = re.search(r"(\d+) active plans, (\d+) ceased in \d+, (\d+) checks", message)
    assert counts, message
    active, ceased, found = (int(n) for n in counts.groups())
    assert active > 200 and ceased > 5 and found > 5  # every part has rows
    assert [len(sheets[n]) - 1 for n in SHEETS] == [active, ceased, found]
    assert isinstance(sheets["active_plans"][1][2], datetime)  # StartDate is a real date cell
    assert {row[0] for row in sheets["checks"][1:]} <= {
        row[0] for row in sheets["active_plans"][1:]
    } | {row[0] for row in sheets["ceased_plans"][1:]}
