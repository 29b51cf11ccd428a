"""`ehcp-audit export annex-a` from a known history: the workbook's sheets, dates in their
columns (DD/MM/YYYY), plans not in force left out, people.csv, the checks and the step owed."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from ehcp_audit.cli.main import cli
from tests.contract_helpers import Store, decision, meeting, plan, row

DAY = "2023-01-31"
UNTOUCHED = {"Unique ID", "Date of birth", "Date initial EHC plan issued",
             "Date updated EHC plan issued", "Date EHC plan last reviewed",
             "Main education establishment – URN"}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path)
    store.imp([
        plan("C1", "2020-03-01", dob="2012-05-10", urn="111111"),
        meeting("C1", "2021-02-20"),
        decision("C1", "2021-03-01", "amend"),
        row("C1", "final_plan_issued", "2021-04-20"),
        row("C1", "placement_changed", "2021-09-01", school_urn="222222"),
        meeting("C1", "2022-02-15"),
        row("C1", "final_plan_issued", "2022-04-01"),
        meeting("C1", "2022-06-01", review_type="interim"),
        row("C1", "placement_changed", "2023-09-01", school_urn="333333"),
        plan("C2", "2022-01-10"),
        row("C2", "plan_ceased", "2023-01-30", reason="moved to another LA"),
        plan("C3", "2022-01-10"),
        row("C3", "plan_ceased", "2023-01-31", reason="moved to another LA"),
        plan("C4", "2023-02-01"),
        plan("C5", "2021-01-01", dob="2012-01-01", urn="555555"),
    ])  # fmt: skip
    return store


def export(store: Store, *extra: str) -> tuple[Result, Path]:
    out = store.tmp / "list1.xlsx"
    args = ["--db", store.db, "export", "annex-a", "--as-of", DAY, "--out", str(out), *extra]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result, out


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def day(text: str) -> datetime:
    return datetime.combine(date.fromisoformat(text), datetime.min.time())


def test_list_1_from_a_known_history(store: Store) -> None:
    result, out = export(store)
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["List_1", "Reviews_owed", "Validation"]
    rows = {r["Unique ID"]: r for r in sheet(out, "List_1")}
    assert list(rows) == ["C1", "C3", "C5"]  # C2 ceased the day before, C4 issued after
    c1 = rows["C1"]
    assert c1["Date of birth"] == day("2012-05-10")
    assert c1["Date initial EHC plan issued"] == day("2020-03-01")
    assert c1["Date updated EHC plan issued"] == day("2022-04-01")
    assert c1["Date EHC plan last reviewed"] == day("2022-02-15")
    assert c1["Main education establishment – URN"] == "222222"
    assert all(v is None for k, v in c1.items() if k not in UNTOUCHED)
    assert rows["C5"]["Date EHC plan last reviewed"] is None
    assert rows["C5"]["Date updated EHC plan issued"] is None
    list_1 = book["List_1"]
    assert {list_1.cell(2, column).number_format for column in (4, 7, 8, 9)} == {"DD/MM/YYYY"}
    assert "Annex A List 1 as of 31/01/2023: 3 children" in result.stderr
    assert "no --people file" in result.stderr


def test_validation_sheet_and_stderr_name_each_rule(store: Store) -> None:
    result, out = export(store)
    found = sheet(out, "Validation")
    codes = {(f["Rule"], f["Unique ID"]) for f in found}
    # Without people.csv every child lacks gender, ethnicity, need and disability, and every
    # one over 6 lacks a UPN and a ULN.
    for child in ("C1", "C3", "C5"):
        assert {(c, child) for c in ("101b", "101c", "101d", "103", "107")} <= codes
    assert all(code in result.stderr for code in ("101b (error)", "107 (error)"))
    assert "Aged 6 or over with neither a UPN nor a ULN: 3 (C1, C3, C5)" in result.stderr


def test_people_csv_fills_columns_and_reports_unmatched_ids(store: Store) -> None:
    people = store.tmp / "people.csv"
    with people.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["child_id", "upn", "gender", "ethnicity", "sen_primary_need",
                         "disability", "suspensions", "absence", "social_care_team"])  # fmt: skip
        writer.writerow(["C1", "A123456789012", "F", "WBRI", "ASD", "No", "2", "7.5", "=cmd"])
        writer.writerow(["C2", "B123456789012", "M", "WBRI", "SLCN", "No", "", "", ""])
        writer.writerow(["C9", "C123456789012", "M", "WBRI", "SLCN", "No", "", "", ""])
    result, out = export(store, "--people", str(people))
    assert result.exit_code == 0, result.stderr
    rows = {r["Unique ID"]: r for r in sheet(out, "List_1")}
    c1 = rows["C1"]
    assert (c1["UPN"], c1["Gender"], c1["Ethnicity"], c1["SEN primary need"]) == (
        "A123456789012", "F", "WBRI", "ASD")  # fmt: skip
    assert c1["Does the child or young person have a disability?"] == "No"
    assert (c1["Suspensions"], c1["Absence"]) == (2, 7.5)
    cell = openpyxl.load_workbook(out)["List_1"]["T2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=cmd", "s", True)
    assert rows["C3"]["UPN"] is None
    assert "2 child_id(s) have no plan in force on the day, so are not on the list: C2, C9" in (
        result.stderr
    )
    assert "people.csv: 2 children on the list have no row" in result.stderr
    assert not {f["Rule"] for f in sheet(out, "Validation") if f["Unique ID"] == "C1"}


def test_an_unusable_people_csv_exits_2_before_writing(store: Store) -> None:
    people = store.tmp / "people.csv"
    people.write_text("child_id,shoe_size\nC1,5\n", encoding="utf-8")
    result, out = export(store, "--people", str(people))
    assert result.exit_code == 2
    assert "unknown column 'shoe_size'" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_the_out_path_may_not_be_the_people_file(store: Store) -> None:
    people = store.tmp / "list1.xlsx"
    people.write_text("child_id\nC1\n", encoding="utf-8")
    result, _ = export(store, "--people", str(people))
    assert result.exit_code == 2 and "a file this command reads" in result.stderr


def test_reviews_owed_is_the_compliance_rows_most_overdue_step(store: Store) -> None:
    _, out = export(store)
    owed = {r["Unique ID"]: r for r in sheet(out, "Reviews_owed")}
    assert list(owed) == ["C1", "C3", "C5"]
    overdue = [r for r in store.export(DAY) if r["child_id"] == "C5" and r["status"] == "overdue"]
    assert overdue, "C5's first review (due 01/01/2022) was never held"
    first = min(overdue, key=lambda r: r["deadline"])
    c5 = owed["C5"]
    assert c5["Review due date"] == day("2022-01-01")
    assert c5["Steps overdue"] == len(overdue)
    assert c5["Step deadline"] == day(first["deadline"])
    since = date.fromisoformat(DAY) - date.fromisoformat(first["deadline"])
    assert c5["Days overdue"] == since.days
    assert c5["Owed by"] in ("setting", "local authority") and c5["Step owed"]
    # C1's next review is due a year after its last annual meeting; every child's count of
    # overdue steps is the compliance export's.
    assert owed["C1"]["Review due date"] == day("2023-02-15")
    rows = store.export(DAY)
    for child, values in owed.items():
        late = sum(1 for r in rows if r["child_id"] == child and r["status"] == "overdue")
        assert values["Steps overdue"] == late
        assert (values["Days overdue"] is None) == (late == 0)
