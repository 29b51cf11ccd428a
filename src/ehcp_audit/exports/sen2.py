"""The SEN2 extract: read every child's entries from the view, write the parts to CSV or XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

import pandas as pd

from ehcp_audit.exports.safe_cells import csv_frame
from ehcp_audit.exports.xlsx_package import SheetLayout, write_workbook
from ehcp_audit.rules.sen2.census import ACTIVE_COLUMNS, CEASED_COLUMNS, Sen2Return, sen2_return
from ehcp_audit.rules.sen2.checks import CHECK_COLUMNS
from ehcp_audit.view.compliance_view import ComplianceView
from ehcp_audit.view.row_tuples import entries_by_child

SHEETS = ("active_plans", "ceased_plans", "checks")
DATE_COLUMNS = {
    "StartDate",
    "ReviewMeeting",
    "LastReview",
    "ReviewDraft",
    "PhaseTransferDueDate",
    "PhaseTransferFinalDate",
    "CeaseDate",
}

# Readable columns: dates shown as dates, widths that fit the header and the text.
LAYOUT: Final = SheetLayout(column_formats=dict.fromkeys(DATE_COLUMNS, "yyyy-mm-dd"), widest=80)


def extract(view: ComplianceView, census: date) -> Sen2Return:
    """The return as of `census` from every entry the (caught-up) view holds."""
    return sen2_return(entries_by_child(view.entry_rows()), census)


def frames(result: Sen2Return) -> dict[str, pd.DataFrame]:
    def frame(rows: Sequence[tuple[Any, ...]], columns: Sequence[str]) -> pd.DataFrame:
        out = pd.DataFrame.from_records(list(rows), columns=list(columns))
        if "CeaseReason" in out:
            out["CeaseReason"] = out["CeaseReason"].astype("Int64")  # blank, not 3.0
        return out

    return {
        "active_plans": frame([r.row() for r in result.active], ACTIVE_COLUMNS),
        "ceased_plans": frame([r.row() for r in result.ceased], CEASED_COLUMNS),
        "checks": frame([c.row() for c in result.checks], CHECK_COLUMNS),
    }


def sibling(out: Path, part: str) -> Path:
    return out.with_name(f"{out.stem}_{part.removesuffix('_plans')}{out.suffix}")


def write_sen2(result: Sen2Return, out: Path, fmt: str) -> list[Path]:
    """CSV: the active plans in `out`, `<stem>_ceased.csv` and `<stem>_checks.csv` beside it.
    XLSX: one workbook, one sheet per part. Returns the files written."""
    parts = frames(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        write_workbook(out, {name: parts[name] for name in SHEETS}, LAYOUT)
        return [out]
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}")
    paths = [out, sibling(out, "ceased_plans"), sibling(out, "checks")]
    for name, path in zip(SHEETS, paths, strict=True):
        csv_frame(parts[name]).to_csv(path, index=False, na_rep="", lineterminator="\n")
    return paths
