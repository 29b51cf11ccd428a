"""Writing a table to CSV (ISO dates, empty cells for none), Parquet or XLSX; no cell of a
CSV or XLSX is a formula (safe_cells)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ehcp_audit.exports.safe_cells import csv_frame, write_plain_xlsx


def write_frame(frame: pd.DataFrame, out: Path, fmt: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        csv_frame(frame).to_csv(
            out, index=False, na_rep="", date_format="%Y-%m-%d", lineterminator="\n"
        )
    elif fmt == "parquet":
        frame.to_parquet(out, index=False)
    elif fmt == "xlsx":
        write_plain_xlsx(out, {"data": frame})
    else:
        raise ValueError(f"unknown format {fmt!r}")
