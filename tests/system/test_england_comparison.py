"""Issue 21: the reports set England's published figure beside the authority's figure on DfE's
own definition and year (the `decision_4_weeks` row of `export dfe-measures`), never beside the
month's step rate. A hand-made history whose 2024 is hand-counted."""

from __future__ import annotations

import csv
import re

import pytest

from ehcp_audit.cli.main import cli
from tests.contract_helpers import Store, decision, meeting, plan

# Reviews completed in 2024 (statutory period ending in 2024, decided in 2024), days from the
# meeting to the decision: A1 20, A2 49, A3 21, A4 61, A5 20. Within 4 weeks: 3 of 5 = 60.0%.
# A6's period ends in 2025, so its quick December decision is not one of 2024's (DfE), though the
# step measure counts it in December 2024.
HISTORY = [
    plan("A1", "2023-03-01"), meeting("A1", "2024-02-10"), decision("A1", "2024-03-01", "amend"),
    plan("A2", "2023-05-01"), meeting("A2", "2024-04-01"), decision("A2", "2024-05-20"),
    plan("A3", "2023-06-01"), meeting("A3", "2024-05-15"), decision("A3", "2024-06-05"),
    plan("A4", "2023-09-01"), meeting("A4", "2024-08-01"), decision("A4", "2024-10-01"),
    plan("A5", "2023-10-01"), meeting("A5", "2024-09-20"), decision("A5", "2024-10-10"),
    plan("A6", "2024-01-15"), meeting("A6", "2024-12-01"), decision("A6", "2024-12-20"),
]  # fmt: skip
DFE_LINE = "DfE measure <code>decision_4_weeks</code>, 2024: this authority"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("england"))
    store.imp(HISTORY)
    return store


def cli_ok(store: Store, *args: str) -> None:
    result = store.runner.invoke(cli, ["--db", store.db, *args])
    assert result.exit_code == 0, result.output + str(result.exception)


def report(store: Store, kind: str, *args: str) -> str:
    out = store.tmp / f"{kind}-{'-'.join(args)}".replace("/", "_")
    cli_ok(store, "report", kind, *args, "--out", str(out))
    (page,) = out.glob("*.html")
    return page.read_text("utf-8")


def exported_percent(store: Store) -> str:
    out = store.tmp / "dfe-2024.csv"
    cli_ok(store, "export", "dfe-measures", "--year", "2024", "--out", str(out))
    with out.open(newline="", encoding="utf-8") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["variable"] == "decision_4_weeks"]
    return row["percent"] + "%"


def test_the_monthly_report_compares_england_on_dfes_definition(store: Store) -> None:
    page = report(store, "monthly", "--month", "2024-12", "--as-of", "2025-01-31")
    assert exported_percent(store) == "60.0%"
    card = re.search(r'<li class="card[^"]*" [^>]*"decision_4_weeks".*?</li>', page, re.S)
    assert card is not None
    assert 'data-rate="1.0000"' in card.group(0)  # December's step rate: A6 met, 1 of 1
    assert "DfE measure, 2024: this authority 60.0%; England 44.4% (median 41.1%)" in card.group(0)
    assert 'data-dfe-year="2024" data-dfe-percent="60.0%"' in card.group(0)
    assert f"{DFE_LINE} 60.0% (3 of 5); England 44.4% (median authority 41.1%)" in page  # table
    assert (
        "On DfE&#39;s measure for 2024, 60.0% (3 of 5) of annual reviews completed in the year "
        "were decided within 4 weeks of the meeting, against 44.4% across England (median "
        "authority 41.1%)." in page
    )
    assert "of decisions were issued within 4 weeks of the meeting, against" not in page


def test_a_year_not_over_is_not_compared(store: Store) -> None:
    page = report(store, "monthly", "--month", "2024-10", "--as-of", "2024-11-30")
    assert f"{DFE_LINE} no figure (2024 was not over on 30/11/2024)" in page


def test_the_inspection_pack_sets_each_whole_year_on_dfes_definition(store: Store) -> None:
    page = report(store, "inspection", "--from", "2024-01", "--to", "2025-01", "--as-of",
                  "2025-01-31", "--sample", "0")  # fmt: skip
    row = re.search(r'<tr data-year="2024" data-dfe-percent="([^"]*)"', page)
    assert row is not None and row.group(1) == "60.0%"
    assert "3 of 5" in page and "44.4% (41.1%)" in page
    part = re.search(r'<tr data-year="2025 \(January to January only\)" data-dfe-percent="', page)
    assert part is not None and "the pack covers part of 2025" in page


class _ArrowOnly:
    """The view's report data with its DataFrame answers refused: at authority scale a DataFrame
    of a year end's rows and of the whole log took seconds in every monthly report."""

    def __init__(self, data: object) -> None:
        self._data = data

    def __getattr__(self, name: str) -> object:
        if name in ("compliance", "setting_compliance", "entries"):
            raise AssertionError(f"the England figure read ReportData.{name}() (a DataFrame)")
        return getattr(self._data, name)


def test_the_england_figure_reads_the_views_arrow_rows_not_dataframes(store: Store) -> None:
    from datetime import date

    from ehcp_audit.bootstrap import Bootstrap
    from ehcp_audit.config import Settings
    from ehcp_audit.reports.data import ReportData
    from ehcp_audit.reports.england import dfe_figure

    data = Bootstrap(Settings(db=store.db)).report_data()
    arrow_only: ReportData = _ArrowOnly(data)  # type: ignore[assignment]
    try:
        figure = dfe_figure(arrow_only, "decision_4_weeks", 2024, date(2025, 1, 31))
    finally:
        data.view.close()  # type: ignore[attr-defined]
    assert (figure.part, figure.whole, figure.percent) == (3, 5, "60.0%")
