"""The streamed XLSX writer (safe_cells.write_plain_xlsx, for the monthly report's work list)
writes the cells the openpyxl writer (write_xlsx) writes: values, types, date formats and the
quote prefix on text a spreadsheet would evaluate."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ehcp_audit.exports.safe_cells import write_plain_xlsx, write_xlsx
from tests.output_cells import workbook_cells as cells
from tests.output_cells import xlsx_formulas

TRICKY = pd.DataFrame(
    {
        "child_id": ["C-1", "=HYPERLINK(1)", "+44", "-12", "@SUM", "\tx", "plain", None],
        "cycle": [1, 2, 3, 4, 5, 6, 7, 8],
        "deadline": [
            *(date(2025, 3, 1), None, date(2024, 2, 29), None),
            *(date(2025, 1, 1), None, date(2026, 12, 31), date(2023, 6, 5)),
        ],
        "at": [datetime(2025, 3, 1, 9, 30), None, None, None, None, None, None, None],
        "days": np.array([3, -2, 0, 400, 1, 2, 3, 4], dtype="int64"),
        "share": [0.5, float("nan"), 1.0, 2.25, 0.0, 3.5, 4.0, 5.0],
        "flag": [True, False, True, False, True, False, True, False],
        "text": ["a\x01b", "", "x", "y", "Z", "-", "=1+1", "ok"],
    }
)
SHEETS = {"First": TRICKY, "Empty": TRICKY.iloc[0:0], "Second": TRICKY.iloc[::-1]}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("plain-xlsx")
    old, new = folder / "old.xlsx", folder / "new.xlsx"
    write_xlsx(old, SHEETS)
    write_plain_xlsx(new, SHEETS)
    return old, new


def test_the_streamed_workbook_holds_the_same_cells(written: tuple[Path, Path]) -> None:
    old, new = written
    assert cells(new) == cells(old)
    assert list(cells(new)) == ["First", "Empty", "Second"]


def test_the_streamed_workbook_has_no_live_formula(written: tuple[Path, Path]) -> None:
    assert list(xlsx_formulas(written[1])) == []


def test_a_sheet_too_large_for_xlsx_is_refused_not_cut(tmp_path: Path) -> None:
    frame = pd.DataFrame({"n": range(1_048_576)})
    with pytest.raises(ValueError, match="more than XLSX can hold"):
        write_plain_xlsx(tmp_path / "big.xlsx", {"big": frame})


def test_a_workbook_that_cannot_be_written_raises_the_os_error(tmp_path: Path) -> None:
    """As openpyxl does, so that the command's error handler names the file and the reason
    (xlsxwriter wraps it in an exception of its own)."""
    (tmp_path / "taken.xlsx").mkdir()
    with pytest.raises(IsADirectoryError, match=r"taken\.xlsx"):
        write_plain_xlsx(tmp_path / "taken.xlsx", SHEETS)
