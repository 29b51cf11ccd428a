"""The workbook writer (exports/xlsx_package.py, behind safe_cells.write_plain_xlsx) against the
openpyxl writer (safe_cells.write_xlsx) on hostile values, and the package it writes."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from ehcp_audit.cli.errors import explain
from ehcp_audit.exports import annex_a, sen2
from ehcp_audit.exports.safe_cells import XLSX_MAX_ROWS, write_plain_xlsx, write_xlsx
from ehcp_audit.exports.tables import write_frame
from ehcp_audit.exports.xlsx_package import SheetLayout, TooLargeForXlsxError, write_workbook
from tests.output_cells import workbook_cells as cells
from tests.output_cells import xlsx_formulas

TEXTS = [
    *("=1+1", '=HYPERLINK("http://example.invalid","open")', "=", "+44 20", "-12", "-"),
    *("@SUM(A1)", "\tTAB", "'=already quoted", " =space first", "\uff1dwide"),
    *("<script>alert(1)</script>", "a & b", '"quoted"', "]]>", "<![CDATA[x]]>", "&amp;"),
    *("_x0041_", "a\x00b", "\x1b[31m", "\x0bv", "\x7f", "x\ufffey", "\uffff"),
    *("\U0001f600 \U0001d518 \U0002070e", "  padded  ", "line\nbreak", "x" * 32_767, ""),
    None,
]
N = len(TEXTS)


def cycle(values: list[object]) -> list[object]:
    return [values[i % len(values)] for i in range(N)]


HOSTILE = pd.DataFrame(
    {
        "text": TEXTS,
        "=total": cycle(["=A1", "+1", "ok"]),
        "day": cycle(
            [
                *(date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(9999, 12, 31)),
                *(date(1, 1, 1), None, date(2024, 2, 29)),
            ]
        ),
        "stamp": cycle(
            [
                *(datetime(1900, 1, 1, 0, 0, 1), datetime(9999, 12, 31, 23, 59, 59), None),
                datetime(2025, 3, 1, 12, 0, 0, 123000),
            ]
        ),
        "whole": np.array(cycle([0, -7, 2**53, 10**15]), dtype="int64"),
        "real": cycle([0.1, 1e300, float("nan"), -2.5, 1 / 3]),
        "flag": cycle([True, False]),
        "mixed": cycle([True, 1, "1", 1.5, date(2025, 1, 2), None, "=x"]),
    }
)
NAME_31 = "Reviews & <plans> of 'year' 24!"
SHEETS = {
    NAME_31: HOSTILE,
    "Empty": HOSTILE.iloc[0:0],
    "No columns": pd.DataFrame(),
    "Reversed": HOSTILE.iloc[::-1],
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("xlsx-package")
    reference, ours = folder / "reference.xlsx", folder / "ours.xlsx"
    write_xlsx(reference, SHEETS)
    write_plain_xlsx(ours, SHEETS)
    return reference, ours


def test_hostile_values_read_back_as_the_reference_writer_writes_them(
    written: tuple[Path, Path],
) -> None:
    reference, ours = written
    assert len(NAME_31) == 31
    assert cells(ours) == cells(reference)
    assert list(cells(ours)) == list(SHEETS)
    assert list(xlsx_formulas(ours)) == []


def test_the_header_row_is_bold_boxed_and_centred(written: tuple[Path, Path]) -> None:
    book = load_workbook(written[1])
    for sheet in book.worksheets:
        for cell in next(sheet.iter_rows(max_row=1), ()):
            if cell.value is None:  # the sheet without columns
                continue
            assert (cell.font.b, cell.border.bottom.style, cell.alignment.horizontal) == (
                *(True, "thin", "center"),
            )
    book.close()


def test_carriage_returns_survive_and_a_lone_surrogate_is_replaced(tmp_path: Path) -> None:
    """Text the reference writer mangles: it turns a carriage return into a line feed (an XML
    parser normalises a literal one), and fails on a lone surrogate (which pandas' own string
    type cannot hold, but an object column can)."""
    texts = pd.Series(["\rx", "a\r\nb", "c\r", "\ud800z"], dtype=object)
    write_plain_xlsx(tmp_path / "cr.xlsx", {"s": pd.DataFrame({"t": texts})})
    sheet = load_workbook(tmp_path / "cr.xlsx")["s"]
    assert [(c.value, c.quotePrefix) for (c,) in sheet.iter_rows(min_row=2)] == [
        *(("\rx", True), ("a\r\nb", False), ("c\r", False), ("\ufffdz", False)),
    ]


def test_text_longer_than_a_cell_holds_is_cut_visibly(tmp_path: Path) -> None:
    wide = "\U0001f600"  # two UTF-16 units: Excel's limit counts those
    frame = pd.DataFrame({"t": ["y" * 40_000, wide * 20_000, "z" * 32_767]})
    write_plain_xlsx(tmp_path / "long.xlsx", {"s": frame})
    sheet = load_workbook(tmp_path / "long.xlsx")["s"]
    long, wides, fits = (c.value for (c,) in sheet.iter_rows(min_row=2))
    assert long == "y" * 32_766 + "\u2026"
    assert wides == wide * 16_383 + "\u2026"
    assert fits == "z" * 32_767


def test_a_timestamp_with_a_time_zone_is_written_in_utc(tmp_path: Path) -> None:
    summer = timezone(timedelta(hours=1))
    frame = pd.DataFrame({"at": [datetime(2025, 7, 1, 9, 30, tzinfo=summer)]})
    write_plain_xlsx(tmp_path / "tz.xlsx", {"s": frame})
    cell = load_workbook(tmp_path / "tz.xlsx")["s"]["A2"]
    assert cell.value == datetime(2025, 7, 1, 8, 30)
    assert cell.number_format == "YYYY-MM-DD HH:MM:SS"


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "[x]", "'quoted'", "EMPTY"])
def test_a_sheet_name_excel_refuses_is_refused_and_no_file_is_left(
    tmp_path: Path, name: str
) -> None:
    out = tmp_path / "named.xlsx"
    with pytest.raises(ValueError, match="sheet name"):
        write_plain_xlsx(out, {"Empty": HOSTILE.iloc[0:0], name: HOSTILE})
    assert not out.exists()


def test_every_part_is_well_formed_and_named_in_the_content_types(
    written: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(written[1]) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    for data in parts.values():
        ElementTree.fromstring(data)  # raises on a part that is not well-formed XML
    types = ElementTree.fromstring(parts["[Content_Types].xml"])
    named = {e.get("PartName") for e in types if e.tag.endswith("Override")}
    defaults = {e.get("Extension") for e in types if e.tag.endswith("Default")}
    assert named == {f"/{n}" for n in parts if not n.endswith(".rels") and n[0] != "["}
    assert defaults == {"rels", "xml"}
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    assert [s.get("name") for s in workbook.iter() if s.tag.endswith("}sheet")] == list(SHEETS)
    links = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    assert {f"xl/{e.get('Target')}" for e in links} == {
        n for n in parts if n.startswith("xl/") and n.count("/") <= 2 and n.endswith(".xml")
    } - {"xl/workbook.xml"}


def test_the_header_stays_in_view_and_filters_and_columns_fit_their_text(tmp_path: Path) -> None:
    """What a reader of a work list needs: the header row frozen and filterable, each column
    as wide as its longest text (header included, up to 60 characters), dates shown whole."""
    frame = pd.DataFrame(
        {
            "child_id": ["C-1", "C-22"],
            "school_name": ["A school", "x" * 100],
            "a_long_column_title": [1, 2],
            "deadline": [date(2025, 3, 1), None],
        }
    )
    out = tmp_path / "layout.xlsx"
    write_plain_xlsx(out, {"O'Brien & co": frame, "Empty": frame.iloc[0:0]})
    book = load_workbook(out)
    first, empty = book.worksheets
    assert (first.freeze_panes, first.auto_filter.ref) == ("A2", "A1:D3")
    assert (empty.freeze_panes, empty.auto_filter.ref) == ("A2", "A1:D1")
    widths = [first.column_dimensions[c].width for c in "ABCD"]
    assert widths == [len("child_id") + 2, 60, len("a_long_column_title") + 2, 12]
    with zipfile.ZipFile(out) as package:
        workbook = package.read("xl/workbook.xml").decode()
    name = '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
    assert f"{name}'O''Brien &amp; co'!$A$1:$D$3</definedName>" in workbook


def test_an_export_too_long_for_xlsx_is_refused_in_words_and_no_file_is_left(
    tmp_path: Path,
) -> None:
    """`export compliance --format xlsx` for a large authority (a million rows and more) is
    refused with the way out, not reported as an internal error, and never cut short."""
    out = tmp_path / "compliance.xlsx"
    with pytest.raises(TooLargeForXlsxError) as refused:
        write_frame(pd.DataFrame({"n": range(XLSX_MAX_ROWS)}), out, "xlsx")
    message, code = explain(refused.value)
    assert code == 2 and "1,048,576 rows" in message and "CSV or Parquet" in message
    assert not out.exists()


def sen2_reference_style(sheet: Any, frame: pd.DataFrame) -> None:
    """exports/sen2.py's styling through openpyxl before the package writer (the reference)."""
    for index, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        values = frame[column].dropna().astype(str)
        longest = max([len(str(column)), *values.str.len().tolist()])
        sheet.column_dimensions[letter].width = min(longest + 2, 80)
        if column in sen2.DATE_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"


def annex_a_reference_style(sheet: Any, frame: pd.DataFrame) -> None:
    """exports/annex_a.py's styling through openpyxl before the package writer."""
    sheet.freeze_panes = "B2"
    for index, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        values = frame[column].dropna().astype(str)
        longest = max([min(len(str(column)), 30), *values.str.len().tolist()])
        sheet.column_dimensions[letter].width = min(longest + 2, 60)
        if column in annex_a.DATE_HEADERS or column in annex_a.OWED_DATES:
            for cell in sheet[letter][1:]:
                cell.number_format = annex_a.DATE_FORMAT


STYLED = pd.DataFrame(
    {
        "Person ID": ["=A1", "-12", "P3", None],
        "StartDate": [date(2024, 1, 2), None, "not a date", date(1900, 3, 1)],
        "CeaseDate": [datetime(2024, 5, 6, 7, 8, 9), date(2023, 1, 1), None, 45000],
        "Date of birth": [date(2015, 2, 3), date(2016, 4, 5), None, date(2014, 1, 1)],
        "Review due date": [None, date(2025, 9, 30), date(2025, 10, 1), "=later"],
        "A title longer than thirty characters, by far": ["x", "yy", None, "z"],
        "CeaseReason": pd.array([1, None, 3, 12], dtype="Int64"),
        "Absence": [0.25, "12.5", 3, None],
        "Notes": ["w" * 100, "short", "+1", "a\x01b"],
    }
)


@pytest.mark.parametrize(
    ("layout", "reference_style"),
    [(sen2.LAYOUT, sen2_reference_style), (annex_a.LAYOUT, annex_a_reference_style)],
    ids=["sen2", "annex-a"],
)
def test_a_styled_workbook_matches_its_openpyxl_reference(
    tmp_path: Path, layout: SheetLayout, reference_style: Any
) -> None:
    """SEN2's and Annex A's workbooks: the same cells, number formats and column widths as
    their openpyxl styling wrote, and the same frozen pane where they had one."""
    sheets = {"first": STYLED, "none": STYLED.iloc[0:0], "last": STYLED.iloc[::-1]}
    reference, ours = tmp_path / "reference.xlsx", tmp_path / "ours.xlsx"
    write_xlsx(reference, sheets, reference_style)
    write_workbook(ours, sheets, layout)
    assert cells(ours) == cells(reference)
    books = load_workbook(reference), load_workbook(ours)
    for theirs, mine in zip(*(b.worksheets for b in books), strict=True):
        letters = [c.column_letter for c in mine[1]]
        assert [mine.column_dimensions[x].width for x in letters] == [
            theirs.column_dimensions[x].width for x in letters
        ]
        assert mine.freeze_panes == (theirs.freeze_panes or "A2")
