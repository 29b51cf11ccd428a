"""Issue 21: the demo authority looks like England. Generated with the demo's arguments and run
through `export dfe-measures`, its figures fall in a band around DfE's published national ones
(2024: 44.4% of decisions within 4 weeks; outcomes about 61% amend, 38% maintain, 1% cease), and
its months are not all alike. The bands are wide enough for 200-odd reviews a year, and narrow
enough that the generator before calibration (67.3% within 4 weeks, 7.1% ceased, 47.9% amended
in 2025) falls outside them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tests.cli_runs import ok, read

# variable -> (low, high) percent: England's figure give or take about ten points.
BANDS = {
    "decision_4_weeks": (34.4, 54.4),
    "outcome_amended": (51.0, 71.0),
    "outcome_maintained": (28.0, 48.0),
    "outcome_ceased": (0.0, 4.0),
    "review_not_completed": (5.0, 22.0),
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("demo-like-england")
    sample, db = tmp / "la.csv", tmp / "la.sqlite"
    ok(db, "samples", "generate", "--children", "300", "--schools", "12", "--years", "3",
       "--seed", "2026", "--end", "2026-10-31", "--out", str(sample))  # fmt: skip
    assert "0 rejected" in ok(db, "import", "actions", str(sample))
    return db


def percents(db: Path, year: int) -> dict[str, float]:
    out = db.parent / f"dfe-{year}.csv"
    ok(db, "export", "dfe-measures", "--year", str(year), "--out", str(out))
    return {r["variable"]: float(r["percent"]) for r in read(out) if r["percent"]}


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_demo_sits_near_englands_published_figures(demo_store: Path, year: int) -> None:
    shown = percents(demo_store, year)
    outside = {
        name: shown[name] for name, (low, high) in BANDS.items() if not low <= shown[name] <= high
    }
    assert not outside, (outside, BANDS)


def test_months_differ_around_the_authoritys_figure(demo_store: Path) -> None:
    out = demo_store.parent / "compliance.csv"
    ok(demo_store, "export", "compliance", "--as-of", "2026-10-31", "--format", "csv",
       "--out", str(out))  # fmt: skip
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in read(out):
        if r["measure"] == "decision_4_weeks" and r["status"] in ("met", "missed"):
            counts = tally[r["meeting_on"][:7]]
            counts[0] += r["status"] == "met"
            counts[1] += 1
    rates = [met / judged for met, judged in tally.values() if judged >= 15]
    assert len(rates) >= 12
    assert max(rates) - min(rates) >= 0.3, sorted(rates)
    assert sum(rate > 0.5 for rate in rates) >= 2 and sum(rate < 0.4 for rate in rates) >= 2

