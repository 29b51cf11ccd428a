"""The committed sample authority through the real store and the command line (issues 4 and 5):
every measure has met, missed, overdue and pending rows; schools differ; the reports' figures
equal `export kpis`; `--at-position` reproduces a report after later corrections; text from an
imported file (school names, reasons) renders as text."""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ehcp_audit.cli.main import _register
from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports.current_work import LIST_LIMIT
from tests.cli_runs import ok, read, run
from tests.report_pages import COUNTS, Figures

_register()

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "sample_la.csv"
END = "2026-10-31"
MONTH = "2026-10"
# RULES.md step 4: without a deadline nothing can be overdue.
NO_DEADLINE = {
    "ehcp_copy_with_invitation",
    "invitees_complete",
    "essential_participation",
    "topics_covered",
}

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="data/samples/sample_la.csv missing")


def figures(path: Path) -> list[dict[str, str]]:
    parser = Figures()
    parser.feed(path.read_text("utf-8"))
    return parser.figures


def kpis(db: Path, tmp: Path, period: str, as_of: str, by: str) -> dict[tuple[str, str], tuple]:
    out = tmp / f"kpis-{period}-{as_of}-{by}.csv"
    ok(db, "export", "kpis", "--period", period, "--as-of", as_of, "--by", by,
       "--format", "csv", "--out", str(out))  # fmt: skip
    return {
        (r["school_urn"], r["measure"]): (*(int(r[c]) for c in COUNTS), r["rate"])
        for r in read(out)
    }


def shown(fig: dict[str, str]) -> tuple:
    return (*(int(fig[f"data-{c}"]) for c in COUNTS), fig["data-rate"])


ZERO = (0, 0, 0, 0, 0, "")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample-store") / "sample.sqlite"
    output = ok(db, "import", "actions", str(SAMPLE))
    assert "0 rejected" in output
    ok(db, "project")
    return db


@pytest.fixture(scope="module")
def compliance(store: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    out = tmp_path_factory.mktemp("compliance") / "compliance.csv"
    ok(store, "export", "compliance", "--as-of", END, "--format", "csv", "--out", str(out))
    return read(out)


# -- issue 4: the committed sample -------------------------------------------------------------


def test_every_measure_has_met_missed_overdue_and_pending_rows(
    compliance: list[dict[str, str]],
) -> None:
    counts = Counter((r["measure"], r["status"]) for r in compliance)
    for measure in MEASURES:
        wanted = ("met", "missed", "pending") + (() if measure in NO_DEADLINE else ("overdue",))
        for status in wanted:
            assert counts[measure, status] > 0, (measure, status)


def test_schools_differ_visibly(compliance: list[dict[str, str]]) -> None:
    for measure in ("review_on_time", "decision_4_weeks", "paperwork_2_weeks"):
        tally: dict[str, Counter[str]] = defaultdict(Counter)
        for r in compliance:
            if r["measure"] == measure:
                tally[r["school_urn"]][r["status"]] += 1
        rates = []
        for c in tally.values():
            judged = c["met"] + c["missed"] + c["overdue"]
            if judged >= 40:
                rates.append(c["met"] / judged)
        assert len(rates) >= 5, measure
        assert max(rates) - min(rates) >= 0.2, (measure, sorted(rates))


# -- issue 5: the reports against `export kpis`, from the real store ----------------------------


def test_monthly_and_school_reports_equal_export_kpis(
    store: Path, compliance: list[dict[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    path = ok(store, "report", "monthly", "--month", MONTH, "--as-of", END,
              "--out", str(out)).split()[0]  # the report, then its companion workbook  # fmt: skip
    shown_figures = figures(Path(path))
    overall = kpis(store, tmp_path, MONTH, END, "none")
    by_school = kpis(store, tmp_path, MONTH, END, "school")
    headline = [f for f in shown_figures if not f["data-school"] and "data-month" not in f]
    assert {f["data-measure"] for f in headline} == set(MEASURES)
    for fig in headline:
        assert shown(fig) == overall.get(("", fig["data-measure"]), ZERO), fig
    cells = [f for f in shown_figures if f["data-school"]]
    assert len({f["data-school"] for f in cells}) >= 5
    for fig in cells:
        assert shown(fig) == by_school.get((fig["data-school"], fig["data-measure"]), ZERO), fig
    trend = [f for f in shown_figures if f.get("data-month") == "2026-05"]
    may = kpis(store, tmp_path, "2026-05", END, "none")
    assert trend
    for fig in trend:
        assert shown(fig) == may.get(("", fig["data-measure"]), ZERO), fig

    # The missed list (the workbook's; the page shows at most 50 of it) names exactly the
    # compliance rows counted as missed in the month.
    page = Counter(
        re.findall(r'<tr data-missed-measure="([a-z0-9_]+)" data-child="([^"]+)"',
                   Path(path).read_text("utf-8"))
    )  # fmt: skip
    book = load_workbook(Path(path).parent / f"worklist-{MONTH}.xlsx", read_only=True)
    filed = list(book["Missed in month"].iter_rows(min_row=2, values_only=True))
    book.close()
    listed = Counter((str(r[4]), str(r[0])) for r in filed)
    assert sum(page.values()) == min(LIST_LIMIT, len(filed)) and not page - listed
    in_month = Counter(
        (r["measure"], r["child_id"])
        for r in compliance
        if r["status"] == "missed"
        and (r["deadline"] or r["done_on"] or r["meeting_on"]).startswith(MONTH)
    )
    assert listed and listed == in_month

    busiest = Counter(f["data-school"] for f in cells).most_common(1)[0][0]
    (school_path,) = ok(store, "report", "school", busiest, "--month", MONTH, "--as-of", END,
                        "--out", str(out)).split()  # fmt: skip
    school_figures = [f for f in figures(Path(school_path)) if "data-month" not in f]
    assert {f["data-school"] for f in school_figures} == {busiest}
    for fig in school_figures:
        assert shown(fig) == by_school.get((busiest, fig["data-measure"]), ZERO), fig


def test_at_position_reproduces_a_report_after_a_correction(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(store, db)
    view = store.with_suffix(".view.duckdb")
    if view.exists():
        shutil.copy(view, db.with_suffix(".view.duckdb"))
    args = ["report", "monthly", "--month", MONTH, "--as-of", END]
    first = Path(ok(db, *args, "--out", str(tmp_path / "a")).split()[0])
    before = first.read_text("utf-8")
    position = re.search(r"--at-position (\d+)", re.sub(r"<[^>]*>", "", before))
    assert position
    # Void an October decision: the month's decision figures change.
    decision = next(
        r
        for r in read(SAMPLE)
        if r["action"] == "decision_issued" and r["occurred_on"].startswith(MONTH)
    )
    void = ["void", "--child", decision["child_id"], "--action", "decision_issued"]
    ok(db, *void, "--occurred-on", decision["occurred_on"], "--reason", "wrong child")
    now = Path(ok(db, *args, "--out", str(tmp_path / "b")).split()[0]).read_text("utf-8")
    assert figures_of(now) != figures_of(before)
    again = Path(
        ok(db, *args, "--at-position", position.group(1), "--out", str(tmp_path / "c")).split()[0]
    )
    assert again.read_text("utf-8") == before


def figures_of(text: str) -> list[dict[str, str]]:
    parser = Figures()
    parser.feed(text)
    return parser.figures


# -- hostile text through the importer ------------------------------------------------------------

HOSTILE_NAME = '<script>alert("school")</script> O\'Brien "Academy" & Co'
HOSTILE_REASON = "<script>alert('void')</script> \"typed\" twice"


def test_text_from_an_imported_file_renders_as_text(tmp_path: Path) -> None:
    log = tmp_path / "hostile.csv"
    header = ["child_id", "action", "occurred_on", "date_of_birth", "school_urn", "school_name",
              "attendees", "topics", "decision", "reason", "void_action",
              "void_occurred_on", "recorded_at"]  # fmt: skip
    rows = [
        ["H-1", "plan_issued", "2025-01-10", "2012-05-10", "100001", HOSTILE_NAME],
        ["H-1", "meeting_held", "2025-12-01", "", "", "", "parent_carer;child", "concerns"],
        ["H-1", "decision_issued", "2025-12-20", *[""] * 5, "maintain"],
        [
            "H-1",
            "void",
            "2026-01-05",
            *[""] * 6,
            HOSTILE_REASON,
            "decision_issued",
            "2025-12-20",
            "2026-01-05T10:00:00",
        ],
        ['H"2', "plan_issued", "2025-01-10", "2012-05-10", "100001"],
        ["<script>", "plan_issued", "2025-01-10", "2012-05-10", "100001"],
    ]
    with log.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(row + [""] * (len(header) - len(row)) for row in rows)
    db = tmp_path / "h.sqlite"
    imported = run(db, "import", "actions", str(log), "--rejects", str(tmp_path / "rej.csv"))
    # Ids with quotes or markup never enter the store (RULES.md: A-Z a-z 0-9 - _ /).
    assert imported.exit_code == 3, imported.output
    assert {r["child_id"] for r in read(tmp_path / "rej.csv")} == {'H"2', "<script>"}

    out = tmp_path / "reports"
    paths = [
        *ok(db, "report", "monthly", "--month", "2025-12", "--as-of", "2026-01-31",
            "--out", str(out)).split(),
        *ok(db, "report", "monthly", "--month", "2026-01", "--as-of", "2026-01-31",
            "--out", str(out)).split(),
        *ok(db, "report", "school", "100001", "--month", "2025-12", "--as-of", "2026-01-31",
            "--out", str(out)).split(),
        *ok(db, "report", "inspection", "--from", "2025-01", "--to", "2026-01", "--as-of",
            "2026-01-31", "--child", "H-1", "--out", str(out)).split(),
        *ok(db, "report", "due-list", "--term", "spring", "--year", "2026", "--as-of",
            "2025-12-15", "--out", str(out)).split(),
    ]  # fmt: skip
    pages = {Path(p).name: Path(p).read_text("utf-8") for p in paths if p.endswith(".html")}
    assert len(pages) >= 5
    for name, text in pages.items():
        assert "<script" not in text.lower(), name
    escaped_name = (
        "&lt;script&gt;alert(&#34;school&#34;)&lt;/script&gt; O&#39;Brien "
        "&#34;Academy&#34; &amp; Co"
    )
    for name in ("monthly-2025-12.html", "school-100001-2025-12.html", "index.html"):
        assert escaped_name in pages[name], name
    escaped_reason = "&lt;script&gt;alert(&#39;void&#39;)&lt;/script&gt; &#34;typed&#34; twice"
    assert escaped_reason in pages["inspection-2025-01-to-2026-01.html"]
    assert escaped_reason in pages["monthly-2026-01.html"]  # data quality: voids of the month
