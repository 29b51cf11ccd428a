"""Issue 21, Ofsted's Annex A List 1: the headers, which plans are listed, the log-derived
columns, people.csv and each validation rule (pure functions and the people.csv reader)."""

from __future__ import annotations

from datetime import date
from itertools import count
from pathlib import Path

import pytest

from ehcp_audit.domain.entry import Entry
from ehcp_audit.errors import UnusableFileError
from ehcp_audit.exports.annex_a import LIST_SHEET
from ehcp_audit.exports.people_csv import read_people
from ehcp_audit.rules.annex_a.checks import ALL_RULES, validate
from ehcp_audit.rules.annex_a.list1 import HEADERS, Cell, List1Row, age_on, list1_rows, with_people

# Copied from the issue (Ofsted's template), en dashes and all.
OFSTED_HEADERS = [
    "Unique ID", "UPN", "ULN", "Date of birth", "Gender", "Ethnicity",
    "Date initial EHC plan issued", "Date updated EHC plan issued", "Date EHC plan last reviewed",
    "SEN primary need", "Main education establishment – URN",
    "Main education establishment – phase",
    "Subsidiary education establishment – phase (dual registration)", "Elective home education",
    "Suspensions", "Permanent exclusions", "Absence", "Pupil Premium",
    "Known to children's social care?", "Which children's social care team?",
    "Does the child or young person have a disability?",
]  # fmt: skip
DAY = date(2025, 1, 16)
_seq = count(1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def e(child: str, action: str, on: str, **details: str) -> Entry:
    return Entry(child, action, d(on), dict(details), seq=next(_seq))


def plan(child: str, on: str, dob: str = "2012-05-10", urn: str = "111111") -> Entry:
    return e(child, "plan_issued", on, date_of_birth=dob, school_urn=urn)


def meeting(child: str, on: str, review_type: str = "annual") -> Entry:
    return e(child, "meeting_held", on, attendees="parent_carer", topics="concerns",
             review_type=review_type)  # fmt: skip


def listed(*entries: Entry, day: date = DAY) -> list[List1Row]:
    by_child: dict[str, list[Entry]] = {}
    for entry in entries:
        by_child.setdefault(entry.child_id, []).append(entry)
    return list1_rows(sorted(by_child.items()), day)


def test_headers_and_sheet_name_are_ofsteds_exactly() -> None:
    assert list(HEADERS) == OFSTED_HEADERS
    assert LIST_SHEET == "List_1"
    assert "\u2013" in HEADERS[10] and "-" not in HEADERS[10]


def test_dates_and_urn_come_from_the_log_as_of_the_day() -> None:
    [row] = listed(
        plan("C1", "2020-03-01", dob="2012-05-10", urn="111111"),
        meeting("C1", "2021-02-20"),
        e("C1", "final_plan_issued", "2021-04-20"),
        e("C1", "placement_changed", "2021-09-01", school_urn="222222"),
        meeting("C1", "2022-02-15"),
        e("C1", "final_plan_issued", "2022-04-01"),
        meeting("C1", "2022-06-01", review_type="interim"),
        # After the day: none of these may show.
        meeting("C1", "2025-02-01"),
        e("C1", "final_plan_issued", "2025-03-01"),
        e("C1", "placement_changed", "2025-01-17", school_urn="333333"),
    )
    cells = row.cells()
    assert cells["Unique ID"] == "C1"
    assert cells["Date of birth"] == d("2012-05-10")
    assert cells["Date initial EHC plan issued"] == d("2020-03-01")
    assert cells["Date updated EHC plan issued"] == d("2022-04-01")
    assert cells["Date EHC plan last reviewed"] == d("2022-02-15")  # the interim one is not
    assert cells["Main education establishment – URN"] == "222222"
    assert all(cells[h] is None for h in HEADERS if h not in {
        "Unique ID", "Date of birth", "Date initial EHC plan issued",
        "Date updated EHC plan issued", "Date EHC plan last reviewed",
        "Main education establishment – URN"})  # fmt: skip


def test_no_review_or_updated_plan_leaves_those_blank() -> None:
    [row] = listed(plan("C1", "2024-03-01"))
    assert row.last_reviewed is None and row.updated_issued is None


def test_only_plans_in_force_on_the_day_are_listed() -> None:
    rows = listed(
        plan("ceased-before", "2022-01-10"),
        e("ceased-before", "plan_ceased", "2025-01-15", reason="moved to another LA"),
        plan("ceased-on-day", "2022-01-10"),
        e("ceased-on-day", "plan_ceased", "2025-01-16", reason="moved to another LA"),
        plan("ceases-later", "2022-01-10"),
        e("ceases-later", "plan_ceased", "2025-02-01", reason="moved to another LA"),
        plan("issued-after", "2025-01-17"),
        plan("issued-on-day", "2025-01-16"),
        plan("voided", "2022-01-10"),
        e("voided", "void", "2023-01-01", void_action="plan_issued",
          void_occurred_on="2022-01-10", reason="wrong child"),
    )
    assert [r.child_id for r in rows] == ["ceased-on-day", "ceases-later", "issued-on-day"]


def test_people_columns_fill_the_row_and_unmatched_ids_are_returned() -> None:
    rows, unmatched = with_people(
        listed(plan("C1", "2024-01-01"), plan("C2", "2024-01-01")),
        {"C1": {"UPN": "A123456789012", "Gender": "F"}, "GONE": {"Gender": "M"}},
    )
    assert rows[0].cells()["UPN"] == "A123456789012" and rows[0].cells()["Gender"] == "F"
    assert rows[1].cells()["UPN"] is None
    assert unmatched == ["GONE"]


def test_age_on_counts_whole_years() -> None:
    assert age_on(d("2000-01-16"), DAY) == 25
    assert age_on(d("2000-01-17"), DAY) == 24
    assert age_on(d("2008-02-29"), d("2025-02-28")) == 17


# ------------------------------------------------------------------------- validation rules


def clean(**changes: Cell) -> dict[str, Cell]:
    """A List 1 row no rule finds anything in (a 12-year-old), with `changes`."""
    cells: dict[str, Cell] = dict.fromkeys(HEADERS)
    cells.update({
        "Unique ID": "C1", "UPN": "A123456789012", "Date of birth": d("2012-05-10"),
        "Gender": "F", "Ethnicity": "WBRI", "SEN primary need": "ASD",
        "Date initial EHC plan issued": d("2020-03-01"),
        "Date updated EHC plan issued": d("2022-04-01"),
        "Date EHC plan last reviewed": d("2024-02-15"),
        "Main education establishment – URN": "111111",
        "Does the child or young person have a disability?": "Yes",
    })  # fmt: skip
    cells.update(changes)
    return cells


SUB = "Subsidiary education establishment – phase (dual registration)"
URN = "Main education establishment – URN"
CRAFTED: dict[str, list[dict[str, Cell]]] = {
    "101a": [clean(**{"Date of birth": None})],
    "101b": [clean(Gender=" ")],
    "101c": [clean(Ethnicity=None)],
    "101d": [clean(**{"SEN primary need": ""})],
    "102a": [clean(**{"Date of birth": d("2000-01-16")})],
    "102b": [clean(**{"Date of birth": d("1999-01-16")})],
    "103": [clean(**{"Does the child or young person have a disability?": None})],
    "105a": [clean(**{"Date of birth": d("2025-01-17")})],
    "105b": [clean(**{"Date initial EHC plan issued": d("2025-01-17"),
                      "Date updated EHC plan issued": None, "Date EHC plan last reviewed": None})],
    "105c": [clean(**{"Date updated EHC plan issued": d("2025-01-17")})],
    "105d": [clean(**{"Date EHC plan last reviewed": d("2025-01-17")})],
    "106a": [clean(**{"Date updated EHC plan issued": d("2020-02-29")})],
    "106b": [clean(**{"Date EHC plan last reviewed": d("2020-02-29")})],
    "107": [clean(UPN=None, **{"Date of birth": d("2019-01-16")})],
    "108a": [clean(**{URN: None})],
    "108b": [clean(**{URN: None, SUB: "Primary"})],
    "109": [clean(), clean(**{"Unique ID": "C2", "UPN": "a123 456789012"})],
}  # fmt: skip


def test_a_clean_row_and_edge_ages_find_nothing() -> None:
    assert validate([clean()], DAY) == []
    # The day before the 26th birthday is 25 (a query, not an error); 6 with a ULN is fine;
    # 16 is past school age.
    assert [f.code for f in validate([clean(**{"Date of birth": d("1999-01-17")})], DAY)] == [
        "102a"
    ]
    assert validate([clean(UPN=None, ULN="1234567890", **{"Date of birth": d("2019-01-16")})],
                    DAY) == []  # fmt: skip
    assert validate([clean(**{URN: None, "Date of birth": d("2009-01-16")})], DAY) == []


def test_every_rule_has_a_crafted_row() -> None:
    assert sorted(CRAFTED) == sorted(rule.code for rule in ALL_RULES)


@pytest.mark.parametrize("code", sorted(CRAFTED))
def test_each_rule_is_triggered_by_its_crafted_row(code: str) -> None:
    rows = CRAFTED[code]
    findings = validate(rows, DAY)
    assert {f.code for f in findings} == {code}
    assert len(findings) == len(rows)
    rule = next(r for r in ALL_RULES if r.code == code)
    assert all(f.columns == rule.columns and f.message == rule.message for f in findings)
    assert findings[0].row()[0] == code and findings[0].row()[2] == "C1"


# ------------------------------------------------------------------------------ people.csv


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_people_csv_reads_its_columns_and_list_1_headers(tmp_path: Path) -> None:
    people = read_people(write(tmp_path / "p.csv", (
        "Child_ID, UPN ,gender,Known to children's social care?\n"
        "C1,A123456789012,F,Yes\n"
        "\n"
        "C2,,,\n"
    )))  # fmt: skip
    assert people.by_child == {
        "C1": {"UPN": "A123456789012", "Gender": "F", "Known to children's social care?": "Yes"},
        "C2": {},
    }
    assert people.problems == []


def test_people_csv_bad_rows_are_named_and_skipped(tmp_path: Path) -> None:
    people = read_people(write(tmp_path / "p.csv", (
        "child_id,upn\nC1,A1\n,A2\nC1,A3\nC3,A4,extra\nC4,A5\n"
    )))  # fmt: skip
    assert people.by_child == {"C1": {"UPN": "A1"}, "C4": {"UPN": "A5"}}
    assert people.problems == [
        "row 2: column child_id is blank (skipped)",
        "row 3: child_id C1 is also on row 1 (the first row is used)",
        "row 4: 3 fields but the header has 2 (skipped)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("child_id,shoe_size\nC1,5\n", "unknown column 'shoe_size'"),
        ("upn\nA1\n", "the column child_id is missing"),
        ("child_id,upn,UPN\nC1,A,B\n", "given twice: UPN"),
        ("", "empty or has no header row"),
        ('child_id,upn\nC1,"open\n', "never closed"),
    ],
)
def test_an_unusable_people_csv_is_refused_by_name(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(UnusableFileError, match=message):
        read_people(write(tmp_path / "people.csv", text))
