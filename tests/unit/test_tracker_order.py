"""Issue 17: trackers as authorities keep them. Imports give the same export in any order,
a previous review's date ("Last AR Date") is recorded as that review's meeting, and issue
16's formula cells with no saved value are rejected by cell (docs/tracker.md)."""

from __future__ import annotations

import csv
import tempfile
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.config import Settings
from ehcp_audit.domain.vocabulary import CORE_TOPICS
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.ingest.tracker import import_tracker, load_mapping
from ehcp_audit.ingest.tracker.mapping import parse_mapping
from ehcp_audit.rules.effective import apply_voids
from tests.tracker_helpers import (
    NOT_CARRIED,
    openpyxl_values,
    run_cli,
    tracker_entries,
    trimmed,
    write_action_log,
    write_csv_rows,
)

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples" / "trackers"
TODAY = date(2026, 11, 30)
CAPITA = ("capita_one_export.csv", "capita_one.toml")
SCHOOL_LOG = ("one_row_per_review.csv", "one_row_per_review.toml")
HAND_KEPT = ("hand_kept_tracker.xlsx", "hand_kept.toml")
# The three sample trackers' facts as one action log (what the trackers record, as rows).
ACTION_LOG = ("equivalent_action_log.csv", "")
ALL = (CAPITA, SCHOOL_LOG, HAND_KEPT, ACTION_LOG)


def _import(settings: Settings, order: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    app = open_app(settings)
    for name, mapping in order:
        if mapping:
            path, rules = SAMPLES / name, load_mapping(SAMPLES / mapping)
            result = import_tracker(app, path, rules, today=TODAY)
            assert not result.rejected, [c.fact.problem for c in result.rejected]
        else:
            logged = import_actions(app, SAMPLES / name, today=TODAY)
            assert logged.rejected == 0, [r.error for r in logged.rejections]
    with open_view(settings) as view:
        view.catch_up()
        return view.compliance(TODAY)


def _export(order: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        return _import(Settings(db=str(Path(tmp) / "s.sqlite")), order)


_REFERENCE: list[pd.DataFrame] = []


def _reference() -> pd.DataFrame:
    """The action log alone: the export every order of imports must give."""
    if not _REFERENCE:
        _REFERENCE.append(_export((ACTION_LOG,)))
    return _REFERENCE[0]


# ----------------------------------------------------------------------------- import order


def test_an_older_row_of_a_school_log_is_its_own_review_not_a_correction(tmp_path) -> None:
    """The issue's reproduction: the school log's 2024 row of CP-100231, imported after the
    case system's export that holds the 2025 review, is the 2024 review."""
    settings = Settings(db=str(tmp_path / "s.sqlite"))
    exported = _import(settings, (CAPITA, SCHOOL_LOG))
    assert not [e for e in tracker_entries(settings, "CP-100231") if e[0] == "void"][1:]
    held = [
        e.occurred_on.isoformat()
        for e in apply_voids(open_app(settings).entries("CP-100231"))
        if e.action == "meeting_held"
    ]
    assert held == ["2024-01-10", "2025-01-08"]
    row = exported[
        (exported["child_id"] == "CP-100231")
        & (exported["cycle"] == 2)
        & (exported["measure"] == "paperwork_2_weeks")
    ].iloc[0]
    assert (row["status"], str(row["done_on"])[:10]) == ("met", "2025-01-15")
    pd.testing.assert_frame_equal(exported, _export((SCHOOL_LOG, CAPITA)))


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(order=st.permutations(ALL))
@example(order=[CAPITA, SCHOOL_LOG, HAND_KEPT, ACTION_LOG])  # the order
@example(order=[CAPITA, ACTION_LOG, SCHOOL_LOG, HAND_KEPT])  # a log between two trackers
def test_the_sample_trackers_and_their_action_log_export_alike_in_any_order(
    order: list[tuple[str, str]],
) -> None:
    pd.testing.assert_frame_equal(_export(tuple(order)), _reference())


def test_a_tracker_meeting_repeated_by_an_action_log_with_more_details_counts_once(
    tmp_path,
) -> None:
    """The case system's meeting (no attendees), then the action log's meeting of the same
    day with attendees (a second entry to the action-log importer), then the school log
    saying what the action log says: the tracker's own meeting is voided, one review."""
    settings = Settings(db=str(tmp_path / "s.sqlite"))
    _import(settings, (CAPITA, ACTION_LOG, SCHOOL_LOG))
    entries = apply_voids(open_app(settings).entries("CP-100231"))
    meetings = [e for e in entries if e.action == "meeting_held"]
    assert [e.occurred_on.isoformat() for e in meetings] == ["2024-01-10", "2025-01-08"]
    [void] = [e for e in tracker_entries(settings, "CP-100231") if e[0] == "void"]
    assert "the same meeting was recorded another way" in void[2]


# ----------------------------------------------------------------------------- last review

LAST_AR_HEADER = [
    "Child ID",
    "DOB",
    "URN",
    "EHCP issued",
    "Last AR Date",
    "Meeting booked",
    "Invites sent",
    "Papers sent",
    "Meeting held",
    "Paperwork to LA",
    "Decision date",
    "Decision",
]
LAST_AR_MAPPING = """
[columns]
child_id = "Child ID"
date_of_birth = "DOB"
school_urn = "URN"
plan_issued = "EHCP issued"
last_meeting_held = "Last AR Date"
meeting_booked = "Meeting booked"
invitations_sent = "Invites sent"
papers_circulated = "Papers sent"
meeting_held = "Meeting held"
paperwork_submitted = "Paperwork to LA"
decision_issued = "Decision date"
decision = "Decision"

[values.decision]
"No change" = "maintain"
"Amend" = "amend"
"""
AS_OF = date(2026, 5, 1)
# L1: the tracker shows the 2025 review, held and decided, and the 2024 review's date.
# L2: the 2026 review is booked (for after the day of import), the 2025 review's date shown.
LAST_AR_ROWS = [
    [
        *("L1", "10/05/2012", "123456", "16/01/2023", "10/01/2024", "08/01/2025", "20/11/2024"),
        *("20/12/2024", "08/01/2025", "15/01/2025", "30/01/2025", "No change"),
    ],
    [
        *("L2", "14/09/2016", "100412", "10/06/2024", "01/06/2025", "01/06/2026", "20/04/2026"),
        *("", "", "", "", ""),
    ],
]


def _log_row(child: str, action: str, day: str, **extra: str) -> dict[str, str]:
    return {"child_id": child, "action": action, "occurred_on": day, **extra}


URN, URN2 = "123456", "100412"


def _last_ar_log() -> list[dict[str, str]]:
    """The same two children as a full action log: details a tracker cannot carry too."""
    everyone = "parent_carer;child;senco;caseworker;health;social_worker"
    held = {"attendees": "parent_carer;child;senco", "topics": ";".join(CORE_TOPICS)}
    invited = {"ehcp_copy_included": "yes", "invitees": everyone}
    return [
        _log_row("L1", "plan_issued", "2023-01-16", date_of_birth="2012-05-10", school_urn=URN),
        _log_row("L1", "meeting_held", "2024-01-10", **held),
        _log_row("L1", "review_scheduled", "2024-11-15", meeting_on="2025-01-08"),
        _log_row("L1", "invitations_sent", "2024-11-20", **invited),
        _log_row("L1", "papers_circulated", "2024-12-20"),
        _log_row("L1", "meeting_held", "2025-01-08", **held),
        _log_row("L1", "paperwork_submitted", "2025-01-15"),
        _log_row("L1", "decision_issued", "2025-01-30", decision="maintain"),
        _log_row("L2", "plan_issued", "2024-06-10", date_of_birth="2016-09-14", school_urn=URN2),
        _log_row("L2", "meeting_held", "2025-06-01", **held),
        _log_row("L2", "review_scheduled", "2026-04-01", meeting_on="2026-06-01"),
        _log_row("L2", "invitations_sent", "2026-04-20", **invited),
    ]


def _last_ar_import(
    tmp: Path, settings: Settings, rows: list[list[str]], name: str = "t.csv"
) -> object:
    path = tmp / name
    write_csv_rows(path, [LAST_AR_HEADER, *rows])
    mapping = parse_mapping(tomllib.loads(LAST_AR_MAPPING))
    return import_tracker(open_app(settings), path, mapping, today=AS_OF)


def _compliance(settings: Settings) -> pd.DataFrame:
    with open_view(settings) as view:
        view.catch_up()
        return view.compliance(AS_OF)


def test_a_last_review_date_column_exports_as_the_action_log_for_both_cycles(tmp_path) -> None:
    by_log = Settings(db=str(tmp_path / "log.sqlite"))
    write_action_log(tmp_path / "log.csv", _last_ar_log())
    logged = import_actions(open_app(by_log), tmp_path / "log.csv", today=AS_OF)
    assert logged.rejected == 0, [r.error for r in logged.rejections]
    by_tracker = Settings(db=str(tmp_path / "tracker.sqlite"))
    result = _last_ar_import(tmp_path, by_tracker, LAST_AR_ROWS)
    assert not result.rejected  # type: ignore[attr-defined]

    log, tracker = _compliance(by_log), _compliance(by_tracker)
    key = ["child_id", "cycle", "measure"]
    both = log.merge(tracker, on=key, how="outer", suffixes=("_log", "_tracker"), indicator=True)
    assert set(both["_merge"]) == {"both"}
    assert {(c, n) for c, n in zip(both["child_id"], both["cycle"], strict=True)} == {
        ("L1", 1),
        ("L1", 2),
        ("L1", 3),
        ("L2", 1),
        ("L2", 2),
    }

    def unequal(column: str) -> pd.Series:
        ours, theirs = both[f"{column}_log"], both[f"{column}_tracker"]
        return ~((ours == theirs) | (ours.isna() & theirs.isna()))

    differ = both[unequal("status") | unequal("deadline") | unequal("done_on")]
    # Only what a tracker cannot carry (attendees, topics, invitees, the plan copy) differs.
    assert set(differ["measure"]) <= NOT_CARRIED
    assert set(differ["status_tracker"]) == {"n/a"}
    # The earlier cycles are closed by the meeting the "Last AR Date" column recorded.
    review = both[both["measure"] == "review_on_time"].set_index(["child_id", "cycle"])
    assert str(review.loc[("L1", 1), "done_on_tracker"])[:10] == "2024-01-10"
    assert str(review.loc[("L2", 1), "done_on_tracker"])[:10] == "2025-06-01"

    # On top of the action log the tracker says nothing new.
    again = _last_ar_import(tmp_path, by_log, LAST_AR_ROWS)
    assert not again.rejected  # type: ignore[attr-defined]
    assert again.imported.imported == 0  # type: ignore[attr-defined]


def test_a_changed_last_review_date_voids_and_rerecords_that_meeting_only(tmp_path) -> None:
    settings = Settings(db=str(tmp_path / "s.sqlite"))
    _last_ar_import(tmp_path, settings, LAST_AR_ROWS[:1])
    corrected = [[*LAST_AR_ROWS[0][:4], "12/01/2024", *LAST_AR_ROWS[0][5:]]]
    result = _last_ar_import(tmp_path, settings, corrected, "2.csv")
    assert not result.rejected  # type: ignore[attr-defined]
    held = [
        e.occurred_on.isoformat()
        for e in apply_voids(open_app(settings).entries("L1"))
        if e.action == "meeting_held"
    ]
    assert held == ["2024-01-12", "2025-01-08"]
    voids = [e for e in tracker_entries(settings, "L1") if e[0] == "void"]
    assert len(voids) == 1 and "void_occurred_on=2024-01-10" in voids[0][2]
    again = _last_ar_import(tmp_path, settings, corrected, "3.csv")
    assert again.imported.imported == 0  # type: ignore[attr-defined]

    # The last review cannot be this review's meeting or after it.
    wrong = [[*LAST_AR_ROWS[0][:4], "08/01/2025", *LAST_AR_ROWS[0][5:]]]
    refused = _last_ar_import(tmp_path, settings, wrong, "4.csv")
    [rejected] = refused.rejected  # type: ignore[attr-defined]
    assert rejected.fact.problem_cell.ref == "E2"
    assert "must be before this review's meeting" in rejected.fact.problem


# ----------------------------------------------------------------------------- formulas


def _formula_workbook(path: Path) -> Path:
    """A tracker written by a program: formula cells whose values were never calculated."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Reviews"
    sheet.append(["Child ID", "DOB", "URN", "EHCP issued", "Meeting held", "Decided", "Decision"])
    sheet.append(["F1", "10/05/2012", "123456", "16/01/2023", "=DATE(2024,1,10)", "", ""])
    sheet.append(["=\"F\"&2", "10/05/2012", "123456", "16/01/2023", "", "", ""])
    sheet.append(["F3", "10/05/2012", "123456", "16/01/2023", "10/01/2024", "=E4+20", "maintain"])
    sheet.append(["F4", "10/05/2012", "123456", "16/01/2023", "10/01/2024", "30/01/2024", "=G4"])
    sheet.append(["F5", "10/05/2012", "=C4", "16/01/2023", "", "", ""])
    book.save(path)
    return path


FORMULA_MAPPING = """
[columns]
child_id = "Child ID"
date_of_birth = "DOB"
school_urn = "URN"
plan_issued = "EHCP issued"
meeting_held = "Meeting held"
decision_issued = "Decided"
decision = "Decision"
"""


def test_formula_cells_with_no_saved_value_are_rejected_by_cell(tmp_path) -> None:
    settings = Settings(db=str(tmp_path / "s.sqlite"))
    path = _formula_workbook(tmp_path / "t.xlsx")
    mapping = tmp_path / "m.toml"
    mapping.write_text(FORMULA_MAPPING, encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    code, _, err = run_cli(
        settings,
        "import",
        "tracker",
        str(path),
        "--mapping",
        str(mapping),
        "--rejects",
        str(rejects),
    )
    assert code == 3, err
    assert "Traceback" not in err
    message = "a formula with no saved value; open and save the workbook in Excel"
    assert f"row 2 E2 (Meeting held): {message}" in err
    with rejects.open(encoding="utf-8") as handle:
        found = {(r["row"], r["cell"]): r["error"] for r in csv.DictReader(handle)}
    assert set(found) == {
        ("2", "E2 (Meeting held)"),
        ("3", "A3 (Child ID)"),
        ("4", "F4 (Decided)"),
        ("5", "G5 (Decision)"),
        ("6", "C6 (URN)"),  # once, though the plan and the school both carry it
    }
    assert all(message in error for error in found.values())
    # The rows' other cells are recorded.
    assert [a for a, _, _ in tracker_entries(settings, "F1")] == ["plan_issued"]
    assert [a for a, _, _ in tracker_entries(settings, "F3")] == ["plan_issued", "meeting_held"]
    assert [a for a, _, _ in tracker_entries(settings, "F4")] == ["plan_issued", "meeting_held"]


@pytest.mark.parametrize("saved", ["", "0"])
def test_a_formula_with_a_saved_value_is_read_as_that_value(tmp_path, saved: str) -> None:
    """Excel saves each formula's value beside it: such a cell is read as its value (an
    empty text result as blank), as openpyxl reads it."""
    import zipfile

    from ehcp_audit.ingest.tracker.xlsx import Workbook

    path = _formula_workbook(tmp_path / "t.xlsx")
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts[member].decode("utf-8")
    kind = ' t="str"' if not saved else ""
    xml = xml.replace('<c r="E2"><f>', f'<c r="E2"{kind}><f>').replace(
        "</f><v /></c>", f"</f><v>{saved}</v></c>", 1
    )
    parts[member] = xml.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    book = Workbook(str(path))
    try:
        rows = list(book.rows("Reviews"))
    finally:
        book.close()
    theirs = openpyxl_values(path)["Reviews"][1]
    assert trimmed(rows[1]) == theirs
    assert theirs[4:5] == ([0] if saved else [])


# ----------------------------------------------------------------------------- common spellings


def test_auto_finds_a_column_by_its_common_spellings(tmp_path) -> None:
    """`"auto"` stands for the common spellings of a column's header; each spelling belongs
    to one key only, so "auto" can never pick another key's column."""
    from ehcp_audit.ingest.tracker.mapping import FIELDS, normalise
    from ehcp_audit.ingest.tracker.synonyms import SYNONYMS

    owners: dict[str, list[str]] = {}
    for key, names in SYNONYMS.items():
        assert key in FIELDS
        for name in names:
            owners.setdefault(normalise(name), []).append(key)
    assert {n: keys for n, keys in owners.items() if len(keys) > 1} == {}

    text = LAST_AR_MAPPING.replace('"Last AR Date"', '"auto"')
    mapping = parse_mapping(tomllib.loads(text))
    assert "Date of last review" in mapping.columns["last_meeting_held"]
    header = [h if h != "Last AR Date" else "Date of  LAST review" for h in LAST_AR_HEADER]
    path = tmp_path / "t.csv"
    write_csv_rows(path, [header, *LAST_AR_ROWS])
    settings = Settings(db=str(tmp_path / "s.sqlite"))
    result = import_tracker(open_app(settings), path, mapping, today=AS_OF)
    assert not result.rejected
    held = sorted(e[1] for e in tracker_entries(settings, "L1") if e[0] == "meeting_held")
    assert held == ["2024-01-10", "2025-01-08"]
    with pytest.raises(ValueError, match='"auto" has no common spellings'):
        parse_mapping(tomllib.loads(text.replace("[columns]\n", '[columns]\nbooked_on = "auto"\n')))


def test_monthly_trackers_with_a_last_review_column_export_as_the_action_log(tmp_path) -> None:
    """The small history of tests/tracker_helpers.py, tracked monthly with a "Last AR Date"
    column beside the row's own review (46 imports): the column restates meetings the
    earlier months recorded, so no meeting is voided and the export is still the action
    log's but for the measures a tracker cannot carry."""
    from tests.tracker_helpers import (
        HISTORY,
        MAPPING,
        TRACKER_HEADER,
        Child,
        action_log,
        compliance,
        d,
        month_ends,
        tracker_row,
        uk,
    )
    from tests.tracker_helpers import TODAY as END

    def last_review(child: Child, on: date) -> str:
        started = [c for c in child.cycles if d(c.start()) <= on]
        earlier = [c.meeting for c in started[:-1] if c.meeting and d(c.meeting) <= on]
        return uk(earlier[-1]) if earlier else ""

    by_log = Settings(db=str(tmp_path / "log.sqlite"))
    write_action_log(tmp_path / "log.csv", action_log(HISTORY))
    assert import_actions(open_app(by_log), tmp_path / "log.csv", today=END).rejected == 0
    by_tracker = Settings(db=str(tmp_path / "tracker.sqlite"))
    app = open_app(by_tracker)
    text = MAPPING.replace("[columns]\n", '[columns]\nlast_meeting_held = "Last AR Date"\n')
    mapping = parse_mapping(tomllib.loads(text))
    for on in month_ends(date(2023, 1, 31), END):
        path = tmp_path / f"tracker-{on:%Y-%m}.csv"
        rows = [
            [*row, last_review(child, on)]
            for child in HISTORY
            if (row := tracker_row(child, on)) is not None
        ]
        write_csv_rows(path, [[*TRACKER_HEADER, "Last AR Date"], *rows])
        result = import_tracker(app, path, mapping, today=on)
        assert not result.rejected, [c.fact.problem for c in result.rejected]
    for child in HISTORY:  # (C's re-booked meeting voids its first booking, as without it)
        voids = [e[2] for e in tracker_entries(by_tracker, child.child_id) if e[0] == "void"]
        assert not [v for v in voids if "void_action=meeting_held" in v]
    log, tracker = compliance(by_log, END), compliance(by_tracker, END)
    pd.testing.assert_frame_equal(
        log[~log["measure"].isin(NOT_CARRIED)].reset_index(drop=True),
        tracker[~tracker["measure"].isin(NOT_CARRIED)].reset_index(drop=True),
    )
