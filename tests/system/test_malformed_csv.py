"""A CSV file the strict reader cannot split into rows is unusable (exit 2, the line named,
nothing imported), and a large file, imported in parallel, says exactly what a small one does
(issue 16, item 5; docs/integrity.md "Malformed files")."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehcp_audit.ingest.parallel import PARALLEL_FROM_BYTES
from tests.store_helpers import events_per_child, run

HEADER = "child_id,action,occurred_on,date_of_birth,school_urn,reason\n"
BAD = {
    "open_quote": 'LA-9,plan_issued,2023-01-16,2012-05-10,123456,"left open\n',
    "long_value": "LA-9,plan_issued,2023-01-16,2012-05-10,123456," + "x" * 200_000 + "\n",
    "after_quote": 'LA-9,plan_issued,2023-01-16,2012-05-10,123456,"quoted"then more\n',
}
SAYS = {
    "open_quote": "the row starting on line 4 (data row 3) opens a quote that is never closed",
    "long_value": "the row starting on line 4 (data row 3) has a value longer than 131072",
    "after_quote": "the row starting on line 4 (data row 3) has text after a closing quote",
}


def rows(first: int, count: int) -> str:
    line = "LA-{:07d},plan_issued,2023-01-16,2012-05-10,123456,\n"
    return "".join(line.format(n) for n in range(first, first + count))


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "log.csv"
    path.write_text(text, encoding="utf-8")
    return path


def import_file(path: Path, db: Path, workers: str = "1") -> tuple[int, str]:
    result = run(str(db), "import", "actions", path, env={"EHCP_AUDIT_IMPORT_WORKERS": workers})
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def nothing_stored(db: Path) -> bool:
    return not db.exists() or events_per_child(str(db)) == ({}, 0)


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_file_the_strict_reader_stops_on_is_unusable_and_names_the_line(
    tmp_path: Path, kind: str
) -> None:
    path = write(tmp_path, HEADER + rows(0, 2) + BAD[kind] + rows(2, 40))
    code, err = import_file(path, tmp_path / "s.sqlite")
    assert code == 2
    assert f"error: log.csv: not a CSV file: {SAYS[kind]}" in err
    assert "nothing was imported" in err and err.count("\n") == 1
    assert nothing_stored(tmp_path / "s.sqlite")


@pytest.mark.parametrize("kind", ["open_quote"])
def test_a_large_file_imported_in_parallel_says_exactly_what_a_small_one_says(
    tmp_path: Path, kind: str
) -> None:
    small = write(tmp_path / "small", HEADER + rows(0, 2) + BAD[kind] + rows(2, 40))
    padding = rows(100, PARALLEL_FROM_BYTES // 45)
    large = write(tmp_path / "large", small.read_text(encoding="utf-8") + padding)
    assert large.stat().st_size >= PARALLEL_FROM_BYTES
    said = [import_file(small, tmp_path / "small.sqlite")]
    said.append(import_file(large, tmp_path / "large.sqlite", workers="2"))
    assert said[0] == said[1]
    assert said[0][0] == 2 and SAYS[kind] in said[0][1]
    assert nothing_stored(tmp_path / "large.sqlite")


@pytest.mark.parametrize("where", ["second line", "after 64 KiB", "last line of 4 MiB"])
def test_a_nul_byte_anywhere_makes_the_file_unusable(tmp_path: Path, where: str) -> None:
    nul = "LA-9,plan_issued,2023-01-16,2012-05-10,123456,a\x00b\n"
    before = {"second line": 0, "after 64 KiB": 2_000, "last line of 4 MiB": 95_000}[where]
    path = write(tmp_path, HEADER + rows(0, before) + nul + rows(before, 1))
    code, err = import_file(path, tmp_path / "s.sqlite", workers="0")
    assert code == 2
    assert f"error: log.csv: not a CSV file: line {before + 2} holds a NUL byte" in err
    assert nothing_stored(tmp_path / "s.sqlite")


TRACKER = Path(__file__).parents[2] / "data" / "samples" / "trackers" / "capita_one_export.csv"
MAPPING = TRACKER.with_name("capita_one.toml")


@pytest.mark.parametrize("kind", ["open_quote", "long_value"])
def test_a_tracker_csv_the_reader_stops_on_is_unusable_too(tmp_path: Path, kind: str) -> None:
    lines = TRACKER.read_text("utf-8").splitlines(keepends=True)
    bad = {"open_quote": 'CP-1,"left open\n', "long_value": "CP-1," + "x" * 200_000 + "\n"}[kind]
    path = tmp_path / "tracker.csv"
    path.write_text("".join([*lines[:3], bad, *lines[3:]]), encoding="utf-8")
    db = tmp_path / "s.sqlite"
    result = run(str(db), "import", "tracker", path, "--mapping", MAPPING)
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert result.exit_code == 2, result.stderr
    assert "tracker.csv: not a CSV file: the row starting on line 4" in result.stderr
    assert nothing_stored(db)
