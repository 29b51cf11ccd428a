"""Benchmark of `import tracker` on a large XLSX (issue: tracker import, 50,000 rows < 1 min).

    python benchmarks/tracker.py [--children 50000] [--repeat 3] [--workdir DIR]

The floor, measured in the same run, is reading every cell of the same workbook with
openpyxl's read-only mode: no tracker import can be faster than reading its file.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable

READ_FLOOR = """
import sys
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
print(cells, file=sys.stderr)
"""


CPU: list[float] = []  # CPU seconds (all processes) of each timed command


def timed(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ehcp-tracker-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    tracker = work / "tracker.xlsx"
    if not tracker.exists():
        subprocess.run(
            [
                *(PYTHON, "-m", "ehcp_audit.cli", "samples", "generate"),
                *("--children", str(args.children), "--schools", str(max(1, args.children // 50))),
                *("--years", "3", "--seed", "1", "--end", "2026-10-31"),
                *("--out", str(work / "log.csv"), "--tracker", str(tracker)),
            ],
            check=True,
        )
    mapping = tracker.with_suffix(".toml")
    floors, imports = [], []
    for _ in range(args.repeat):
        floors.append(timed([PYTHON, "-c", READ_FLOOR, str(tracker)]))
        for path in work.glob("store*"):
            path.unlink()
        store = str(work / "store.sqlite")
        imports.append(
            timed(
                [
                    *(PYTHON, "-m", "ehcp_audit.cli", "--db", store, "import", "tracker"),
                    *(str(tracker), "--mapping", str(mapping)),
                ]
            )
        )
    floor, imported = statistics.median(floors), statistics.median(imports)
    cpu = statistics.median(CPU[1::2])
    print(f"\n{args.children:,}-row tracker; medians of {args.repeat} runs")
    print(f"read every cell (openpyxl floor) {floor:8.1f} s  {[round(x, 1) for x in floors]}")
    print(f"import tracker                   {imported:8.1f} s  {[round(x, 1) for x in imports]}")
    print(
        f"import tracker, CPU of all its processes {cpu:5.1f} s  {[round(x, 1) for x in CPU[1::2]]}"
    )
    print(f"import / floor = {imported / floor:.1f}x; target: under 60 s")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
