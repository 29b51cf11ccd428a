"""Writing a table to CSV (ISO dates, empty cells for none), Parquet or XLSX."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_frame(frame: pd.DataFrame, out: Path, fmt: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(out, index=False, na_rep="", date_format="%Y-%m-%d", lineterminator="\n")
    elif fmt == "parquet":
        frame.to_parquet(out, index=False)
    elif fmt == "xlsx":
        frame.to_excel(out, index=False, sheet_name="data")
    else:
        raise ValueError(f"unknown format {fmt!r}")
