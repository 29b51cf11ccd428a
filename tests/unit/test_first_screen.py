"""Issue 18, "first screen answers the question": the summary, the headline cards, one-decimal
rates, the few-cases rule, and England and target lines on the trend charts."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehcp_audit.reports.benchmarks import national_benchmarks
from ehcp_audit.reports.charts import BOTTOM, HEIGHT, TOP
from ehcp_audit.reports.england import DfeFigure
from ehcp_audit.reports.figures import Counts
from ehcp_audit.reports.headline import Comparison, MeasureFigure
from ehcp_audit.reports.monthly import build_monthly, monthly_context
from ehcp_audit.reports.rate_format import change_text
from ehcp_audit.reports.school import build_school, school_context
from ehcp_audit.reports.steps import STEPS
from ehcp_audit.reports.summary import OwnerCounts, monthly_summary, school_summary
from ehcp_audit.view.periods import Month
from tests.report_fakes import FakeReportData

MARCH = Month(2025, 3)
AS_OF = date(2025, 3, 31)


# The authority's 2024 on DfE's definition, as `export dfe-measures` would give it.
DFE_2024 = DfeFigure("decision_4_weeks", 2024, 107, 219, "48.9%")


def figure(
    measure: str, now: Counts, before: Counts, dfe: DfeFigure | None = DFE_2024
) -> MeasureFigure:
    step = STEPS[measure]
    benchmark = national_benchmarks().get(measure)
    previous = Comparison("February 2025", before, change_text(now, before))
    dfe = dfe if benchmark else None
    return MeasureFigure(measure, step.title, step.owner, now, previous, None, benchmark, dfe)


@pytest.mark.parametrize(
    ("met", "missed", "shown"),
    [
        (27, 5, "84.4%"),
        (2, 1, "66.7%"),
        (1, 15, "6.3%"),
        (7, 1, "87.5%"),
        (10, 0, "100.0%"),
        (0, 12, "0.0%"),
        (0, 0, "no rate"),
    ],
)
def test_rates_show_one_decimal_rounded_half_up(met: int, missed: int, shown: str) -> None:
    assert Counts(met=met, missed=missed).percent == shown


def test_under_ten_cases_no_change_in_points_is_computed() -> None:
    one, ten = Counts(met=0, missed=1), Counts(met=7, missed=3)
    assert one.few and not ten.few and not Counts().few
    assert Counts(met=5, overdue=4).few and not Counts(met=5, overdue=5).few
    assert change_text(one, ten) == "not compared (few cases)"
    assert change_text(ten, one) == "not compared (few cases)"
    assert change_text(Counts(met=9, missed=1), ten) == "+20.0 points"
    assert change_text(ten, Counts(met=27, missed=5)) == "−14.4 points"
    assert change_text(ten, Counts(met=70, missed=30)) == "no change"


def test_monthly_summary_sentences() -> None:
    figures = (
        figure("review_on_time", Counts(met=27, missed=5), Counts(met=20, missed=10)),
        figure("review_decided_12_months", Counts(met=2, overdue=1), Counts(met=8, missed=2)),
        figure("decision_4_weeks", Counts(met=6, missed=6), Counts(met=0, missed=4)),
    )
    schools = [
        ("Oakfield Primary School", Counts(met=3, missed=7)),
        ("URN 100004", Counts(met=1, missed=3)),  # few cases: never named as lowest
        ("St Mary's C of E Academy", Counts(met=9, missed=3)),
        ("Riverside Special School", Counts(met=5, missed=7)),
        ("Hilltop Academy", Counts(met=19, overdue=1)),
    ]
    assert monthly_summary(MARCH, AS_OF, figures, OwnerCounts(12, 5), schools) == (
        "In March 2025, 84.4% (27 of 32) of annual review meetings were held by their due date, "
        "up 17.7 points on February 2025; 66.7% (2 of 3, few cases) of reviews were decided "
        "within 12 months (the statutory measure), not compared with February 2025 "
        "(no rate or too few cases).",
        "On DfE's measure for 2024, 48.9% (107 of 219) of annual reviews completed in the year "
        "were decided within 4 weeks of the meeting, against 44.4% across England (median "
        "authority 41.1%).",
        "On 31 March 2025, 17 steps were overdue: 12 owed by settings and 5 by the local "
        "authority.",
        "Lowest share of steps done on time in March 2025, among settings with 10 or more steps "
        "due: Oakfield Primary School 30.0% (3 of 10), Riverside Special School 41.7% (5 of 12) "
        "and St Mary's C of E Academy 75.0% (9 of 12).",
    )


def test_school_summary_sets_the_setting_against_the_authority() -> None:
    figures = (
        figure("review_on_time", Counts(met=5, missed=5), Counts(met=6, missed=4)),
        figure("review_decided_12_months", Counts(), Counts()),
    )
    authority = {
        "review_on_time": Counts(met=30, missed=10),
        "review_decided_12_months": Counts(met=45, missed=5),
    }
    assert school_summary(MARCH, AS_OF, figures, authority, OwnerCounts(1, 0)) == (
        "In March 2025, 50.0% (5 of 10) of annual review meetings were held by their due date, "
        "down 10.0 points on February 2025; nothing was due for “Review decided within 12 "
        "months (statutory)”.",
        "Across the local authority, 75.0% (30 of 40) of annual review meetings were held by "
        "their due date and 90.0% (45 of 50) of reviews were decided within 12 months (the "
        "statutory measure).",
        "On 31 March 2025, 1 step was overdue: 1 owed by the setting and 0 by the local authority.",
    )


def overdue_by_owner_in(data: FakeReportData, urn: str | None = None) -> Counter[str]:
    """Independently of the report: the fake's overdue rows on AS_OF, by the step's owner."""
    rows = data.compliance(AS_OF)
    rows = rows[rows["status"] == "overdue"]
    if urn is not None:
        rows = rows[rows["school_urn"] == urn]
    return Counter(STEPS[m].owner for m in rows["measure"])


def test_summary_from_the_fake_authority() -> None:
    data = FakeReportData()
    monthly = monthly_context(data, MARCH, AS_OF)
    owners = overdue_by_owner_in(data)
    assert monthly.summary == (
        "In March 2025, 42.9% (3 of 7, few cases) of annual review meetings were held by their "
        "due date, not compared with February 2025 (no rate or too few cases); nothing was due "
        "for “Review decided within 12 months (statutory)”.",
        "On DfE's measure for 2024, 44.4% across England (median authority 41.1%); no figure "
        "for this authority (no review was completed in 2024).",
        f"On 31 March 2025, {owners.total()} steps were overdue: {owners['setting']} owed by "
        f"settings and {owners['local authority']} by the local authority.",
        "No setting had 10 or more steps due in March 2025, so none is named as the lowest.",
    )
    school = school_context(data, "100002", MARCH, AS_OF)
    mine = overdue_by_owner_in(data, "100002")
    assert school.summary[1].startswith("Across the local authority, 42.9% (3 of 7, few cases)")
    assert school.summary[2] == (
        f"On 31 March 2025, {mine.total()} steps were overdue: {mine['setting']} owed by the "
        f"setting and {mine['local authority']} by the local authority."
    )


def cards(path: Path) -> list[str]:
    return re.findall(r'<li class="card[^"]*" data-measure="([a-z0-9_]+)"', path.read_text("utf-8"))


def test_headline_cards_include_the_12_month_measure_and_mark_few_cases(tmp_path: Path) -> None:
    data = FakeReportData()
    monthly = build_monthly(data, MARCH, AS_OF, tmp_path)
    school = build_school(data, "100002", MARCH, AS_OF, tmp_path)
    expected = [
        "review_on_time",
        "review_decided_12_months",
        "invitations_2_weeks",
        "decision_4_weeks",
        "final_plan_8_weeks",
    ]
    assert cards(monthly) == expected
    assert cards(school)  # the school report shows the measures it can affect (issue 18)
    text = monthly.read_text("utf-8")
    card = re.search(
        r'<li class="card card--few" data-measure="review_on_time".*?</li>', text, re.S
    )
    assert card and "3 of 7" in card.group(0) and "few cases" in card.group(0)
    assert "points" not in card.group(0)
    # The summary and the cards come before anything else the reader has to scroll past.
    assert text.index('id="summary"') < text.index('class="cards"') < text.index('class="toc"')
    assert text.index('id="provenance"') > text.index('id="how-to-read"')
    assert not re.search(r"\d\.\d\d%", text)


def reference_ys(path: Path, measure: str, kind: str) -> list[float]:
    chart = re.search(
        rf'<figure class="chart" aria-labelledby="chart-{measure}-title">.*?</figure>',
        path.read_text("utf-8"),
        re.S,
    )
    assert chart, measure
    return [float(y) for y in re.findall(rf'reference--{kind}"[^>]*y1="([0-9.]+)"', chart.group(0))]


def y_of(percent: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100), 1)


def test_england_and_target_lines_on_the_trend_charts(tmp_path: Path) -> None:
    targets = {"review_on_time": Decimal("90"), "topics_covered": Decimal("62.5")}
    path = build_monthly(FakeReportData(), MARCH, AS_OF, tmp_path, targets)
    assert reference_ys(path, "decision_4_weeks", "england") == [y_of(44.4)]
    assert reference_ys(path, "review_on_time", "england") == []
    assert reference_ys(path, "review_on_time", "target") == [y_of(90)]
    assert reference_ys(path, "topics_covered", "target") == [y_of(62.5)]  # a chart of its own
    assert reference_ys(path, "decision_4_weeks", "target") == []
    text = path.read_text("utf-8")
    assert "Target: 90.0%" in text and "England 2024 (DfE, whole year): 44.4%" in text
    reproduce = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    assert "--target review_on_time=90 --target topics_covered=62.5" in reproduce


def test_cli_targets_are_validated(tmp_path: Path) -> None:
    from ehcp_audit.bootstrap import Bootstrap
    from ehcp_audit.cli.main import cli
    from ehcp_audit.cli.report_cmds import report

    cli.add_command(report)
    fakes = partial(Bootstrap, report_data_factory=lambda *_: FakeReportData())
    invoke = partial(CliRunner().invoke, cli, obj=fakes)
    out = ["--out", str(tmp_path)]
    monthly = ["report", "monthly", "--month", "2025-03", *out, "--target"]
    school = ["report", "school", "100001", "--month", "2025-03", *out, "--target"]
    for bad, says in [
        ("review_on_tme=90", "'review_on_tme' is not a measure"),
        ("review_on_time=101", "not a percentage from 0 to 100"),
        ("review_on_time=-1", "not a percentage from 0 to 100"),
        ("review_on_time=ninety", "'ninety' is not a percentage"),
        ("review_on_time=nan", "not a percentage from 0 to 100"),
        ("review_on_time", "is not MEASURE=PCT"),
    ]:
        for command in (monthly, school):
            result = invoke([*command, bad])
            assert result.exit_code == 2 and says in result.output, (bad, result.output)
            assert "Traceback" not in result.output
    twice = invoke([*monthly, "review_on_time=90", "--target", "review_on_time=80"])
    assert twice.exit_code == 2 and "two targets for review_on_time" in twice.output
    assert not list(tmp_path.iterdir())
    good = invoke([*school, "review_on_time=95%"])
    assert good.exit_code == 0, good.output
    assert "Target: 95.0%" in Path(good.output.strip()).read_text("utf-8")
