"""Fuzz (issue 16, "Done when"): hostile and malformed input through `import actions`,
`import tracker`, every export and every report, run through the real CLI in this process.

For every input: the import exits 0, 2 or 3 and never raises; on a store it accepted, every
export and report exits 0, `verify` passes, no CSV or XLSX written holds a live formula
(tests/output_cells.py) and no report carries raw markup from the input. The default run
tries fifteen inputs per importer; `-m slow` many more."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.hostile import (
    MARKUP,
    TRACKER_HEADER,
    Shape,
    action_log_bytes,
    garbage,
    hostile_rows,
    now_and_then,
    shapes,
    trackers,
)
from tests.output_cells import is_live, live_cells, xlsx_formulas
from tests.store_helpers import REPO, run
from tests.strategies import Row

AS_OF = "2026-10-31"
MAPPING = REPO / "data" / "samples" / "trackers" / "capita_one.toml"
IMPORT_CODES = {0, 2, 3}
# Shrinking a failure here can take minutes (each example runs about fifteen commands):
# the quick run reports the first failing input as found.
QUICK = settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
THOROUGH = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
Importer = Callable[[str, Path, Path], Result]


def _failures(result: Result, what: str, codes: set[int]) -> list[str]:
    """What is wrong with a command's result: an exception, a traceback, an unexpected exit."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return [f"{what} raised {result.exception!r}"]
    if "Traceback" in result.output:
        return [f"{what} printed a traceback"]
    if result.exit_code not in codes:
        return [f"{what} exit {result.exit_code}: {result.output.strip()[-300:]}"]
    return []


def _exports(folder: Path) -> list[tuple[str, ...]]:
    """Every export, in each format a spreadsheet opens, and every report."""
    out = str(folder)
    compliance = ("export", "compliance", "--as-of", AS_OF)
    kpis = ("export", "kpis", "--period", "2025-06", "--as-of", AS_OF, "--by", "school")
    sen2 = ("export", "sen2", "--year", "2026")
    # --allow-empty: a fuzzed store may record nothing in the month; the page must still be safe.
    reports = ("--as-of", AS_OF, "--out", out, "--allow-empty")
    return [
        (*compliance, "--format", "csv", "--out", f"{out}/compliance.csv"),
        (*compliance, "--format", "xlsx", "--out", f"{out}/compliance.xlsx"),
        (*compliance, "--format", "parquet", "--out", f"{out}/compliance.parquet"),
        (*kpis, "--format", "csv", "--out", f"{out}/kpis.csv"),
        (*kpis, "--format", "xlsx", "--out", f"{out}/kpis.xlsx"),
        (*sen2, "--format", "csv", "--out", f"{out}/sen2.csv"),
        (*sen2, "--format", "xlsx", "--out", f"{out}/sen2.xlsx"),
        ("report", "monthly", "--month", "2026-10", *reports),
        ("report", "due-list", "--term", "autumn", "--year", "2026", *reports),
        ("report", "inspection", "--from", "2025-11", "--to", "2026-10", "--sample", "3", *reports),
    ]


def _a_school(folder: Path) -> str | None:
    if not (folder / "compliance.csv").exists():
        return None
    with (folder / "compliance.csv").open(encoding="utf-8-sig", newline="") as handle:
        urns = sorted({r["school_urn"] for r in csv.DictReader(handle) if r["school_urn"]})
    return urns[0].lstrip("'") if urns else None


def _check_store(db: str, folder: Path) -> list[str]:
    """Every export and report of an accepted store succeeds, and `verify` passes."""
    problems: list[str] = []
    for args in _exports(folder):
        problems += _failures(run(db, *args), " ".join(args[:2]), {0})
    urn = _a_school(folder)
    if urn is not None:
        school = ("report", "school", urn, "--month", "2026-10", "--as-of", AS_OF, "--out", folder)
        problems += _failures(run(db, *school, "--allow-empty"), "report school", {0})
    problems += _failures(run(db, "verify"), "verify", {0})
    pages = folder.rglob("*.html")
    problems += [f"raw markup in {p.name}" for p in pages if MARKUP in p.read_text()]
    return problems


def _fuzz(tmp: Path, source: bytes, importer: Importer, suffix: str = ".csv") -> None:
    """Import `source`; check the exit code, the rejects file and (if accepted) the store."""
    folder = tmp / "out"
    folder.mkdir()
    path = tmp / f"input{suffix}"
    path.write_bytes(source)
    db = str(tmp / "store.sqlite")
    result = importer(db, path, folder / "rejects.csv")
    problems = _failures(result, "import", IMPORT_CODES)
    if not problems and result.exit_code != 2:
        problems += _check_store(db, folder)
    problems += [f"live formula: {cell}" for cell in live_cells(folder)]
    assert not problems, "\n".join(problems[:25])


def _import_actions(db: str, path: Path, rejects: Path) -> Result:
    return run(db, "import", "actions", path, "--rejects", rejects)


def _import_tracker(db: str, path: Path, rejects: Path) -> Result:
    return run(db, "import", "tracker", path, "--mapping", MAPPING, "--rejects", rejects)


def _tracker_csv(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(_quoted(c) for c in TRACKER_HEADER)]
    lines += [",".join(_quoted(row[c]) for c in TRACKER_HEADER) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell


def _tracker_xlsx(rows: list[dict[str, str]], real_dates: bool, tmp: Path) -> bytes:
    """A workbook as a user would save it; text beginning with `=` becomes a formula cell with
    no cached value, as openpyxl writes it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(TRACKER_HEADER))
    for row in rows:
        sheet.append([_xlsx_value(row[c], real_dates) for c in TRACKER_HEADER])
    path = tmp / "made.xlsx"
    book.save(path)
    return path.read_bytes()


def _xlsx_value(text: str, real_dates: bool) -> Any:
    if real_dates and text.endswith(" 00:00:00"):
        return datetime.fromisoformat(text)
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# -- the properties --------------------------------------------------------------------------
# About one input in four or more is garbage, so that most inputs reach the exports.
GARBAGE_NOW_AND_THEN = now_and_then(4)


def _actions_case(tmp: Path, rows: list[Row], shape: Shape, junk: bytes | None) -> None:
    source = action_log_bytes(rows, shape) if junk is None else junk
    _fuzz(tmp, source, _import_actions)


@QUICK
@given(rows=hostile_rows(), shape=shapes, junk=garbage, use_junk=GARBAGE_NOW_AND_THEN)
def test_hostile_action_logs_never_crash_damage_or_leak_formulas(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[Row],
    shape: Shape,
    junk: bytes,
    use_junk: bool,
) -> None:
    _actions_case(tmp_path_factory.mktemp("fuzz"), rows, shape, junk if use_junk else None)


def _tracker_case(
    tmp: Path, rows: list[dict[str, str]], kind: str, real_dates: bool, junk: bytes
) -> None:
    if kind == "garbage":
        _fuzz(tmp, junk, _import_tracker, suffix=".xlsx" if real_dates else ".csv")
    elif kind == "xlsx":
        _fuzz(tmp, _tracker_xlsx(rows, real_dates, tmp), _import_tracker, suffix=".xlsx")
    else:
        _fuzz(tmp, _tracker_csv(rows), _import_tracker)


TRACKER_KINDS = st.sampled_from(("csv", "xlsx", "csv", "xlsx", "garbage"))


@QUICK
@given(rows=trackers, kind=TRACKER_KINDS, real_dates=st.booleans(), junk=garbage)
def test_hostile_trackers_never_crash_damage_or_leak_formulas(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, str]],
    kind: str,
    real_dates: bool,
    junk: bytes,
) -> None:
    _tracker_case(tmp_path_factory.mktemp("fuzz"), rows, kind, real_dates, junk)


@pytest.mark.slow
@THOROUGH
@given(rows=hostile_rows(), shape=shapes, junk=garbage, use_junk=GARBAGE_NOW_AND_THEN)
def test_many_hostile_action_logs(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[Row],
    shape: Shape,
    junk: bytes,
    use_junk: bool,
) -> None:
    _actions_case(tmp_path_factory.mktemp("fuzz"), rows, shape, junk if use_junk else None)


@pytest.mark.slow
@THOROUGH
@given(rows=trackers, kind=TRACKER_KINDS, real_dates=st.booleans(), junk=garbage)
def test_many_hostile_trackers(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, str]],
    kind: str,
    real_dates: bool,
    junk: bytes,
) -> None:
    _tracker_case(tmp_path_factory.mktemp("fuzz"), rows, kind, real_dates, junk)


# -- the checker itself ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "column", "live"),
    [
        ("2024-01-10", "", False),
        ("-3", "", False),
        ("-0.25", "rate", False),
        ("-1e3", "", False),
        ("-", "", False),
        ("123456", "school_urn", False),
        ("'=1+2", "reason", False),
        ("'-12", "child_id", False),
        (" =1+2", "", False),
        ("", "", False),
        ("=1+2", "", True),
        ("+44", "", True),
        ("-1+2", "", True),
        ("-1-2", "child_id", True),
        ("-12", "child_id", True),
        ("@SUM(A1)", "", True),
        ("\t=1", "", True),
        ("\r=1", "", True),
    ],
)
def test_what_counts_as_a_live_cell(text: str, column: str, live: bool) -> None:
    assert is_live(text, column) is live


def test_the_checker_finds_live_cells_in_csv_and_xlsx(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("child_id,reason,n\n-12,'=1+2,-3\nA1,=HYPERLINK(A2),4\n")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["child_id", "reason"])
    sheet.append(["A1", "=1+2"])
    sheet.append(["A2", "safe"])
    sheet["B3"].value = "+44"
    sheet["B3"].data_type = "s"
    sheet.append([-5, "-3"])
    quoted = sheet.cell(row=5, column=2, value="@x")
    quoted.data_type = "s"
    quoted.quotePrefix = True
    book.save(tmp_path / "b.xlsx")
    assert [what for _, what in xlsx_formulas(tmp_path / "b.xlsx")] == [
        "formula cell B2: '=1+2'",
        "string without quote prefix B3: '+44'",
        "id written as a number A4: '-5'",
    ]
    assert live_cells(tmp_path) == [
        "a.csv column 1: row 2: '-12' (1 such cells)",
        "a.csv column 2: row 3: '=HYPERLINK(A2)' (1 such cells)",
        "b.xlsx Sheet column B: formula cell B2: '=1+2' (2 such cells)",
        "b.xlsx Sheet column A: id written as a number A4: '-5' (1 such cells)",
    ]
