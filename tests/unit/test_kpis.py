"""export kpis: counts and rates per (school, measure) for a month, against hand-worked numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ehcp_audit.exports.tables import write_frame
from ehcp_audit.view.frames import COMPLIANCE_COLUMNS, compliance_connection
from ehcp_audit.view.kpis import KPI_COLUMNS, kpis_frame
from ehcp_audit.view.periods import Month, Term, default_as_of
from ehcp_audit.view.queries import run
from ehcp_audit.view.rates import percent_text, rate_text

D = date.fromisoformat

# child, school, measure, deadline, done_on, meeting_on, status  (period date in the last column)
Row = tuple[str, str | None, str, date | None, date | None, date | None, str]
ROWS: list[Row] = [
    ("A", "100001", "review_on_time", D("2025-03-10"), D("2025-03-06"), D("2025-03-06"), "met"),
    ("B", "100001", "review_on_time", D("2025-03-20"), None, None, "overdue"),
    ("C", "100002", "review_on_time", D("2025-03-31"), D("2025-04-02"), D("2025-04-02"), "missed"),
    ("D", "100002", "review_on_time", D("2025-04-01"), None, None, "pending"),  # April
    ("E", "100001", "review_on_time", D("2025-02-28"), D("2025-02-01"), None, "met"),  # February
    ("A", "100001", "ehcp_copy_with_invitation", None, D("2025-03-01"), None, "met"),  # done date
    ("B", "100001", "essential_participation", None, None, D("2025-03-15"), "n/a"),  # meeting date
    ("F", "100002", "paperwork_2_weeks", None, None, None, "pending"),  # no period at all
    ("G", None, "decision_4_weeks", D("2025-03-05"), D("2025-03-01"), None, "met"),
    ("H", "100003", "decision_4_weeks", D("2025-03-06"), None, None, "pending"),
    ("I", "100001", "decision_4_weeks", D("2025-03-07"), D("2025-03-01"), None, "met"),
    ("J", "100001", "decision_4_weeks", D("2025-03-08"), D("2025-03-02"), None, "met"),
    ("K", "100001", "decision_4_weeks", D("2025-03-09"), D("2025-03-12"), None, "missed"),
]


def frame(rows: Sequence[Row] = ROWS) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (c, 1, None, m_on, urn, measure, dl, done, st)
            for c, urn, measure, dl, done, m_on, st in rows
        ],
        columns=list(COMPLIANCE_COLUMNS),
    )


def as_tuples(result: pd.DataFrame) -> list[tuple[object, ...]]:
    return [tuple(r) for r in result.itertuples(index=False)]


def test_by_school_matches_hand_count() -> None:
    result = kpis_frame(compliance_connection(frame()), "2025-03", "school")
    assert list(result.columns) == list(KPI_COLUMNS)
    assert as_tuples(result) == [
        ("2025-03", "", "decision_4_weeks", 1, 0, 0, 0, 0, "1.0000"),
        ("2025-03", "100001", "decision_4_weeks", 2, 1, 0, 0, 0, "0.6667"),
        ("2025-03", "100001", "ehcp_copy_with_invitation", 1, 0, 0, 0, 0, "1.0000"),
        ("2025-03", "100001", "essential_participation", 0, 0, 0, 0, 1, ""),
        ("2025-03", "100001", "review_on_time", 1, 0, 1, 0, 0, "0.5000"),
        ("2025-03", "100002", "review_on_time", 0, 1, 0, 0, 0, "0.0000"),
        ("2025-03", "100003", "decision_4_weeks", 0, 0, 0, 1, 0, ""),
    ]


def test_by_none_matches_hand_count() -> None:
    result = kpis_frame(compliance_connection(frame()), "2025-03", "none")
    assert as_tuples(result) == [
        ("2025-03", "", "decision_4_weeks", 3, 1, 0, 1, 0, "0.7500"),
        ("2025-03", "", "ehcp_copy_with_invitation", 1, 0, 0, 0, 0, "1.0000"),
        ("2025-03", "", "essential_participation", 0, 0, 0, 0, 1, ""),
        ("2025-03", "", "review_on_time", 1, 1, 1, 0, 0, "0.3333"),
    ]


def test_month_boundaries() -> None:
    con = compliance_connection(frame())
    assert as_tuples(kpis_frame(con, "2025-04", "none")) == [
        ("2025-04", "", "review_on_time", 0, 0, 0, 1, 0, ""),
    ]
    assert as_tuples(kpis_frame(con, "2025-02", "none")) == [
        ("2025-02", "", "review_on_time", 1, 0, 0, 0, 0, "1.0000"),
    ]
    assert kpis_frame(con, "2024-03", "school").empty


def test_empty_and_untyped_input() -> None:
    """All-empty date columns arrive from pandas with no type; the relation still types them."""
    rows = [("Z", "100009", "paperwork_2_weeks", None, None, None, "pending")]
    con = compliance_connection(frame(rows))
    assert kpis_frame(con, "2025-03", "school").empty
    types = dict(
        con.execute("SELECT column_name, column_type FROM (DESCRIBE compliance)").fetchall()
    )
    assert types["deadline"] == "DATE" and types["cycle"] == "INTEGER"
    empty = compliance_connection(pd.DataFrame(columns=list(COMPLIANCE_COLUMNS)))
    assert list(kpis_frame(empty, "2025-03", "none").columns) == list(KPI_COLUMNS)


def test_dates_as_timestamps_or_text_count_the_same() -> None:
    base = frame()
    text = [d.isoformat() if d else None for d in base["deadline"]]
    as_text = base.assign(deadline=pd.Series(text, index=base.index))
    as_ts = base.assign(deadline=pd.to_datetime(base["deadline"]))
    expected = as_tuples(kpis_frame(compliance_connection(base), "2025-03", "school"))
    assert as_tuples(kpis_frame(compliance_connection(as_text), "2025-03", "school")) == expected
    assert as_tuples(kpis_frame(compliance_connection(as_ts), "2025-03", "school")) == expected


def test_code_point_sort_of_school_urn() -> None:
    rows = [
        (c, urn, "review_on_time", D("2025-03-02"), None, None, "overdue")
        for c, urn in (("a", "200000"), ("b", "100000"), ("c", None))
    ]
    result = kpis_frame(compliance_connection(frame(rows)), "2025-03", "school")
    assert list(result["school_urn"]) == ["", "100000", "200000"]


@pytest.mark.parametrize(
    ("met", "missed", "overdue", "expected"),
    [
        (2, 1, 0, "0.6667"),
        (1, 2, 0, "0.3333"),
        (1, 31, 0, "0.0312"),  # 0.03125 exactly: ties round half to even
        (3, 29, 0, "0.0938"),  # 0.09375 exactly: to even
        (1, 0, 0, "1.0000"),
        (0, 0, 1, "0.0000"),
        (0, 0, 0, ""),
    ],
)
def test_rate_text(met: int, missed: int, overdue: int, expected: str) -> None:
    assert rate_text(met, missed, overdue) == expected


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        ("0.6667", "66.67%"),
        ("1.0000", "100.00%"),
        ("0.0000", "0.00%"),
        ("0.0312", "3.12%"),
        ("", "no rate"),
    ],
)
def test_percent_text(rate: str, text: str) -> None:
    assert percent_text(rate) == text


def test_csv_writer(tmp_path: Path) -> None:
    result = kpis_frame(compliance_connection(frame()), "2025-03", "school")
    out = tmp_path / "out" / "kpis.csv"
    write_frame(result, out, "csv")  # as `export kpis` writes it
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "period,school_urn,measure,met,missed,overdue,pending,na,rate"
    assert lines[1] == "2025-03,,decision_4_weeks,1,0,0,0,0,1.0000"
    assert lines[4] == "2025-03,100001,essential_participation,0,0,0,0,1,"
    assert len(lines) == 8


def test_bad_arguments() -> None:
    con = compliance_connection(frame())
    with pytest.raises(ValueError):
        kpis_frame(con, "2025-13", "none")
    with pytest.raises(ValueError):
        kpis_frame(con, "March", "none")
    with pytest.raises(ValueError):
        kpis_frame(con, "2025-03", "region")  # type: ignore[arg-type]


def test_missing_column_is_reported() -> None:
    with pytest.raises(ValueError, match="status"):
        compliance_connection(frame().drop(columns=["status"]))


def test_periods() -> None:
    march = Month.parse("2025-03")
    assert (march.start, march.end) == (D("2025-03-01"), D("2025-03-31"))
    assert str(march.shift(-3)) == "2024-12" and str(march.shift(-12)) == "2024-03"
    assert Month.parse("2024-02").end == D("2024-02-29")
    assert default_as_of(march, D("2025-03-10")) == D("2025-03-10")
    assert default_as_of(march, D("2025-06-01")) == D("2025-03-31")
    assert (Term("autumn", 2025).start, Term("autumn", 2025).end) == (
        D("2025-09-01"),
        D("2025-12-31"),
    )
    assert (Term("spring", 2026).start, Term("spring", 2026).end) == (
        D("2026-01-01"),
        D("2026-03-31"),
    )
    assert (Term("summer", 2026).start, Term("summer", 2026).end) == (
        D("2026-04-01"),
        D("2026-08-31"),
    )


def test_runner_loads_packaged_sql() -> None:
    con = compliance_connection(frame())
    counts = run(
        con,
        "kpi_counts",
        start=D("2025-03-01"),
        end=D("2025-03-31"),
        by_school=False,
        school_urn="100002",
    )
    assert as_tuples(counts[["measure", "missed"]]) == [("review_on_time", 1)]
