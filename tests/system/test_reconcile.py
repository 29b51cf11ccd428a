"""`ehcp-audit reconcile annex-a|sen2`: our own export read back as the authority's return agrees
(exit 0); a copy with one changed date, one removed child and one extra child gives exactly those
three differences (exit 3), with the log entries behind ours; unusable input exits 2."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from ehcp_audit.cli.main import cli
from tests.contract_helpers import Store, decision, meeting, plan, row

DAY = "2023-01-31"
LAST_REVIEWED = "Date EHC plan last reviewed"
MODULES = ("sen2", "person", "requests", "assessment", "namedplan", "activeplans")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("reconcile"))
    store.imp([
        plan("C1", "2020-03-01", dob="2012-05-10", urn="111111"),
        meeting("C1", "2021-02-20"),
        decision("C1", "2021-03-01", "amend"),
        row("C1", "final_plan_issued", "2021-04-20"),
        meeting("C1", "2022-02-15"),
        row("C1", "amendments_proposed", "2022-02-25"),
        decision("C1", "2022-03-01", "amend"),
        row("C1", "final_plan_issued", "2022-04-01"),
        row("C1", "placement_changed", "2022-09-01", school_urn="222222"),
        plan("C2", "2022-01-10"),
        row("C2", "plan_ceased", "2023-01-30", reason="moved to another LA"),
        plan("C5", "2021-01-01", dob="2012-01-01", urn="555555"),
        meeting("C5", "2021-12-01"),
        decision("C5", "2021-12-20", "maintain"),
        plan("C6", "2020-01-01", dob="2008-01-01"),
        row("C6", "plan_ceased", "2022-06-30", reason="moved to another local authority"),
    ])  # fmt: skip
    return store


def run(store: Store, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--db", store.db, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def differences(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def triples(path: Path) -> list[tuple[str, str, str]]:
    return [(d["child_id"], d["difference"], d["item"]) for d in differences(path)]


# --------------------------------------------------------------------------- Annex A


@pytest.fixture(scope="module")
def list1(store: Store) -> Path:
    out = store.tmp / "ours.xlsx"
    assert run(store, "export", "annex-a", "--as-of", DAY, "--out", str(out)).exit_code == 0
    return out


def reconcile_list(store: Store, theirs: Path, out: Path) -> Result:
    return run(store, "reconcile", "annex-a", str(theirs), "--as-of", DAY, "--out", str(out))


def test_our_own_list_1_agrees(store: Store, list1: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.csv"
    result = reconcile_list(store, list1, out)
    assert result.exit_code == 0, result.stderr
    assert differences(out) == []
    assert out.read_text().startswith("child_id,difference,item,theirs,ours,our_entries")
    assert "they agree" in result.stderr


def test_a_changed_date_a_removed_and_an_extra_child(
    store: Store, list1: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "theirs.xlsx"
    book = openpyxl.load_workbook(list1)
    sheet = book["List_1"]
    header = [cell.value for cell in sheet[1]]
    ids = [r[0].value for r in sheet.iter_rows(min_row=2)]
    sheet.cell(ids.index("C1") + 2, header.index(LAST_REVIEWED) + 1).value = datetime(2022, 2, 16)
    sheet.delete_rows(ids.index("C5") + 2)
    sheet.append(["C9", None, None, datetime(2015, 1, 1), None, None, datetime(2021, 5, 5)])
    book.save(theirs)

    out = tmp_path / "diff.csv"
    result = reconcile_list(store, theirs, out)
    assert result.exit_code == 3, result.stderr
    assert triples(out) == [
        ("C1", "differs", LAST_REVIEWED),
        ("C5", "only in the log", ""),
        ("C9", "only in their return", ""),
    ]
    changed = differences(out)[0]
    assert (changed["theirs"], changed["ours"]) == ("2022-02-16", "2022-02-15")
    assert "meeting_held dated 2022-02-15" in changed["our_entries"]
    assert "log position " in changed["our_entries"]
    assert "plan_issued dated 2021-01-01" in differences(out)[1]["our_entries"]
    assert "they differ: 3 differences" in result.stderr


def test_an_unreadable_date_exits_2_naming_row_and_column(
    store: Store, list1: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "theirs.xlsx"
    book = openpyxl.load_workbook(list1)
    sheet = book["List_1"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(3, header.index(LAST_REVIEWED) + 1).value = "31/02/2022"
    book.save(theirs)
    out = tmp_path / "diff.csv"
    result = reconcile_list(store, theirs, out)
    assert result.exit_code == 2
    assert f"row 3, column {LAST_REVIEWED}" in result.stderr
    assert "'31/02/2022' is not a date" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_file_without_list_1_or_not_a_workbook_exits_2(store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(other)
    result = reconcile_list(store, other, tmp_path / "diff.csv")
    assert result.exit_code == 2
    assert "no sheet named List_1" in result.stderr
    text = tmp_path / "list.xlsx"
    text.write_text("child_id\nC1\n")
    result = reconcile_list(store, text, tmp_path / "diff.csv")
    assert result.exit_code == 2
    assert "not an .xlsx workbook" in result.stderr


def test_the_out_path_may_not_be_their_file(store: Store, list1: Path) -> None:
    result = reconcile_list(store, list1, list1)
    assert result.exit_code == 2
    assert "a file this command reads" in result.stderr


# --------------------------------------------------------------------------- SEN2 (Blade)


def blade_date(text: str) -> str:
    return f"{date.fromisoformat(text):%Y-%b-%d} 00:00:00" if text else ""


def write_module(folder: Path, module: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / f"Blade-Export_31-03-2023_{module}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def blade_from_export(
    active: Path, ceased: Path, folder: Path, year: int = 2023, census: str = "2023-01-19"
) -> None:
    """COLLECT's Blade export of what `export sen2` wrote: one person, request, assessment and
    named plan per child, an ActivePlans row per active plan (ids as the Blade has them)."""
    folder.mkdir()
    plans = [(r, True) for r in differences(active)] + [(r, False) for r in differences(ceased)]
    write_module(folder, "sen2", ["sen2tableid", "NativeId", "year", "referencedate"],
                 [["S1", "1", str(year), blade_date(census)]])  # fmt: skip
    person, requests, assessment, named, activeplans = [], [], [], [], []
    for n, (record, is_active) in enumerate(plans, start=1):
        person.append([f"P{n}", str(n), record["child_id"], "S1"])
        requests.append([f"R{n}", f"P{n}"])
        assessment.append([f"A{n}", f"R{n}"])
        cease = blade_date(record.get("CeaseDate", ""))
        named.append([f"N{n}", f"A{n}", blade_date(record["StartDate"]), cease,
                      record.get("CeaseReason", "")])  # fmt: skip
        if is_active:
            activeplans.append([f"AP{n}", f"R{n}", blade_date(record["ReviewMeeting"]),
                                record["ReviewOutcome"], blade_date(record["LastReview"]),
                                blade_date(record["ReviewDraft"]),
                                blade_date(record["PhaseTransferDueDate"]),
                                blade_date(record["PhaseTransferFinalDate"])])  # fmt: skip
    write_module(folder, "person", ["persontableid", "NativeId", "sourceid", "sen2tableid"], person)
    write_module(folder, "requests", ["requeststableid", "persontableid"], requests)
    write_module(folder, "assessment", ["assessmenttableid", "requeststableid"], assessment)
    write_module(folder, "namedplan", ["namedplantableid", "assessmenttableid", "startdate",
                                       "ceasedate", "ceasereason"], named)  # fmt: skip
    write_module(folder, "activeplans", ["activeplanstableid", "requeststableid", "reviewmeeting",
                 "reviewoutcome", "lastreview", "reviewdraft", "phasetransferduedate",
                 "phasetransferfinaldate"], activeplans)  # fmt: skip


@pytest.fixture(scope="module")
def blade(store: Store) -> Path:
    out = store.tmp / "sen2.csv"
    assert run(store, "export", "sen2", "--year", "2023", "--out", str(out)).exit_code == 0
    folder = store.tmp / "blade"
    blade_from_export(out, out.with_name("sen2_ceased.csv"), folder)
    return folder


def edit_module(
    folder: Path, module: str, edit: Callable[[list[list[str]]], list[list[str]]]
) -> None:
    path = next(folder.glob(f"*_{module}.csv"))
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows = edit(rows)
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def remove_child(folder: Path, child: str) -> None:
    """Every row of the child, in each module (the ids blade_from_export gave it)."""
    with next(folder.glob("*_person.csv")).open(newline="") as handle:
        n = next(r[1] for r in csv.reader(handle) if r[2] == child)
    links = (("person", 0, "P"), ("requests", 0, "R"), ("assessment", 0, "A"),
             ("namedplan", 1, "A"), ("activeplans", 1, "R"))  # fmt: skip
    for module, column, table_id in links:

        def drop(rows: list[list[str]], c: int = column, t: str = table_id) -> list[list[str]]:
            return [r for r in rows if r[c] != f"{t}{n}"]

        edit_module(folder, module, drop)


def test_our_own_sen2_return_as_a_blade_export_agrees(
    store: Store, blade: Path, tmp_path: Path
) -> None:
    out = tmp_path / "diff.csv"
    result = run(store, "reconcile", "sen2", str(blade), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert differences(out) == []
    assert "SEN2 2023" in result.stderr and "they agree" in result.stderr
    both = next(line for line in result.stderr.splitlines() if "in both" in line)
    assert both.split()[-1] == "4"  # C1, C5, C2 (ceasing after the census), C6 (ceased in 2022)


def test_blade_with_a_changed_date_a_removed_and_an_extra_child(
    store: Store, blade: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "blade"
    shutil.copytree(blade, theirs)
    edit_module(theirs, "activeplans", lambda rows: [
        [*r[:2], blade_date("2022-02-14"), *r[3:]] if r[1] == "R1" else r for r in rows
    ])  # fmt: skip
    remove_child(theirs, "C5")
    edit_module(theirs, "person", lambda rows: [*rows, ["P99", "99", "C99", "S1"]])
    edit_module(theirs, "requests", lambda rows: [*rows, ["R99", "P99"]])
    edit_module(theirs, "activeplans", lambda rows: [*rows, ["AP99", "R99"] + [""] * 6])
    out = tmp_path / "diff.csv"
    result = run(store, "reconcile", "sen2", str(theirs), "--out", str(out), "--year", "2023")
    assert result.exit_code == 3, result.stderr
    assert triples(out) == [
        ("C1", "differs", "ReviewMeeting"),
        ("C5", "only in the log", ""),
        ("C99", "only in their return", ""),
    ]
    changed = differences(out)[0]
    assert (changed["theirs"], changed["ours"]) == ("2022-02-14", "2022-02-15")
    assert "meeting_held dated 2022-02-15" in changed["our_entries"]


def test_an_unusable_blade_export_exits_2_naming_file_line_and_column(
    store: Store, blade: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "blade"
    shutil.copytree(blade, theirs)
    edit_module(theirs, "activeplans", lambda rows: [
        [*r[:4], "2022-Feb-31 00:00:00", *r[5:]] if r[1] == "R1" else r for r in rows
    ])  # fmt: skip
    out = tmp_path / "diff.csv"
    result = run(store, "reconcile", "sen2", str(theirs), "--out", str(out))
    assert result.exit_code == 2
    assert "activeplans.csv, line 2, column lastreview" in result.stderr
    assert not out.exists()
    next(theirs.glob("*_assessment.csv")).unlink()
    result = run(store, "reconcile", "sen2", str(theirs), "--out", str(out))
    assert result.exit_code == 2
    assert "no Blade-Export_<date>_assessment.csv file" in result.stderr


def test_a_ceased_plan_with_another_reason_is_a_difference(
    store: Store, blade: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "blade"
    shutil.copytree(blade, theirs)
    edit_module(theirs, "namedplan", lambda rows: [
        [*r[:4], "9"] if r[3] == blade_date("2022-06-30") else r for r in rows
    ])  # fmt: skip
    out = tmp_path / "diff.csv"
    result = run(store, "reconcile", "sen2", str(theirs), "--out", str(out))
    assert result.exit_code == 3, result.stderr
    [found] = differences(out)
    assert (found["child_id"], found["item"], found["theirs"], found["ours"]) == (
        "C6", "CeaseReason", "9", "5"
    )
    assert "plan_ceased dated 2022-06-30" in found["our_entries"]


@pytest.mark.parametrize("command", ["annex-a", "sen2"])
def test_a_missing_store_is_named_and_not_created(tmp_path: Path, command: str) -> None:
    theirs = tmp_path / ("list1.xlsx" if command == "annex-a" else "blade")
    if command == "sen2":
        theirs.mkdir()
    else:
        openpyxl.Workbook().save(theirs)
    db = tmp_path / "missing.sqlite"
    out = tmp_path / "diff.csv"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "reconcile", command, str(theirs), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "no store at" in result.output
    assert not db.exists() and not out.exists()


def test_the_out_path_may_not_be_the_store(store: Store, list1: Path) -> None:
    result = reconcile_list(store, list1, Path(store.db))
    assert result.exit_code == 2
    assert "is the event store" in result.stderr
