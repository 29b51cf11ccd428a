"""Issue 21: `export dfe-measures`. A handful of children written as an action log, imported
through the command line, and each DfE variable hand-counted from the history below."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from ehcp_audit.cli.main import cli
from tests.contract_helpers import Store, decision, meeting, plan, row, void

# Calendar year 2025, as of 31 December 2025. The statutory period of a plan runs 12 months from
# its issue, then from each decision; a review is completed by the LA's decision.
REVIEWS = [
    # C1: period ends 2025-03-01, amend decided 2025-03-05, 23 days after the meeting.
    plan("C1", "2024-03-01", dob="2012-05-10"),
    meeting("C1", "2025-02-10"),
    decision("C1", "2025-03-05", "amend"),
    # C2: period ends 2025-06-01, maintain decided 50 days after the meeting.
    plan("C2", "2024-06-01"),
    meeting("C2", "2025-05-01"),
    decision("C2", "2025-06-20", "maintain"),
    # C3: cease decided within 4 weeks, plan ceased later in the year (still counted).
    plan("C3", "2024-09-15"),
    meeting("C3", "2025-09-01"),
    decision("C3", "2025-09-10", "cease"),
    row("C3", "plan_ceased", "2025-10-20", reason="no longer needed"),
    # C4: decided on the last day of the year, 26 days after the meeting.
    plan("C4", "2024-12-20"),
    meeting("C4", "2025-12-05"),
    decision("C4", "2025-12-31", "maintain"),
    # C5: reviewed early in 2024; the next period ends 2025-10-15 with no decision.
    plan("C5", "2024-01-20"),
    meeting("C5", "2024-10-01"),
    decision("C5", "2024-10-15", "maintain"),
    # C5B: reviewed early in 2024, ceased before its next period ended: completed prior.
    plan("C5B", "2024-02-10"),
    meeting("C5B", "2024-11-01"),
    decision("C5B", "2024-11-20", "maintain"),
    row("C5B", "plan_ceased", "2025-06-01", reason="moved away"),
    # C6: issued in 2025, first review due 2026: not expected.
    plan("C6", "2025-04-01"),
    # C7: period ends 2025-12-31; decided 2026-01-01, so not completed in 2025.
    plan("C7", "2024-12-31"),
    meeting("C7", "2025-12-03"),
    decision("C7", "2026-01-01", "maintain"),
    # C8: period ends 2026-01-01: expected in 2026, not 2025.
    plan("C8", "2025-01-01"),
    # C10: an amend recorded in error and voided; the maintain of the same day, 40 days after the
    # meeting, counts.
    plan("C10", "2024-07-01"),
    meeting("C10", "2025-06-20"),
    decision("C10", "2025-07-30", "amend"),
    decision("C10", "2025-07-30", "maintain"),
    void("C10", "2025-08-01", "decision_issued", "2025-07-30"),
    # C12: no decision after its 2024 meeting; the next meeting's decision, 9 days on, completes
    # the period that ended 2025-02-01 (RULES.md s.3, the statutory 12-month clock).
    plan("C12", "2024-02-01"),
    meeting("C12", "2024-12-01"),
    meeting("C12", "2025-03-01"),
    decision("C12", "2025-03-10", "maintain"),
    # C13: reviewed twice in 2024, then ceased: its period ending 2025-05-10 was completed in
    # 2024, but a plan ceased before the year has no review expected in it.
    plan("C13", "2023-06-01"),
    meeting("C13", "2024-05-01"),
    decision("C13", "2024-05-10", "maintain"),
    meeting("C13", "2024-09-01"),
    decision("C13", "2024-09-10", "cease"),
    row("C13", "plan_ceased", "2024-10-01", reason="needs met"),
    # C11: ceased before 2025: not in force.
    plan("C11", "2023-05-01"),
    row("C11", "plan_ceased", "2024-12-01", reason="moved away"),
]

TRANSFERS = [
    # P1: Year 6 to 7 (deadline 2025-02-15), final plan in December 2024.
    plan("P1", "2023-06-01", dob="2014-03-10"),
    meeting("P1", "2024-10-01"),
    decision("P1", "2024-10-20", "amend"),
    row("P1", "final_plan_issued", "2024-12-15"),
    # P2: Year 6 to 7, final plan on the deadline day.
    plan("P2", "2023-06-01", dob="2014-05-05"),
    meeting("P2", "2025-01-10"),
    decision("P2", "2025-01-20", "amend"),
    row("P2", "final_plan_issued", "2025-02-15"),
    # P3: Year 11 to post-16 (deadline 2025-03-31), final plan a day late.
    plan("P3", "2022-05-01", dob="2009-01-20"),
    meeting("P3", "2025-03-01"),
    decision("P3", "2025-03-05", "amend"),
    row("P3", "final_plan_issued", "2025-04-01"),
    # P4: entry to Reception (born December 2020: deadline 2025-02-15), no final plan.
    plan("P4", "2024-03-01", dob="2020-12-01"),
    # P5: issued after 1 Sep 2024, so its 2025 transfer does not apply.
    plan("P5", "2024-10-01", dob="2014-02-01"),
    # P6: Year 6 to 7 in 2026.
    plan("P6", "2023-01-01", dob="2015-03-01"),
    # P7: ceased before its 2025-02-15 deadline.
    plan("P7", "2022-01-01", dob="2013-10-01"),
    row("P7", "plan_ceased", "2025-01-31", reason="moved away"),
]


def measures(store: Store, year: int, fmt: str = "csv") -> list[dict[str, str]]:
    out = store.tmp / f"dfe-{year}.{fmt}"
    result = store.runner.invoke(
        cli,
        ["--db", store.db, "export", "dfe-measures", "--year", str(year), "--format", fmt,
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output + str(result.exception)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(out).active
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(c) for c in rows[0]]
        return [
            {k: "" if v is None else str(v) for k, v in zip(header, r, strict=True)}
            for r in rows[1:]
        ]
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def values(rows: list[dict[str, str]]) -> dict[str, int]:
    return {r["variable"]: int(r["value"]) for r in rows}


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("dfe_reviews"))
    store.imp(REVIEWS)
    return store


def test_annual_reviews_2025_hand_counted(reviews: Store) -> None:
    rows = measures(reviews, 2025)
    assert values(rows) == {
        "total_ehc_plans": 11,
        "review_expected_2025": 9,
        "review_not_expected_2025": 2,
        "review_completed_2025": 6,
        "review_completed_prior_2025": 1,
        "review_not_completed": 2,
        "outcome_amended": 1,
        "outcome_ceased": 1,
        "outcome_maintained": 4,
        "no_outcome_recorded": 0,
        "decision_4_weeks": 4,
        "decision_over_4_weeks": 2,
        "due_25": 0,
        "final_24": 0,
        "final_25": 0,
        "final_by_deadline": 0,
        "final_after_deadline": 0,
        "no_final_plan": 0,
    }
    by_name = {r["variable"]: r for r in rows}
    assert (by_name["decision_4_weeks"]["percent"], by_name["decision_4_weeks"]["percent_of"]) == (
        "66.7",
        "review_completed_2025",
    )
    assert by_name["review_expected_2025"]["percent"] == "81.8"
    assert {r["time_period"] for r in rows} == {"2025"}


def test_year_boundaries_2026(reviews: Store) -> None:
    """C4's period ends on 31 Dec 2026 (in), C7's on 1 Jan 2027 (out), C8's on 1 Jan 2026 (in);
    C7's decision of 1 Jan 2026 completed a 2025 period, so it counts in neither year. In force:
    all but C3, C5B (ceased in 2025) and C11; C12's next period ends 2026-03-10."""
    assert values(measures(reviews, 2026)) == {
        "total_ehc_plans": 9,
        "review_expected_2026": 7,
        "review_not_expected_2026": 2,
        "review_completed_2026": 0,
        "review_completed_prior_2026": 0,
        "review_not_completed": 7,
        "outcome_amended": 0,
        "outcome_ceased": 0,
        "outcome_maintained": 0,
        "no_outcome_recorded": 0,
        "decision_4_weeks": 0,
        "decision_over_4_weeks": 0,
        # Born 2010-01-15 (the default): Year 11 to post-16 by 2026-03-31, for the 8 plans in
        # force issued before 1 Sep 2025 (all but C1, born 2012), none with a final plan.
        "due_26": 8,
        "final_25": 0,
        "final_26": 0,
        "final_by_deadline": 0,
        "final_after_deadline": 0,
        "no_final_plan": 8,
    }


def test_an_empty_year_is_all_zero_with_no_percentages(reviews: Store) -> None:
    rows = measures(reviews, 2019, "xlsx")
    assert len(rows) == 18
    assert set(values(rows).values()) == {0}
    assert {r["percent"] for r in rows} == {""}


def test_phase_transfers_due_and_final_by_year(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.imp(TRANSFERS)
    got = values(measures(store, 2025))
    assert {k: got[k] for k in ("due_25", "final_24", "final_25")} == {
        "due_25": 4,
        "final_24": 1,
        "final_25": 2,
    }
    assert (got["final_by_deadline"], got["final_after_deadline"], got["no_final_plan"]) == (
        2,
        1,
        1,
    )
    assert values(measures(store, 2026))["due_26"] == 1


def test_the_output_may_not_replace_the_store(reviews: Store) -> None:
    result = reviews.runner.invoke(
        cli, ["--db", reviews.db, "export", "dfe-measures", "--year", "2025", "--out", reviews.db]
    )
    assert result.exit_code == 2
    assert "is the event store" in result.stderr


def test_percentages_round_halves_up_as_published() -> None:
    from ehcp_audit.view.dfe_measures import _percent

    assert (_percent(1, 16), _percent(154924, 348759), _percent(3, 3), _percent(0, 0)) == (
        6.3,  # 6.25: a float format would give 6.2
        44.4,
        100.0,
        None,
    )


def test_a_missing_store_is_named_and_not_created(tmp_path: Path) -> None:
    from click.testing import CliRunner

    missing, out = tmp_path / "missing.sqlite", tmp_path / "d.csv"
    result = CliRunner().invoke(
        cli, ["--db", str(missing), "export", "dfe-measures", "--year", "2025", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "no store at" in result.stderr
    assert not missing.exists() and not out.exists()
