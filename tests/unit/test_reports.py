"""Reports: every figure equals `export kpis`, hostile ids stay text, files are self-contained."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports.due_list import build_due_list
from ehcp_audit.reports.inspection import build_inspection
from ehcp_audit.reports.method import RULES
from ehcp_audit.reports.monthly import build_monthly
from ehcp_audit.reports.school import build_school
from ehcp_audit.reports.steps import STEPS
from ehcp_audit.view.frames import compliance_connection
from ehcp_audit.view.kpis import kpis_frame
from ehcp_audit.view.periods import Month, month_range
from tests.report_fakes import HOSTILE_CHILD, HOSTILE_SCHOOL_NAME, HOSTILE_URN, FakeReportData
from tests.report_pages import COUNTS, Figures

AS_OF = date(2025, 3, 31)
def untagged(html: str) -> str:
    """The text of `html` without its tags (the reproduce command's words are spans)."""
    return re.sub(r"<[^>]*>", "", html)


def parse(path: Path) -> Figures:
    parser = Figures()
    parser.feed(path.read_text("utf-8"))
    return parser


def kpi_table(frame: pd.DataFrame, by_school: bool) -> dict[tuple[str, str], tuple[int | str, ...]]:
    return {
        (str(r.school_urn) if by_school else "", str(r.measure)): (
            *(int(getattr(r, c)) for c in COUNTS),
            str(r.rate),
        )
        for r in frame.itertuples(index=False)
    }


def shown(fig: dict[str, str]) -> tuple[int | str, ...]:
    return (*(int(fig[f"data-{c}"]) for c in COUNTS), fig["data-rate"])


ZERO = (0, 0, 0, 0, 0, "")


def one_decimal(met: int, denominator: int) -> str:
    """The rate as the reports show it, worked out here with Decimal rather than integers."""
    if not denominator:
        return "no rate"
    exact = Decimal(met) * 100 / Decimal(denominator)
    return f"{exact.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


@pytest.fixture(scope="module")
def data() -> FakeReportData:
    return FakeReportData(hostile=True)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def monthly(data: FakeReportData, out: Path) -> Path:
    return build_monthly(data, "2025-03", AS_OF, out)


@pytest.fixture(scope="module")
def school(data: FakeReportData, out: Path) -> Path:
    return build_school(data, "100002", "2025-03", AS_OF, out)


@pytest.fixture(scope="module")
def inspection(data: FakeReportData, out: Path) -> Path:
    return build_inspection(data, "2022-04", "2025-03", AS_OF, 3, 7, (HOSTILE_CHILD, "A-005"), out)


@pytest.fixture(scope="module")
def due_list(data: FakeReportData, out: Path) -> list[Path]:
    return build_due_list(data, "spring", 2025, date(2025, 2, 1), out)


def kpis(data: FakeReportData, month: str, by: str, as_of: date = AS_OF) -> pd.DataFrame:
    return kpis_frame(compliance_connection(data.compliance(as_of)), month, by)  # type: ignore[arg-type]


def all_reports(
    monthly: Path, school: Path, inspection: Path, due_list: list[Path]
) -> Iterator[Path]:
    yield monthly
    yield school
    yield inspection
    yield from (p for p in due_list if p.suffix == ".html")


def test_monthly_headline_equals_kpis(data: FakeReportData, monthly: Path) -> None:
    expected = kpi_table(kpis(data, "2025-03", "none"), by_school=False)
    headline = [f for f in parse(monthly).figures if not f["data-school"] and "data-month" not in f]
    assert {f["data-measure"] for f in headline} == set(MEASURES)
    for fig in headline:
        assert shown(fig) == expected.get(("", fig["data-measure"]), ZERO), fig["data-measure"]


def test_monthly_comparisons_equal_kpis_as_of_the_report_day(
    data: FakeReportData, monthly: Path
) -> None:
    """RULES.md: every figure of a report is computed as of the report's as-of date, the
    comparison months too (not as each stood at its own month end)."""
    text = monthly.read_text("utf-8")
    previous = kpi_table(kpis(data, "2025-02", "none"), by_school=False)
    last_year = kpi_table(kpis(data, "2024-03", "none"), by_school=False)
    at_month_end = kpi_table(kpis(data, "2025-02", "none", date(2025, 2, 28)), by_school=False)
    assert previous != at_month_end  # the data tells the two readings apart
    assert "Previous month and same month last year are counted as they stand on" in text
    for measure in MEASURES:
        row = re.search(rf'<tr data-measure="{measure}" data-school="".*?</tr>', text, re.S)
        assert row, measure
        cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
        for cell, table in zip(cells[-2:], (previous, last_year), strict=True):
            met, missed, overdue = (int(n) for n in table.get(("", measure), ZERO)[:3])
            assert re.sub(r"<[^>]+>", "", cell).startswith(one_decimal(met, met + missed + overdue))


def test_monthly_schools_and_trends_equal_kpis(data: FakeReportData, monthly: Path) -> None:
    figures = parse(monthly).figures
    by_school = kpi_table(kpis(data, "2025-03", "school"), by_school=True)
    cells = [f for f in figures if f["data-school"]]
    assert {f["data-school"] for f in cells} == {urn for urn, _ in by_school}
    for fig in cells:
        assert shown(fig) == by_school.get((fig["data-school"], fig["data-measure"]), ZERO)
    trend = [f for f in figures if "data-month" in f]
    months = {f["data-month"] for f in trend}
    assert months == {str(m) for m in month_range(Month.parse("2024-04"), Month.parse("2025-03"))}
    tables = {m: kpi_table(kpis(data, m, "none"), by_school=False) for m in months}
    for fig in trend:
        assert shown(fig) == tables[fig["data-month"]].get(("", fig["data-measure"]), ZERO)


def test_school_report_equals_kpis_for_its_urn(data: FakeReportData, school: Path) -> None:
    by_school = kpi_table(kpis(data, "2025-03", "school"), by_school=True)
    figures = [f for f in parse(school).figures if "data-month" not in f]
    assert figures and {f["data-school"] for f in figures} == {"100002"}
    for fig in figures:
        assert shown(fig) == by_school.get(("100002", fig["data-measure"]), ZERO)
    text = school.read_text("utf-8")
    assert "St Mary&#39;s C of E Academy" in text
    assert "C0000" not in text  # a child of another setting


def test_school_comparisons_equal_kpis_as_of_the_report_day(
    data: FakeReportData, school: Path
) -> None:
    text = school.read_text("utf-8")
    tables = [
        kpi_table(kpis(data, month, "school"), by_school=True) for month in ("2025-02", "2024-03")
    ]
    compared = 0
    for measure in MEASURES:
        row = re.search(rf'<tr data-measure="{measure}" data-school="100002".*?</tr>', text, re.S)
        if row is None:
            continue
        cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
        for cell, table in zip(cells[-2:], tables, strict=True):
            met, missed, overdue = (int(n) for n in table.get(("100002", measure), ZERO)[:3])
            assert re.sub(r"<[^>]+>", "", cell).startswith(one_decimal(met, met + missed + overdue))
            compared += 1
    assert compared >= 8


def test_inspection_figures_equal_summed_kpis(data: FakeReportData, inspection: Path) -> None:
    months = [str(m) for m in month_range(Month.parse("2022-04"), Month.parse("2025-03"))]
    monthly_tables = {m: kpi_table(kpis(data, m, "none"), by_school=False) for m in months}
    figures = parse(inspection).figures
    for fig in figures:
        if "data-month" in fig:
            assert shown(fig) == monthly_tables[fig["data-month"]].get(
                ("", fig["data-measure"]), ZERO
            )
            continue
        year = fig.get("data-year", "")[:4]
        chosen = [m for m in months if m.startswith(year)]
        sums = [
            sum(int(monthly_tables[m].get(("", fig["data-measure"]), ZERO)[i]) for m in chosen)
            for i in range(5)
        ]
        assert [int(fig[f"data-{c}"]) for c in COUNTS] == sums, fig


def test_benchmark_beside_decision_4_weeks(monthly: Path, inspection: Path) -> None:
    for path in (monthly, inspection):
        text = path.read_text("utf-8")
        assert "44.4%" in text and "41.1%" in text
    assert "Education, health and care plans" in inspection.read_text("utf-8")


def test_hostile_ids_render_as_text(monthly: Path, inspection: Path, due_list: list[Path]) -> None:
    for path in (monthly, inspection, *[p for p in due_list if p.suffix == ".html"]):
        text = path.read_text("utf-8")
        assert "<script" not in text.lower(), path
        assert "alert(" not in re.sub(r"&lt;script&gt;alert\(", "", text)
    assert "&lt;script&gt;alert(&#34;child&#34;)&lt;/script&gt;" in inspection.read_text("utf-8")
    monthly_text = monthly.read_text("utf-8")
    assert "Bad &#34;name&#34; &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in monthly_text
    assert HOSTILE_SCHOOL_NAME not in monthly_text and HOSTILE_URN not in monthly_text


def test_hostile_urn_cannot_escape_the_output_folder(data: FakeReportData, tmp_path: Path) -> None:
    path = build_school(data, "../../etc/" + HOSTILE_URN, "2025-03", AS_OF, tmp_path)
    assert path.parent == tmp_path and "<" not in path.name and "/" not in path.name


def test_self_contained(
    monthly: Path, school: Path, inspection: Path, due_list: list[Path]
) -> None:
    for path in all_reports(monthly, school, inspection, due_list):
        parsed = parse(path)
        text = path.read_text("utf-8")
        for tag, attr, url in parsed.urls:
            assert not re.match(r"\s*(https?:)?//", url, re.I), (path.name, tag, attr, url)
            assert not url.lower().startswith(("javascript:", "data:")), url
        assert not [t for t, a in parsed.tags if t in ("script", "iframe", "img", "link", "object")]
        assert "@import" not in text and "url(" not in text
        assert '<html lang="en-GB">' in text and 'href="#main"' in text


def test_reports_show_provenance(data: FakeReportData, monthly: Path, inspection: Path) -> None:
    position = data.log_position()
    for path in (monthly, inspection):
        text = path.read_text("utf-8")
        assert f"--at-position {position}" in untagged(text)
        assert data.head_hash() in text  # type: ignore[operator]
        assert "tracker-2024.csv" in text
    assert "ehcp-audit report monthly --month 2025-03 --as-of 2025-03-31" in untagged(
        monthly.read_text("utf-8")
    )


def test_head_hash_not_yet_available(tmp_path: Path) -> None:
    class NoHash(FakeReportData):
        def head_hash(self) -> str | None:
            return None

    text = build_monthly(NoHash(), "2025-03", AS_OF, tmp_path).read_text("utf-8")
    assert "not yet available" in text


def test_monthly_lists_and_data_quality(data: FakeReportData, monthly: Path) -> None:
    text = monthly.read_text("utf-8")
    overdue = (data.compliance(AS_OF)["status"] == "overdue").sum()
    assert f"Overdue steps in current reviews ({overdue})" in text  # one cycle a child: all current
    assert "Send the completed review paperwork to the LA" in text
    assert "Issue the decision" in text and "local authority" in text
    assert "entered against the wrong child" in text  # the void of A-005's invitations
    assert "is not a role" in text and "no plan_issued for X-9" not in text  # rejects of March only
    assert "A-002" in text  # its meeting has attendees not recorded


def test_due_list(data: FakeReportData, due_list: list[Path]) -> None:
    folder = due_list[0].parent
    assert due_list[0].name == "index.html" and (folder / "due-list.csv").exists()
    rows = list(csv.DictReader((folder / "due-list.csv").open(encoding="utf-8")))
    compliance = data.compliance(date(2025, 2, 1))
    due = compliance[
        (compliance["measure"] == "review_on_time")
        & (compliance["deadline"] >= date(2025, 1, 1))
        & (compliance["deadline"] <= date(2025, 3, 31))
    ]
    assert sorted(r["child_id"] for r in rows) == sorted(due["child_id"])
    a003 = next(r for r in rows if r["child_id"] == "A-003")
    assert (a003["due_on"], a003["invitations_4_weeks_deadline"]) == ("2025-03-20", "2025-02-20")
    assert (
        a003["decision_4_weeks_deadline"] == ""
        and a003["school_name"] == "St Mary's C of E Academy"
    )
    page = (folder / "school-100002.html").read_text("utf-8")
    assert "A-003" in page and "4 weeks after the meeting" in page and "20 February 2025" in page
    assert 'href="school-100002.html"' in due_list[0].read_text("utf-8")


def test_inspection_cases(inspection: Path) -> None:
    text = inspection.read_text("utf-8")
    assert '<del class="voided">Invitations sent</del>' in text
    assert "Voided: entered against the wrong child" in text
    assert text.count('<article class="case"') == 5  # 3 sampled + 2 chosen
    for rule in RULES:
        assert rule.source.replace('"', "&#34;") in text


def test_sample_is_reproducible(data: FakeReportData, tmp_path: Path) -> None:
    first = build_inspection(data, "2024-01", "2024-12", AS_OF, 4, 11, (), tmp_path / "a")
    again = build_inspection(data, "2024-01", "2024-12", AS_OF, 4, 11, (), tmp_path / "b")
    assert first.read_bytes() == again.read_bytes()


def test_every_measure_has_words_and_a_rule() -> None:
    assert tuple(STEPS) == MEASURES
    assert tuple(r.measure for r in RULES) == MEASURES


def test_cli_writes_reports(tmp_path: Path) -> None:
    from ehcp_audit.bootstrap import Bootstrap
    from ehcp_audit.cli.main import cli
    from ehcp_audit.cli.report_cmds import report

    seen: list[int | None] = []
    full_checks: list[bool] = []

    def fake(boot: object, at_position: int | None, full_check: bool) -> FakeReportData:
        seen.append(at_position)
        full_checks.append(full_check)
        return FakeReportData(position=at_position)

    cli.add_command(report)
    runner = CliRunner()
    fakes = partial(Bootstrap, report_data_factory=fake)
    out = str(tmp_path)
    cases = [
        (
            ["monthly", "--month", "2025-03", "--as-of", "2025-03-31"],
            ["monthly-2025-03.html", "worklist-2025-03.xlsx"],
        ),
        (["school", "100001", "--month", "2025-03"], ["school-100001-2025-03.html"]),
        (["school", "--urn", "100002", "--month", "2025-03"], ["school-100002-2025-03.html"]),
        (
            ["due-list", "--term", "summer", "--year", "2025", "--as-of", "2025-04-01"],
            ["due-list-2025-summer/index.html", "due-list-2025-summer/due-list.csv"],
        ),
        (
            [
                "inspection",
                "--from",
                "2024-04",
                "--to",
                "2025-03",
                "--sample",
                "2",
                "--seed",
                "3",
                "--child",
                "A-001",
                "--child",
                "A-002",
                "--at-position",
                "99",
            ],
            ["inspection-2024-04-to-2025-03.html"],
        ),
    ]
    for args, files in cases:
        result = runner.invoke(cli, ["report", *args, "--out", out], obj=fakes)
        assert result.exit_code == 0, result.output
        printed = result.output.split()
        for name in files:
            assert str(tmp_path / name) in printed
            assert (tmp_path / name).exists()
    assert seen == [None, None, None, None, 99]
    assert full_checks == [False, False, False, False, True]  # the pack hashes the whole log
    school_page = (tmp_path / "school-100001-2025-03.html").read_text("utf-8")
    assert "ehcp-audit report school 100001 --month 2025-03" in untagged(school_page)
    pack = (tmp_path / "inspection-2024-04-to-2025-03.html").read_text("utf-8")
    assert "--at-position 99" in untagged(pack)


def test_cli_rejects_bad_options() -> None:
    from ehcp_audit.bootstrap import Bootstrap
    from ehcp_audit.cli.main import cli
    from ehcp_audit.cli.report_cmds import report

    cli.add_command(report)
    runner = CliRunner()
    fakes = partial(Bootstrap, report_data_factory=lambda *_: FakeReportData())
    invoke = partial(runner.invoke, cli, obj=fakes)
    assert invoke(["report", "monthly", "--month", "2025-3"]).exit_code == 2
    assert invoke(["report", "due-list", "--term", "winter", "--year", "2025"]).exit_code == 2
    bad = invoke(["report", "inspection", "--from", "2025-03", "--to", "2024-03"])
    assert bad.exit_code == 2 and "before" in bad.output


def test_cli_school_needs_a_known_urn(tmp_path: Path) -> None:
    from ehcp_audit.bootstrap import Bootstrap
    from ehcp_audit.cli.main import cli
    from ehcp_audit.cli.report_cmds import report

    cli.add_command(report)
    runner = CliRunner()
    fakes = partial(Bootstrap, report_data_factory=lambda *_: FakeReportData())
    base = ["report", "school", "--month", "2025-03", "--out", str(tmp_path)]
    typo = runner.invoke(cli, [*base, "100009"], obj=fakes)
    assert typo.exit_code == 2 and "no setting with URN '100009'" in typo.output
    assert "100001" in typo.output  # the known URNs are listed
    assert runner.invoke(cli, base, obj=fakes).exit_code == 2  # no URN at all
    both = runner.invoke(cli, [*base, "100001", "--urn", "100002"], obj=fakes)
    assert both.exit_code == 2 and "two different URNs" in both.output
    assert not list(tmp_path.iterdir())


def missed_rows(path: Path) -> Counter[str]:
    return Counter(re.findall(r'<tr data-missed-measure="([a-z0-9_]+)"', path.read_text("utf-8")))


def test_missed_lists_name_every_missed_row_of_the_month(
    data: FakeReportData, monthly: Path, school: Path
) -> None:
    overall = kpi_table(kpis(data, "2025-03", "none"), by_school=False)
    expected = {m: overall[("", m)][1] for (_, m) in overall if overall[("", m)][1]}
    assert expected and dict(missed_rows(monthly)) == expected
    by_school = kpi_table(kpis(data, "2025-03", "school"), by_school=True)
    mine = {m: c[1] for (urn, m), c in by_school.items() if urn == "100002" and c[1]}
    assert mine and dict(missed_rows(school)) == mine
    text = monthly.read_text("utf-8")
    assert "Missed in March 2025" in text and "late (" in text
