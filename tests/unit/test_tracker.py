"""Issue 6: importing review-tracker spreadsheets (docs/tracker.md)."""

from __future__ import annotations

import csv
import tomllib
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.ingest.tracker import import_tracker, load_mapping
from ehcp_audit.ingest.tracker.cells import column_letter, read_date
from ehcp_audit.ingest.tracker.mapping import parse_mapping
from ehcp_audit.samples import SampleConfig, SampleGenerator, write_sample
from ehcp_audit.samples import tracker as sample_tracker
from tests.tracker_helpers import (
    HISTORY,
    NOT_CARRIED,
    ROOT,
    SAMPLES,
    SMALL_HEADER,
    SMALL_MAPPING,
    TODAY,
    TRACKER_HEADER,
    Child,
    action_log,
    compliance,
    log_row,
    mapping_file,
    month_ends,
    monthly_imports,
    openpyxl_values,
    run_cli,
    small_import,
    store,
    tracker_entries,
    tracker_row,
    trimmed,
    write_action_log,
    write_big_xlsx,
    write_csv_rows,
    write_tracker,
)

# ----------------------------------------------------------------------------- reading cells


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 1, 10),
        date(2024, 1, 10),
        45301,
        45301.0,
        "45301",
        "10/01/2024",
        "10/1/24",
        "10-01-2024",
        "10.01.2024",
        "2024-01-10",
        "2024-01-10 00:00:00",
        "2024-01-10T00:00:00",
        "10 Jan 2024",
        "10-Jan-24",
        "10th January 2024",
        " 10/01/2024 ",
    ],
)
def test_a_date_is_read_in_every_style_a_spreadsheet_holds(value: object) -> None:
    assert read_date(value, day_first=True, today=TODAY) == date(2024, 1, 10)


def test_month_first_dates_when_the_mapping_says_so() -> None:
    assert read_date("01/10/2024", day_first=False, today=TODAY) == date(2024, 1, 10)


@pytest.mark.parametrize("value", ["31/02/2024", "soon", "2024", "13/13/2024", -5])
def test_what_is_not_a_date_says_so(value: object) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        read_date(value, day_first=True, today=TODAY)


def test_column_letters_are_excels() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_headers_match_ignoring_case_and_spaces_and_blank_markers_are_blank(tmp_path) -> None:
    settings = store(tmp_path, "s")
    header = [
        " CHILD  id",
        "d o b",
        "urn",
        "EHCP\nIssued",
        "MEETING BOOKED",
        "Invites sent",
        "meeting held",
        "Decision Date",
        "decision",
    ]
    rows = [
        ["K1", "10/05/2012", "123456", "16/01/2023", "TBC", "N/A", "-", "n/a", "  "],
        ["K2", "10/05/2012", "123456", "16/01/2023", "awaiting", "tba", "", "", ""],
    ]
    path = tmp_path / "t.csv"
    write_csv_rows(path, [header, *rows])
    mapping = parse_mapping(
        {**tomllib.loads(SMALL_MAPPING), "tracker": {"blank_values": ["Awaiting"]}}
    )
    result = import_tracker(open_app(settings), path, mapping, today=TODAY)
    assert not result.rejected, [c.fact.problem for c in result.rejected]
    assert [a for a, _, _ in tracker_entries(settings, "K1")] == ["plan_issued"]
    assert [a for a, _, _ in tracker_entries(settings, "K2")] == ["plan_issued"]


def test_a_merged_two_row_header_below_a_title_is_found(tmp_path) -> None:
    """The hand-kept sample: a title line, group labels merged over sub-labels, ambiguous
    sub-labels ("Date" under both Decision and Ceased) told apart by their group."""
    settings = store(tmp_path, "s")
    code, _, err = run_cli(
        settings,
        "import",
        "tracker",
        str(SAMPLES / "hand_kept_tracker.xlsx"),
        "--mapping",
        str(SAMPLES / "hand_kept.toml"),
    )
    assert code == 0, err
    entries = tracker_entries(settings, "HK/0013")
    assert ("decision_issued", "2026-03-01", "decision=cease") in entries
    assert ("plan_ceased", "2026-04-01", "reason=Moved out of area") in entries
    # An Excel serial number (46030) and a "10 Feb 2026" text date:
    assert ("review_scheduled", "2026-01-08", "meeting_on=2026-02-10") in entries
    assert [a for a, _, _ in tracker_entries(settings, "HK/0015")] == ["plan_issued"]


def test_the_header_row_can_be_given_and_the_header_rows_found_automatically(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["Exported 2026-10-31 by the case system"])
    sheet.append([])
    sheet.append(["Case", "", "", "Review"])
    sheet.merge_cells("D3:E3")
    sheet.append(["Child ID", "DOB", "URN", "Date", "Outcome"])
    sheet.append(["X1", datetime(2012, 5, 10), 123456, datetime(2024, 1, 10), None])
    path = tmp_path / "t.xlsx"
    book.save(path)
    text = """
[tracker]
header_row = 4
[columns]
child_id = "Child ID"
date_of_birth = "DOB"
school_urn = "URN"
plan_issued = "Review / Date"
"""
    settings = store(tmp_path, "s")
    result = import_tracker(
        open_app(settings), path, parse_mapping(tomllib.loads(text)), today=TODAY
    )
    assert not result.rejected
    assert tracker_entries(settings, "X1")[0][:2] == ("plan_issued", "2024-01-10")


def _every_kind_of_cell(path: Path, date1904: bool) -> Path:
    from openpyxl import Workbook

    book = Workbook()  # not write-only: shared strings, styles, sparse rows
    book.epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    first = book.active
    first.title = "Notes"
    first["B3"] = "read me"
    sheet = book.create_sheet("Reviews")
    sheet.append(["Child ID", "Meeting held", "Count", "Ratio", "Flag", "Note"])
    sheet.append(["A1", datetime(2024, 1, 10), 3, 0.25, True, "TBC"])
    sheet.append(["A2", "10/01/2024", 45301, 1.5e-7, False, "#N/A"])
    sheet["A5"] = "A3"  # row 4 left empty
    sheet["D5"] = datetime(2025, 3, 1, 14, 30)
    sheet["F5"] = "Ünïcödé & <markup>"
    sheet["C6"] = 45301
    sheet["C6"].number_format = "dd/mm/yyyy"  # a number shown as a date
    sheet["Z7"] = "far right"
    sheet.merge_cells("A8:C8")
    sheet["A8"] = "merged"
    book.save(path)
    return path


@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_the_xlsx_reader_gives_openpyxls_values(tmp_path, date1904: bool) -> None:
    from ehcp_audit.ingest.tracker.xlsx import Workbook

    for path in (
        ROOT / "data" / "samples" / "trackers" / "hand_kept_tracker.xlsx",
        _every_kind_of_cell(tmp_path / "kinds.xlsx", date1904),
    ):
        book = Workbook(str(path))
        try:
            ours = {name: [trimmed(r) for r in book.rows(name)] for name in book.sheets}
        finally:
            book.close()
        assert ours == openpyxl_values(path), path.name
    # 45301 formatted as a date: 10 January 2024 in the 1900 date system, 4 years and a
    # day later in the 1904 one (Excel for Mac's old default).
    assert ours["Reviews"][5][2] == (datetime(2028, 1, 11) if date1904 else datetime(2024, 1, 10))


def test_a_windows_csv_with_semicolons_and_one_row_per_review(tmp_path) -> None:
    settings = store(tmp_path, "s")
    code, _, err = run_cli(
        settings,
        "import",
        "tracker",
        str(SAMPLES / "one_row_per_review.csv"),
        "--mapping",
        str(SAMPLES / "one_row_per_review.toml"),
    )
    assert code == 0, err
    entries = tracker_entries(settings, "CP-100231")
    meetings = [e for e in entries if e[0] == "meeting_held"]
    assert [m[1] for m in meetings] == ["2024-01-10", "2025-01-08"]
    assert "attendees=caseworker;child_in_writing;parent_carer;senco" in meetings[0][2]
    assert not any(e[0] == "void" for e in entries)


@pytest.mark.parametrize(
    ("tracker", "mapping"),
    [
        ("capita_one_export.csv", "capita_one.toml"),
        ("hand_kept_tracker.xlsx", "hand_kept.toml"),
        ("one_row_per_review.csv", "one_row_per_review.toml"),
    ],
)
def test_the_sample_trackers_import_cleanly_and_a_second_import_adds_nothing(
    tmp_path, tracker: str, mapping: str
) -> None:
    settings = store(tmp_path, "s")
    args = ("import", "tracker", str(SAMPLES / tracker), "--mapping", str(SAMPLES / mapping))
    code, _, err = run_cli(settings, *args)
    assert code == 0, err
    assert "0 rejected" in err
    code, _, err = run_cli(settings, *args)
    assert code == 0, err
    assert "recorded 0 entries and 0 voids" in err


# ----------------------------------------------------------------------------- unusable files


@pytest.mark.parametrize(
    ("header", "mapping_text", "message"),
    [
        (["Child ID", "DOB"], SMALL_MAPPING, "mapped column(s) not found"),
        (["Pupil", "DOB"], SMALL_MAPPING, "no header found"),
        (SMALL_HEADER, "[columns]\nchild = 'Child ID'\n", "unknown column key"),
        (
            SMALL_HEADER,
            "[columns]\nchild_id = 'Child ID'\nplan_issued = 'EHCP issued'\n",
            "columns.plan_issued needs",
        ),
        (SMALL_HEADER, "[columns\n", "not a valid TOML mapping"),
    ],
)
def test_an_unusable_tracker_or_mapping_exits_2(
    tmp_path, header: list[str], mapping_text: str, message: str
) -> None:
    path = tmp_path / "t.csv"
    write_csv_rows(path, [header, ["A"] * len(header)])
    code, _, err = run_cli(
        store(tmp_path, "s"),
        "import",
        "tracker",
        str(path),
        "--mapping",
        str(mapping_file(tmp_path, mapping_text)),
    )
    assert code == 2
    assert message in err


def test_an_unknown_sheet_exits_2(tmp_path) -> None:
    code, _, err = run_cli(
        store(tmp_path, "s"),
        "import",
        "tracker",
        str(SAMPLES / "hand_kept_tracker.xlsx"),
        "--mapping",
        str(SAMPLES / "hand_kept.toml"),
        "--sheet",
        "Nope",
    )
    assert code == 2
    assert "no sheet 'Nope'" in err and "Reviews" in err


# ----------------------------------------------------------------------------- rejections


def test_rejected_cells_are_reported_by_tracker_row_and_cell(tmp_path) -> None:
    settings = store(tmp_path, "s")
    rows = [
        ["R1", "10/05/2012", "123456", "16/01/2023", "", "", "31/02/2024", "", ""],
        ["R2", "10/05/2012", "123456", "16/01/2023", "", "", "", "09/02/2024", "No change"],
        ["R3", "10/05/2012", "123456", "16/01/2023", "", "", "10/01/2024", "09/02/2024", "Maybe"],
        ["R4", "10/05/2012", "12345", "16/01/2023", "", "", "", "", ""],
        ["bad id!", "10/05/2012", "123456", "16/01/2023", "", "", "", "", ""],
        ["R5", "10/05/2012", "123456", "16/01/2023", "", "", "01/01/2027", "", ""],
    ]
    path = tmp_path / "t.csv"
    write_csv_rows(path, [SMALL_HEADER, *rows])
    rejects = tmp_path / "rejects.csv"
    code, _, err = run_cli(
        settings,
        "import",
        "tracker",
        str(path),
        "--mapping",
        str(mapping_file(tmp_path, SMALL_MAPPING)),
        "--rejects",
        str(rejects),
    )
    assert code == 3
    assert "row 2 G2 (Meeting held): '31/02/2024' is not a date" in err
    with rejects.open(encoding="utf-8") as handle:
        found = {(r["row"], r["cell"]): r["error"] for r in csv.DictReader(handle)}
    assert set(found) == {
        ("2", "G2 (Meeting held)"),
        ("3", "H3 (Decision date)"),
        ("4", "I4 (Decision)"),
        ("5", "C5 (URN)"),
        ("6", "A6 (Child ID)"),
        ("7", "G7 (Meeting held)"),
    }
    assert "is not a date" in found[("2", "G2 (Meeting held)")]
    assert "no meeting_held on or before" in found[("3", "H3 (Decision date)")]
    assert "unknown decision 'Maybe'" in found[("4", "I4 (Decision)")]
    assert "after the day of import" in found[("7", "G7 (Meeting held)")]
    # The rest of each row is recorded.
    assert [a for a, _, _ in tracker_entries(settings, "R3")] == ["plan_issued", "meeting_held"]
    # The import log names the tracker row and cell too.
    with open_view(settings) as view:
        view.catch_up()
        errors = [r[0] for r in view.con.execute("SELECT error FROM rejected_rows").fetchall()]
    assert any("tracker row 4, cell I4 (Decision)" in e for e in errors)


def test_a_meeting_booked_for_a_later_day_is_recorded_at_once(tmp_path) -> None:
    """Contract v2: booking ahead is the normal case; the booking is recorded by the import
    that first shows it, dated as it is today, with the booked day as `meeting_on`."""
    settings = store(tmp_path, "s")
    row = ["W1", "10/05/2012", "123456", "16/01/2023", "20/11/2026", "", "", "", ""]
    result = small_import(tmp_path, settings, [row], today=TODAY)
    assert not result.rejected, [c.fact.problem for c in result.rejected]
    assert "later" not in result.summary()
    assert tracker_entries(settings, "W1")[1:] == [
        ("review_scheduled", "2026-10-31", "meeting_on=2026-11-20")
    ]
    again = small_import(tmp_path, settings, [row], today=date(2026, 11, 20))
    assert again.imported is not None and again.imported.imported == 0
    # The booking, not the due date, sets the deadlines of the open review.
    exported = compliance(settings).set_index(["child_id", "measure"])
    deadline = exported.loc[("W1", "papers_circulated_2_weeks"), "deadline"]
    assert str(deadline).startswith("2026-11-06")
    assert exported.loc[("W1", "papers_circulated_2_weeks"), "status"] == "pending"


# ----------------------------------------------------------------------------- equivalence


def test_monthly_trackers_of_a_history_export_as_its_action_log_does_but_for_what_they_lack(
    tmp_path,
) -> None:
    """The same history, written once as a full action log and once as a tracker snapshot
    at every month end (each import recording what changed), gives the same compliance
    export, except the six measures a tracker cannot carry: there the tracker's rows are
    n/a (not_recorded invitees, plan copy, attendees, topics; no reports or views)."""
    by_log = store(tmp_path, "log")
    write_action_log(tmp_path / "log.csv", action_log(HISTORY))
    result = import_actions(open_app(by_log), tmp_path / "log.csv", today=TODAY)
    assert result.rejected == 0, [r.error for r in result.rejections]
    by_tracker = store(tmp_path, "tracker")
    monthly_imports(tmp_path, by_tracker)

    log, tracker = compliance(by_log), compliance(by_tracker)
    carried = ~log["measure"].isin(NOT_CARRIED)
    pd.testing.assert_frame_equal(
        log[carried].reset_index(drop=True),
        tracker[~tracker["measure"].isin(NOT_CARRIED)].reset_index(drop=True),
    )
    key = ["child_id", "cycle", "measure"]
    both = log.merge(tracker, on=key, suffixes=("_log", "_tracker"))
    assert len(both) == len(log) == len(tracker)
    differ = both[both["status_log"] != both["status_tracker"]]
    assert set(differ["measure"]) == NOT_CARRIED
    # Where they differ, the tracker's row is n/a (the log's is met or missed); a row not
    # judged yet (an open cycle's meeting) is pending in both.
    assert set(differ["status_tracker"]) == {"n/a"}
    assert set(differ["status_log"]) <= {"met", "missed"}


def _generated_equivalence(
    tmp: Path, config: SampleConfig, same_as: Path | None
) -> tuple[int, int]:
    """Import a generated authority as its action log and as monthly trackers; return
    (children, children whose trackers lost a step)."""
    end = config.end
    write_sample(config, tmp / "log.csv", today=end)
    if same_as is not None:
        assert (tmp / "log.csv").read_bytes() == same_as.read_bytes()
    by_log = store(tmp, "log")
    result = import_actions(open_app(by_log), tmp / "log.csv", today=end)
    assert result.rejected == 0
    histories = list(SampleGenerator(config, today=end).histories())
    sample_tracker.write_mapping(tmp / "generated.toml")
    mapping = load_mapping(tmp / "generated.toml")
    by_tracker = store(tmp, "tracker")
    app = open_app(by_tracker)
    days = month_ends(date.fromordinal(min(h.plan_on for h in histories)), end)
    for day in days:
        path = tmp / f"tracker-{day:%Y-%m}.csv"
        sample_tracker.write_tracker(histories, path, day)
        imported = import_tracker(app, path, mapping, today=day)
        assert not imported.rejected, [c.fact.problem for c in imported.rejected]

    lost = {h.child_id for h in histories if sample_tracker.unshown(h, days)}
    log, tracker = compliance(by_log, end), compliance(by_tracker, end)
    # A review whose meeting no month's row showed (the row moved on to the next booking first)
    # is missing from the trackers whole: only a child that lost a step may have fewer rows.
    rows = log.groupby("child_id").size().sub(tracker.groupby("child_id").size(), fill_value=0)
    assert set(rows[rows != 0].index) <= lost, rows[rows != 0]

    def comparable(frame: pd.DataFrame) -> pd.DataFrame:
        keep = ~frame["measure"].isin(NOT_CARRIED) & ~frame["child_id"].isin(lost)
        return frame[keep].reset_index(drop=True)

    pd.testing.assert_frame_equal(comparable(log), comparable(tracker))
    return len(histories), len(lost)


@pytest.mark.parametrize(
    ("size", "committed"),
    [
        pytest.param((60, 4, 2, 7), None, id="small"),
        pytest.param(
            (300, 12, 3, 2026),
            ROOT / "data" / "samples" / "sample_la.csv",
            id="committed-sample",
            marks=pytest.mark.slow,
        ),
    ],
)
def test_a_generated_authority_tracked_monthly_exports_as_its_action_log(
    tmp_path, size: tuple[int, int, int, int], committed: Path | None
) -> None:
    """The issue's check on a generated authority (`small`; `committed-sample` is the
    history of data/samples/sample_la.csv): monthly tracker snapshots written from the same
    histories export as the action log does, but for the six measures a tracker cannot
    carry, for every child whose steps all appeared in some month's row. Monthly rows
    lose a step that happened after the row moved on to the next review (or before the
    review it belongs to ended): those few children are left out, and counted."""
    config = SampleConfig(*size, end=date(2026, 10, 31))
    if committed is not None and not committed.exists():
        pytest.skip(f"{committed} is not there")
    children, lost = _generated_equivalence(tmp_path, config, committed)
    print(f"\n{children} children; {lost} lost a step between monthly trackers")
    assert lost <= children // 5  # most children's histories fit in monthly rows


# ----------------------------------------------------------------------------- re-imports


def _edit(rows: list[list[str]], child: str, column: str, value: str) -> None:
    index = TRACKER_HEADER.index(column)
    row = next(r for r in rows if r[0] == child)
    assert row[index], f"{child} has no {column} to edit"
    row[index] = value


def final_snapshot() -> list[list[str]]:
    return [r for r in (tracker_row(c, TODAY) for c in HISTORY) if r is not None]


def test_edited_dates_and_a_decision_become_voids_and_new_entries(tmp_path) -> None:
    settings = store(tmp_path, "s")
    app = open_app(settings)
    mapping = load_mapping(mapping_file(tmp_path))
    first = tmp_path / "tracker-october.csv"
    rows = final_snapshot()
    write_csv_rows(first, [TRACKER_HEADER, *rows])
    assert not import_tracker(app, first, mapping, today=TODAY).rejected
    before = {c.child_id: tracker_entries(settings, c.child_id) for c in HISTORY}

    _edit(rows, "A", "Invites sent", "17/10/2025")
    _edit(rows, "B", "Paperwork to LA", "21/02/2026")
    _edit(rows, "C", "Meeting held", "23/05/2025")  # a correction: the decision follows it
    _edit(rows, "C", "Decision", "Amend")
    edited = tmp_path / "tracker-edited.csv"
    write_csv_rows(edited, [TRACKER_HEADER, *rows])
    result = import_tracker(app, edited, mapping, today=TODAY)
    assert not result.rejected
    assert result.imported is not None and result.imported.imported == 8

    reason = "reason=changed in tracker tracker-edited.csv on 2026-10-31"

    def void(action: str, day: str) -> tuple[str, str, str]:
        return ("void", "2026-10-31", f"{reason};void_action={action};void_occurred_on={day}")

    added = {c: tracker_entries(settings, c)[len(before[c]) :] for c in before}
    assert added == {
        "A": [
            void("invitations_sent", "2025-10-20"),
            ("invitations_sent", "2025-10-17", "ehcp_copy_included=not_recorded"),
        ],
        "B": [
            void("paperwork_submitted", "2026-02-20"),
            ("paperwork_submitted", "2026-02-21", ""),
        ],
        "C": [
            void("meeting_held", "2025-05-22"),
            ("meeting_held", "2025-05-23", "review_type=annual"),
            void("decision_issued", "2025-06-15"),
            ("decision_issued", "2025-06-15", "decision=amend"),
        ],
        "D": [],
    }
    exported = compliance(settings)
    held = exported[
        (exported["child_id"] == "C") & (exported["meeting_on"].astype(str) == "2025-05-23")
    ]
    assert held.set_index("measure").loc["amendments_4_weeks", "status"] == "overdue"

    again = import_tracker(app, edited, mapping, today=TODAY)
    assert not again.rejected
    assert again.imported is not None and again.imported.imported == 0
    assert again.plan is not None and again.plan.unchanged > 0
    assert {c: tracker_entries(settings, c) for c in before} == {
        c: before[c] + added[c] for c in before
    }


def test_a_dry_run_prints_what_would_change_per_child_and_writes_nothing(tmp_path) -> None:
    settings = store(tmp_path, "s")
    mapping = mapping_file(tmp_path)
    rows = final_snapshot()
    first = tmp_path / "first.csv"
    write_csv_rows(first, [TRACKER_HEADER, *rows])
    code, _, err = run_cli(settings, "import", "tracker", str(first), "--mapping", str(mapping))
    assert code == 0, err
    position = open_app(settings).log_position()
    _edit(rows, "A", "Invites sent", "17/10/2025")  # an earlier date
    _edit(rows, "B", "Paperwork to LA", "21/02/2026")  # a later one
    edited = tmp_path / "edited.csv"
    write_csv_rows(edited, [TRACKER_HEADER, *rows])
    code, out, err = run_cli(
        settings, "import", "tracker", str(edited), "--mapping", str(mapping), "--dry-run"
    )
    assert code == 0, err
    lines = out.splitlines()
    # Each void just before the entry that replaces it, whichever date is earlier.
    assert [line.split()[:3] for line in lines] == [
        ["A"],
        ["void", "invitations_sent", "2025-10-20"],
        ["record", "invitations_sent", "2025-10-17"],
        ["B"],
        ["void", "paperwork_submitted", "2026-02-20"],
        ["record", "paperwork_submitted", "2026-02-21"],
    ]
    assert "would record 2 entries and 2 voids" in err
    assert open_app(settings).log_position() == position


def test_entries_recorded_another_way_are_never_voided_by_a_tracker(tmp_path) -> None:
    settings = store(tmp_path, "s")
    log = [
        log_row("E", "plan_issued", "2023-01-16", date_of_birth="2012-05-10", school_urn="123456"),
        log_row("E", "invitations_sent", "2023-12-01", ehcp_copy_included="yes"),
        log_row("E", "meeting_held", "2024-01-10", attendees="parent_carer", topics="concerns"),
    ]
    write_action_log(tmp_path / "log.csv", log)
    import_actions(open_app(settings), tmp_path / "log.csv", today=TODAY)
    before = tracker_entries(settings, "E")
    same = ["E", "10/05/2012", "123456", "16/01/2023", "", "01/12/2023", "10/01/2024", "", ""]
    result = small_import(tmp_path, settings, [same])
    assert not result.rejected and result.imported is not None
    assert result.imported.imported == 0  # the attendee-less meeting is the one recorded
    other = ["E", "10/05/2012", "123456", "16/01/2023", "", "03/12/2023", "12/01/2024", "", ""]
    result = small_import(tmp_path, settings, [other], name="u.csv")
    after = tracker_entries(settings, "E")
    assert not any(a == "void" for a, _, _ in after)
    assert after[: len(before)] == before
    # A second invitation date is a new fact; a second date for the same meeting is refused.
    assert after[len(before) :] == [
        ("invitations_sent", "2023-12-03", "ehcp_copy_included=not_recorded")
    ]
    [rejected] = result.rejected
    assert "recorded another way" in rejected.fact.problem
    assert rejected.fact.problem_cell is not None and rejected.fact.problem_cell.ref == "G2"


def test_a_later_meeting_is_a_new_cycle_and_a_nearby_one_a_correction(tmp_path) -> None:
    settings = store(tmp_path, "s")
    base = ["N", "10/05/2012", "123456", "16/01/2023"]
    small_import(
        tmp_path, settings, [[*base, "", "01/12/2023", "10/01/2024", "09/02/2024", "Amend"]]
    )
    # The row moves on: a meeting a year later, the decision not made yet: a new cycle.
    small_import(tmp_path, settings, [[*base, "", "20/11/2024", "08/01/2025", "", ""]], "2.csv")
    # The new meeting's date corrected two days later: a correction.
    small_import(tmp_path, settings, [[*base, "", "20/11/2024", "10/01/2025", "", ""]], "3.csv")
    # A month later, after the earlier meeting's decision (12/01): the next (early) review.
    small_import(
        tmp_path,
        settings,
        [[*base, "", "20/11/2024", "10/01/2025", "12/01/2025", "No change"]],
        "4.csv",
    )
    small_import(tmp_path, settings, [[*base, "", "", "10/02/2025", "", ""]], "5.csv")
    meetings = open_app(settings).entries("N")
    from ehcp_audit.rules.effective import apply_voids

    held = [e.occurred_on.isoformat() for e in apply_voids(meetings) if e.action == "meeting_held"]
    assert held == ["2024-01-10", "2025-01-10", "2025-02-10"]
    voids = [e for e in meetings if e.action == "void"]
    assert [(v.get("void_action"), v.get("void_occurred_on")) for v in voids] == [
        ("meeting_held", "2025-01-08")
    ]


def test_a_date_changed_back_to_a_voided_one_is_refused_not_lost(tmp_path) -> None:
    settings = store(tmp_path, "s")
    base = ["V", "10/05/2012", "123456", "16/01/2023", "", ""]
    small_import(tmp_path, settings, [[*base, "10/01/2024", "", ""]])
    small_import(tmp_path, settings, [[*base, "11/01/2024", "", ""]], "2.csv")
    result = small_import(tmp_path, settings, [[*base, "10/01/2024", "", ""]], "3.csv")
    [rejected] = result.rejected
    assert "recorded before and later voided" in rejected.fact.problem
    from ehcp_audit.rules.effective import apply_voids

    held = [e for e in apply_voids(open_app(settings).entries("V")) if e.action == "meeting_held"]
    assert [e.occurred_on.isoformat() for e in held] == ["2024-01-11"]


def test_a_new_school_is_a_move_dated_by_the_start_column_or_the_import(tmp_path) -> None:
    settings = store(tmp_path, "s")
    app = open_app(settings)
    mapping = load_mapping(mapping_file(tmp_path))
    child = Child("M", "2014-03-10", "2023-06-01", "100200", [])
    path = tmp_path / "1.csv"
    write_tracker(path, [child], TODAY)
    import_tracker(app, path, mapping, today=TODAY)
    child.moves = [("2024-11-04", "100300")]
    write_tracker(path, [child], TODAY)
    import_tracker(app, path, mapping, today=TODAY)
    assert tracker_entries(settings, "M")[-1] == (
        "placement_changed",
        "2024-11-04",
        "school_name=School 100300;school_urn=100300",
    )
    rows = [r for r in (tracker_row(child, TODAY),) if r is not None]
    rows[0][TRACKER_HEADER.index("URN")] = "100400"
    rows[0][TRACKER_HEADER.index("Placement start")] = ""
    write_csv_rows(path, [TRACKER_HEADER, *rows])
    import_tracker(app, path, mapping, today=TODAY)
    assert tracker_entries(settings, "M")[-1][:2] == ("placement_changed", "2026-10-31")


# ----------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_an_xlsx_of_50000_rows_imports_whole(tmp_path) -> None:
    """At scale every row imports (the time is measured by benchmarks/tracker.py)."""
    path = tmp_path / "big.xlsx"
    write_big_xlsx(path, 50_000)
    settings = store(tmp_path, "big")
    mapping = load_mapping(mapping_file(tmp_path))
    result = import_tracker(open_app(settings), path, mapping, today=TODAY)
    assert not result.rejected
    assert result.imported is not None and result.imported.imported > 50_000


def test_a_review_still_booked_after_the_plan_ceased_is_dated_by_the_cessation(tmp_path) -> None:
    """A tracker keeps showing the booked date of a review the cessation cancelled: the
    booking was made while the plan was open, so it is dated no later than the cessation
    (not on the booked day, which would be after the plan ceased and rejected)."""
    settings = store(tmp_path, "ceased")
    mapping = parse_mapping(
        tomllib.loads(
            SMALL_MAPPING.replace(
                'decision = "Decision"\n',
                'decision = "Decision"\nplan_ceased = "Plan ceased"\nceased_reason = "Reason"\n',
            )
        )
    )
    path = tmp_path / "ceased.csv"
    row = ["C1", "10/05/2012", "123456", "16/01/2023", "10/07/2024", "", "", "", "", "22/05/2024"]
    write_csv_rows(path, [[*SMALL_HEADER, "Plan ceased", "Reason"], [*row, "moved away"]])
    result = import_tracker(open_app(settings), path, mapping, today=TODAY)
    assert not result.rejected, result.summary()
    entries = tracker_entries(settings, "C1")
    assert ("review_scheduled", "2024-05-22", "meeting_on=2024-07-10") in entries
    assert ("plan_ceased", "2024-05-22", "reason=moved away") in entries
