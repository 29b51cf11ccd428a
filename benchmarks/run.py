"""Benchmark of the hot paths against floors measured in the same run (issue: compliance view).

    python benchmarks/run.py [--children 20000] [--years 3] [--repeat 3] [--workdir DIR]
    python benchmarks/run.py --workdir DIR --reports-only   # the read side on DIR's store

Every step runs in its own process so that its peak memory (max RSS) is its own. Steps that
are quick are repeated and their median reported; ratios compare medians from this run only,
so a busy machine slows both sides alike. Every step imports the package afresh: run it from a
checkout nobody edits meanwhile (`git worktree add`, then PYTHONPATH=<worktree>/src).
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from datetime import date, timedelta
from pathlib import Path

PYTHON = sys.executable
NEW_ACTIONS = 1_000

RAW_FLOOR = """
import csv, json, sqlite3, sys
con = sqlite3.connect(sys.argv[2])
con.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)")
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    reader = csv.DictReader(handle)
    with con:
        con.executemany("INSERT INTO rows (body) VALUES (?)", ((json.dumps(r),) for r in reader))
"""

IMPORT = """
import sys
from pathlib import Path
from ehcp_audit.bootstrap import open_app
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
result = import_actions(open_app(Settings(db=sys.argv[2])), Path(sys.argv[1]))
assert result.rejected == 0, result.summary()
"""

# The baseline a rebuild must beat: read the CSV once, group by child, evaluate every rule.
SINGLE_PASS = """
import csv, sys
from datetime import date, timedelta
from ehcp_audit.ingest.row_parser import parse_row
from ehcp_audit.rules.compliance import evaluate_child
today, as_of = date.today(), date.fromisoformat(sys.argv[2])
by_child = {}
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    for seq, row in enumerate(csv.DictReader(handle)):
        entry = parse_row(row, today)._replace(seq=seq)
        by_child.setdefault(entry.child_id, []).append(entry)
rows = sum(len(evaluate_child(entries, as_of)) for entries in by_child.values())
print(rows, file=sys.stderr)
"""

# OPERATION: the seconds after Python has imported the program (opening the store and the
# view included), what a command that catches up before it answers adds to its own start.
REBUILD = """
import sys, time
import ehcp_audit.view.compliance_view
from ehcp_audit.bootstrap import open_view
from ehcp_audit.config import Settings
started = time.perf_counter()
with open_view(Settings(db=sys.argv[1])) as view:
    view.rebuild()
OPERATION = time.perf_counter() - started
"""

CATCH_UP = """
import sys, time
import ehcp_audit.view.compliance_view
from ehcp_audit.bootstrap import open_view
from ehcp_audit.config import Settings
started = time.perf_counter()
with open_view(Settings(db=sys.argv[1])) as view:
    read = view.catch_up()
OPERATION = time.perf_counter() - started
print(read, file=sys.stderr)
"""

EXPORT = """
import sys
from datetime import date, timedelta
from pathlib import Path
from ehcp_audit.bootstrap import open_view
from ehcp_audit.config import Settings
from ehcp_audit.exports.tables import write_frame
with open_view(Settings(db=sys.argv[1])) as view:
    view.catch_up()
    write_frame(view.compliance(date.fromisoformat(sys.argv[2])), Path(sys.argv[3]), "csv")
"""

KPIS = """
import sys
from datetime import date, timedelta
from ehcp_audit.view.kpis import kpis_frame
from ehcp_audit.bootstrap import open_view
from ehcp_audit.config import Settings
with open_view(Settings(db=sys.argv[1])) as view:
    view.catch_up()
    view.con.register("compliance", view.compliance(date.fromisoformat(sys.argv[2])))
    kpis_frame(view.con, sys.argv[2][:7], "school")
"""

GENERATE = """
import sys
from ehcp_audit.cli import main
sys.argv = ["ehcp-audit", "samples", "generate", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
"""

SEN2 = """
import sys
from ehcp_audit.cli import main
sys.argv = ["ehcp-audit", "--db", sys.argv[1], "export", "sen2", "--year", sys.argv[2],
            "--format", "xlsx", "--out", sys.argv[3]]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
"""

# Any command line, as a user types it (its --db first); exit 0 expected.
COMMAND = """
import sys
from ehcp_audit.cli import main
sys.argv = ["ehcp-audit", "--db", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
"""

# Past as-of answers are kept in the view (view/kept_answers.py): a cold run forgets them first,
# all but the days a rebuild itself judges and keeps (bootstrap.pinned_days: DfE's year ends),
# so a cold run is the first time a day is asked after a rebuild.
FORGET_KEPT = """
import sys, duckdb
from ehcp_audit.bootstrap import pinned_days
con = duckdb.connect(sys.argv[1])
for table in ("kept_rows", "kept_children", "kept_days"):
    con.execute(
        f"DELETE FROM {table} WHERE NOT list_contains(CAST(? AS DATE[]), as_of)",
        [list(pinned_days())],
    )
con.execute("CHECKPOINT")
"""

MEASURE = """
import json, os, resource, runpy, sys, threading, time

def rss_of_tree(root):
    # Resident memory of this process and every process it started (helpers), in bytes.
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as handle:
                    parents[int(name)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total

peak_tree = [0]
def watch():
    while True:
        peak_tree[0] = max(peak_tree[0], rss_of_tree(os.getpid()))
        time.sleep(0.25)
threading.Thread(target=watch, daemon=True).start()
start = time.perf_counter()
code = sys.argv[1]
sys.argv = ["step", *sys.argv[2:]]
scope = {"__name__": "__main__"}
exec(compile(code, "step", "exec"), scope)
elapsed = time.perf_counter() - start
# Peak memory: the largest sum sampled over this process and its helper processes (import and
# rebuild use one per core), and never less than this process's own peak.
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
peak = max(own, peak_tree[0])
result = {"seconds": elapsed, "peak": peak, "operation": scope.get("OPERATION")}
print(json.dumps(result), file=sys.__stdout__)
"""


def step(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [PYTHON, "-c", MEASURE, textwrap.dedent(code), *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(repeat: int, code: str, *args: str, before: object = None) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        runs.append(step(code, *args))
    result = {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak": max(r["peak"] for r in runs),
        "runs": [round(r["seconds"], 2) for r in runs],  # type: ignore[dict-item]
    }
    if runs[0].get("operation") is not None:
        result["operation"] = statistics.median(r["operation"] for r in runs)
    return result


# The log's `count` latest actions (by date, then recorded time) held back from the rest: the
# new day's work a catch-up follows, real actions of many children that change their rows,
# where made-up actions might change none. Run in its own process so that the memory it holds
# is not counted in the steps after it (a child's max RSS starts from its parent's).
HOLD_BACK = """
import csv, sys
log, head, tail, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(log, encoding="utf-8", newline="") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    rows = list(reader)
on, at = header.index("occurred_on"), header.index("recorded_at")

def when(i):
    day = rows[i][on]  # YYYY-MM-DD or DD/MM/YYYY (RULES.md section 1)
    return ("-".join(reversed(day.split("/"))) if "/" in day else day, rows[i][at])

latest = set(sorted(range(len(rows)), key=when)[-count:])
for path, keep in ((head, False), (tail, True)):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(r for i, r in enumerate(rows) if (i in latest) == keep)
"""


def read_side(repeat: int, work: Path, end: date) -> None:
    """The reports and a past as-of export against the latest-day export (issue 18's targets)."""
    store, out = str(work / "store.sqlite"), work / "reports"
    months = end.year * 12 + end.month - 1 - 5  # six month-ends back: the first of 5 on, less a day
    past = date(months // 12, months % 12 + 1, 1) - timedelta(days=1)
    with (work / "latest.csv").open(encoding="utf-8") as handle:
        urn = next(r["school_urn"] for r in csv.DictReader(handle) if r["school_urn"])
    month = end.isoformat()[:7]
    # Untimed: the view caught up and the chain checked, as after any earlier command.
    step(EXPORT, store, end.isoformat(), str(work / "c.csv"))

    def forget() -> None:
        subprocess.run([PYTHON, "-c", FORGET_KEPT, str(work / "store.view.duckdb")], check=True)

    monthly = (COMMAND, store, "report", "monthly", "--month", month, "--out", str(out))
    every = (COMMAND, store, "report", "school", "--all", "--month", month, "--out", str(out))
    results = {
        "export compliance (last day)": median_of(
            repeat, EXPORT, store, end.isoformat(), str(work / "c.csv")
        ),
        f"export compliance ({past}), cold": median_of(
            repeat, EXPORT, store, past.isoformat(), str(work / "c-past.csv"), before=forget
        ),
        f"export compliance ({past}), kept": median_of(
            repeat, EXPORT, store, past.isoformat(), str(work / "c-past.csv")
        ),
        f"report monthly {month}, cold": median_of(repeat, *monthly, before=forget),
        f"report monthly {month}, kept": median_of(repeat, *monthly),
        f"report school {urn}": median_of(
            repeat, COMMAND, store, "report", "school", urn, "--month", month, "--out", str(out)
        ),
        "report school --all, cold": median_of(1, *every, before=forget),
        "report school --all, kept": median_of(1, *every),
    }
    print(f"\n{'step':40} {'seconds':>9} {'peak MiB':>9}  runs")
    for name, r in results.items():
        print(f"{name:40} {r['seconds']:9.2f} {r['peak'] / 2**20:9.0f}  {r.get('runs', '')}")
    latest = results["export compliance (last day)"]["seconds"]
    size = (out / f"monthly-{month}.html").stat().st_size / 2**20
    print()
    targets = {"export compliance": "1.5x", "report monthly": "0.5x", "report school": "0.25x"}
    for name, r in results.items():
        target = next((t for k, t in targets.items() if name.startswith(k)), "")
        target = "2x" if "--all" in name else target
        if name != "export compliance (last day)":
            ratio = r["seconds"] / latest
            print(f"{name + ' / latest export':58} = {ratio:5.2f}x (target <= {target})")
    print(f"{'monthly report size':58} = {size:5.2f} MiB (target <= 2 MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--schools", type=int, default=400)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--reports-only",
        action="store_true",
        help="Only the reports and as-of exports, on the store already in --workdir.",
    )
    args = parser.parse_args()
    if args.reports_only and args.workdir is None:
        parser.error("--reports-only reads the store in --workdir")
    # Bytecode first, as an installed program has it: where PYTHONDONTWRITEBYTECODE is set, an
    # editable install would otherwise compile its modules again in every step (0.06 s each).
    import ehcp_audit

    compileall.compile_dir(Path(ehcp_audit.__file__).parent, quiet=1)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ehcp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log = work / "actions.csv"
    end = date(2026, 10, 31)
    if args.reports_only:
        read_side(args.repeat, work, end)
        return
    generated = None
    if not log.exists():
        # Timed (issue 4: about a million actions in under 30 s), and the data for the rest.
        generated = step(
            GENERATE,
            *("--children", str(args.children), "--schools", str(args.schools)),
            *("--years", str(args.years), "--seed", str(args.seed)),
            *("--end", end.isoformat(), "--out", str(log)),
        )
    earlier, latest = work / "earlier.csv", work / "latest.csv"
    if not latest.exists() or latest.stat().st_mtime < log.stat().st_mtime:
        subprocess.run(
            [PYTHON, "-c", HOLD_BACK, str(log), str(earlier), str(latest), str(NEW_ACTIONS)],
            check=True,
        )
    actions = sum(1 for _ in earlier.open(encoding="utf-8")) - 1
    store = work / "store.sqlite"
    view = work / "store.view.duckdb"
    floor_db = work / "floor.sqlite"
    saved = work / "saved"

    def clean_store() -> None:
        for path in work.glob("store*"):
            path.unlink()

    def clean_floor() -> None:
        floor_db.unlink(missing_ok=True)

    def restore_view() -> None:
        # Every catch-up starts from the same view: rebuilt, with the latest actions unread.
        for path in work.glob("store.view.duckdb*"):
            path.unlink()
        for path in saved.iterdir():
            shutil.copy2(path, work / path.name)

    results: dict[str, dict[str, float]] = {}
    results["raw floor (csv -> json -> sqlite)"] = median_of(
        args.repeat, RAW_FLOOR, str(earlier), str(floor_db), before=clean_floor
    )
    results["import actions"] = median_of(
        args.repeat, IMPORT, str(earlier), str(store), before=clean_store
    )
    results["single-pass rules over csv"] = median_of(
        args.repeat, SINGLE_PASS, str(earlier), end.isoformat()
    )
    results["full rebuild"] = median_of(args.repeat, REBUILD, str(store))
    step(IMPORT, str(latest), str(store))
    shutil.rmtree(saved, ignore_errors=True)
    saved.mkdir()
    for path in work.glob("store.view.duckdb*"):
        shutil.copy2(path, saved / path.name)
    assert view.exists()
    # A second or two each: more runs, for a steadier median on a noisy machine.
    results[f"catch-up after {NEW_ACTIONS:,} new"] = median_of(
        2 * args.repeat + 1, CATCH_UP, str(store), before=restore_view
    )
    results["export compliance"] = median_of(
        args.repeat, EXPORT, str(store), end.isoformat(), str(work / "c.csv")
    )
    results["export kpis"] = median_of(args.repeat, KPIS, str(store), end.isoformat())
    results["export sen2 (xlsx)"] = median_of(
        args.repeat, SEN2, str(store), str(end.year), str(work / "sen2.xlsx")
    )
    if generated is not None:
        results["samples generate"] = generated

    print(
        f"\n{actions:,} actions, then the latest {NEW_ACTIONS:,}; {args.children:,} children; "
        f"medians of {args.repeat} runs\n"
    )
    print(f"{'step':34} {'seconds':>9} {'peak MiB':>9}  runs")
    for name, r in results.items():
        print(f"{name:34} {r['seconds']:9.2f} {r['peak'] / 2**20:9.0f}  {r.get('runs', '')}")
    floor = results["raw floor (csv -> json -> sqlite)"]["seconds"]
    single = results["single-pass rules over csv"]["seconds"]
    rebuild = results["full rebuild"]["seconds"]
    print()
    imported = results["import actions"]["seconds"]
    print(f"import / raw floor            = {imported / floor:.2f}x (target <= 3x)")
    print(f"single-pass / rebuild         = {single / rebuild:.2f}x (target > 1x, aim 4x)")
    catch_up = results[f"catch-up after {NEW_ACTIONS:,} new"]["seconds"]
    print(f"catch-up / rebuild            = {catch_up / rebuild:.1%} (target <= 5%; whole steps)")
    operations = (
        results[f"catch-up after {NEW_ACTIONS:,} new"]["operation"],
        results["full rebuild"]["operation"],
    )
    print(
        f"  after Python's imports        {operations[0] / operations[1]:.1%} "
        f"({operations[0]:.2f} s of {operations[1]:.2f} s)"
    )
    peak = results["full rebuild"]["peak"] / 2**30
    print(f"rebuild peak memory           = {peak:.2f} GiB (target < 2 GiB; all its processes)")
    read_side(args.repeat, work, end)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
