"""RULES.md section 4 (and the headline-rate rules of section 3): the compliance CSV and the
kpis CSV, through the real CLI. Expected values derived by hand from RULES.md."""

from __future__ import annotations

import re

import pytest

from tests.contract_helpers import (
    ALL_TOPICS,
    CYCLE_MEASURES,
    EXPORT_HEADER,
    FULL_INVITEES,
    KPI_HEADER,
    PHASE,
    Store,
    decision,
    invitations,
    meeting,
    plan,
    row,
)

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
STATUSES = {"met", "missed", "overdue", "pending", "n/a"}


@pytest.fixture
def st(store_db: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A new store of each kind: SQLite, then PostgreSQL (tests/conftest.py `store_db`)."""
    monkeypatch.chdir(tmp_path)  # a PostgreSQL store's view file is kept in the working dir
    return Store(tmp_path, db=store_db)


def sort_key(r: dict) -> tuple:
    return (r["child_id"], int(r["cycle"]), r["measure"], r["deadline"] != "", r["deadline"])


def rich_rows() -> list[dict]:
    return [
        plan("A", "23/01/2023", dob="10/05/2012", urn="123456"),
        invitations("A", "01/12/2023", copy="yes", invitees=FULL_INVITEES),
        row("A", "advice_requested", "2023-11-01", role="health"),
        row("A", "views_received", "2023-12-01", role="parent_carer"),
        meeting("A", "10/01/2024", topics=ALL_TOPICS),
        row("A", "paperwork_submitted", "2024-01-30"),
        decision("A", "2024-02-09", "amend"),
        row("A", "amendments_proposed", "2024-02-09"),
        row("A", "final_plan_issued", "2024-04-12"),
        plan("B", "2024-08-31", dob="2021-10-02", urn="654321"),
        plan("T", "2023-06-01", dob="2014-03-10", urn="100200"),
        meeting("T", "2024-05-20"),
        decision("T", "2024-06-10", "maintain"),
        row("T", "placement_changed", "2024-11-04", school_urn="100300"),
        row("T", "final_plan_issued", "2025-02-20"),
        plan("C", "2022-02-01", dob="2015-01-01"),
        row("C", "plan_ceased", "2023-03-01", reason="moved"),
    ]


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> tuple[str, list[dict]]:
    store = Store(tmp_path_factory.mktemp("rich"))
    store.imp(rich_rows())
    text = store.export_raw("2025-03-01")
    import csv
    import io

    return text, list(csv.DictReader(io.StringIO(text)))


def test_header_exact(rich) -> None:
    text, _ = rich
    assert text.splitlines()[0] == EXPORT_HEADER


def test_column_order(rich) -> None:
    _, rows = rich
    assert list(rows[0].keys()) == EXPORT_HEADER.split(",")


def test_dates_are_iso_or_empty(rich) -> None:
    _, rows = rich
    for r in rows:
        for col in ("due_on", "meeting_on", "deadline", "done_on"):
            assert r[col] == "" or ISO.fullmatch(r[col]), (col, r)
        assert r["due_on"] != ""


def test_uk_input_dates_are_exported_iso(rich) -> None:
    _, rows = rich
    a1 = [r for r in rows if r["child_id"] == "A" and r["cycle"] == "1"]
    assert {r["due_on"] for r in a1} == {"2024-01-23"}
    assert {r["meeting_on"] for r in a1 if r["measure"] != PHASE} == {"2024-01-10"}


def test_statuses_are_from_the_contract(rich) -> None:
    _, rows = rich
    assert {r["status"] for r in rows} <= STATUSES


def test_na_rows_have_empty_deadline_and_done_on(rich) -> None:
    _, rows = rich
    na = [r for r in rows if r["status"] == "n/a"]
    assert na
    for r in na:
        assert (r["deadline"], r["done_on"]) == ("", ""), r


def test_pending_and_overdue_rows_have_no_done_on(rich) -> None:
    _, rows = rich
    for r in rows:
        if r["status"] in ("pending", "overdue"):
            assert r["done_on"] == "", r
        if r["status"] == "overdue":
            assert r["deadline"] != "", r


def test_cycles_count_from_1(rich) -> None:
    _, rows = rich
    for child in {r["child_id"] for r in rows}:
        got = sorted({int(r["cycle"]) for r in rows if r["child_id"] == child})
        assert got == list(range(1, len(got) + 1))


def test_one_row_per_child_cycle_measure(rich) -> None:
    _, rows = rich
    keys = [(r["child_id"], r["cycle"], r["measure"]) for r in rows if r["measure"] != PHASE]
    assert len(keys) == len(set(keys))
    for child, cyc in {(k[0], k[1]) for k in keys}:
        assert sorted(k[2] for k in keys if k[:2] == (child, cyc)) == sorted(CYCLE_MEASURES)


def test_rows_sorted(rich) -> None:
    _, rows = rich
    assert rows == sorted(rows, key=sort_key)


def test_meeting_on_empty_until_held(rich) -> None:
    _, rows = rich
    b = [r for r in rows if r["child_id"] == "B"]
    assert {r["meeting_on"] for r in b} == {""}


def test_ceased_child_rows(rich) -> None:
    _, rows = rich
    c = [r for r in rows if r["child_id"] == "C"]
    # ceased 2023-03-01 before every deadline of cycle 1 (due 2023-02-01 + ... ) -- derived:
    # plan 2022-02-01, born 2015 (7): due 2023-02-01; invitations 4w 2023-01-04 -> missed, etc.
    by = {r["measure"]: (r["deadline"], r["done_on"], r["status"]) for r in c}
    assert by["review_on_time"] == ("2023-02-01", "", "missed")
    assert by["review_decided_12_months"] == ("2023-02-01", "", "missed")
    assert by["invitations_4_weeks"] == ("2023-01-04", "", "missed")
    assert by["paperwork_2_weeks"] == ("", "", "n/a")


def test_child_ids_in_code_point_order(st: Store) -> None:
    ids = ["b", "B", "A_1", "A-1", "A/1", "A1", "A10", "A2", "a"]
    st.imp([plan(i, "2023-01-16") for i in ids])
    rows = st.export("2023-06-01")
    seen: list[str] = []
    for r in rows:
        if not seen or seen[-1] != r["child_id"]:
            seen.append(r["child_id"])
    assert seen == ["A-1", "A/1", "A1", "A10", "A2", "A_1", "B", "a", "b"]


def test_cycle_10_sorts_after_9(st: Store) -> None:
    meetings = [meeting("X", f"{y}-01-05") for y in range(2011, 2021)]
    st.imp([plan("X", "2010-01-10", dob="2003-06-01"), *meetings])
    rows = st.export("2020-06-01")
    order: list[int] = []
    for r in rows:
        if not order or order[-1] != int(r["cycle"]):
            order.append(int(r["cycle"]))
    assert order == list(range(1, 12))
    assert rows == sorted(rows, key=sort_key)


def test_measures_sorted_within_cycle(st: Store) -> None:
    st.imp([plan("X", "2016-03-01", dob="2012-10-01")])
    rows = st.export("2024-03-01")
    measures = [r["measure"] for r in rows if r["cycle"] == "1"]
    assert measures == sorted(measures)
    assert measures.count(PHASE) == 2


def test_phase_rows_sorted_by_deadline_empty_first(st: Store) -> None:
    # born 1 Oct 2012 -> C=2013: Reception 2017-02-15, Year 6 2024-02-15. Ceased on the Year 6
    # deadline: Year 6 applies (not ceased before it) and is n/a (empty deadline); Reception,
    # not done with its deadline before c, is missed.
    st.imp(
        [
            plan("X", "2016-03-01", dob="2012-10-01"),
            row("X", "plan_ceased", "2024-02-15", reason="moved"),
        ]
    )
    rows = st.export("2024-03-01")
    phase = [(r["deadline"], r["status"]) for r in rows if r["measure"] == PHASE]
    assert phase == [("", "n/a"), ("2017-02-15", "missed")]


def test_phase_rows_sorted_by_deadline(st: Store) -> None:
    st.imp([plan("X", "2016-03-01", dob="2012-10-01")])
    rows = st.export("2024-03-01")
    assert [r["deadline"] for r in rows if r["measure"] == PHASE] == ["2017-02-15", "2024-02-15"]


def test_empty_store_exports_header_only(st: Store) -> None:
    st.imp([plan("X", "2023-01-16")])
    text = st.export_raw("2022-01-01")
    assert text.strip().splitlines() == [EXPORT_HEADER]


# ================================================================================ kpis


def example_a_rows() -> list[dict]:
    return [
        plan("A", "2023-01-16", dob="2012-05-10", urn="123456"),
        invitations("A", "2023-12-01", copy="yes"),
        meeting(
            "A",
            "2024-01-10",
            attendees="parent_carer;child_in_writing;senco;caseworker",
            topics=ALL_TOPICS,
        ),
        row("A", "paperwork_submitted", "2024-01-30"),
        decision("A", "2024-02-09", "amend"),
        row("A", "amendments_proposed", "2024-02-09"),
        row("A", "final_plan_issued", "2024-04-12"),
    ]


def test_kpis_header(st: Store) -> None:
    st.imp(example_a_rows())
    text = st.kpis_raw("2024-01", "2024-06-01")
    assert text.splitlines()[0] == KPI_HEADER


def test_kpis_example_a_january(st: Store) -> None:
    # period date = deadline, else done date, else meeting date (n/a rows: the meeting date)
    st.imp(example_a_rows())
    got = [
        (
            r["period"],
            r["school_urn"],
            r["measure"],
            r["met"],
            r["missed"],
            r["overdue"],
            r["pending"],
            r["na"],
            r["rate"],
        )
        for r in st.kpis("2024-01", "2024-06-01")
    ]
    assert got == [
        ("2024-01", "123456", "essential_participation", "1", "0", "0", "0", "0", "1.0000"),
        ("2024-01", "123456", "invitees_complete", "0", "0", "0", "0", "1", ""),
        ("2024-01", "123456", "paperwork_2_weeks", "0", "1", "0", "0", "0", "0.0000"),
        ("2024-01", "123456", "reports_2_weeks", "0", "0", "0", "0", "1", ""),
        ("2024-01", "123456", "review_decided_12_months", "0", "1", "0", "0", "0", "0.0000"),
        ("2024-01", "123456", "review_on_time", "1", "0", "0", "0", "0", "1.0000"),
        ("2024-01", "123456", "topics_covered", "1", "0", "0", "0", "0", "1.0000"),
        ("2024-01", "123456", "views_2_weeks", "0", "0", "0", "0", "1", ""),
    ]


def test_kpis_example_a_december(st: Store) -> None:
    st.imp(example_a_rows())
    got = {
        r["measure"]: (r["met"], r["missed"], r["rate"]) for r in st.kpis("2023-12", "2024-06-01")
    }
    assert got == {
        "ehcp_copy_with_invitation": ("1", "0", "1.0000"),
        "invitations_2_weeks": ("1", "0", "1.0000"),
        "invitations_4_weeks": ("1", "0", "1.0000"),
        "papers_circulated_2_weeks": ("0", "1", "0.0000"),
    }


def rates_rows() -> list[dict]:
    return [
        plan("P1", "2023-01-10", urn="100001"),
        meeting("P1", "2024-01-05"),  # review_on_time met (deadline 2024-01-10)
        plan("P2", "2023-01-12", urn="100001"),
        meeting("P2", "2024-01-20"),  # missed (deadline 2024-01-12)
        plan("P4", "2023-01-20", urn="100001"),
        meeting("P4", "2024-01-18"),  # met (deadline 2024-01-20)
        plan("P3", "2023-01-15", urn="100002"),  # overdue as of 2024-03-01 (deadline 2024-01-15)
        plan("P5", "2023-02-10", urn="100002"),  # deadline 2024-02-10: another month
    ]


def _review_on_time(rows: list[dict]) -> list[tuple]:
    return [
        (r["school_urn"], r["met"], r["missed"], r["overdue"], r["pending"], r["na"], r["rate"])
        for r in rows
        if r["measure"] == "review_on_time"
    ]


def test_kpis_rate_four_decimals_by_school(st: Store) -> None:
    st.imp(rates_rows())
    rows = st.kpis("2024-01", "2024-03-01")
    assert _review_on_time(rows) == [
        ("100001", "2", "1", "0", "0", "0", "0.6667"),
        ("100002", "0", "0", "1", "0", "0", "0.0000"),
    ]
    assert rows == sorted(rows, key=lambda r: (r["school_urn"], r["measure"]))
    assert {r["period"] for r in rows} == {"2024-01"}


def test_kpis_by_none(st: Store) -> None:
    st.imp(rates_rows())
    rows = st.kpis("2024-01", "2024-03-01", by="none")
    assert _review_on_time(rows) == [("", "2", "1", "1", "0", "0", "0.5000")]
    assert {r["school_urn"] for r in rows} == {""}
    assert [r["measure"] for r in rows] == sorted(r["measure"] for r in rows)
    assert len(rows) == len({r["measure"] for r in rows})


def test_kpis_empty_rate_when_only_pending(st: Store) -> None:
    st.imp(rates_rows())
    rows = st.kpis("2024-02", "2024-01-31")
    assert _review_on_time(rows) == [("100002", "0", "0", "0", "1", "0", "")]


def test_kpis_computed_as_of(st: Store) -> None:
    st.imp(rates_rows())
    rows = st.kpis("2024-02", "2024-02-11")
    assert _review_on_time(rows) == [("100002", "0", "0", "1", "0", "0", "0.0000")]


def test_kpis_month_with_no_rows_is_header_only(st: Store) -> None:
    st.imp(rates_rows())
    text = st.kpis_raw("2019-01", "2024-03-01")
    assert text.strip().splitlines() == [KPI_HEADER]


def test_kpis_third_rate(st: Store) -> None:
    st.imp(
        [
            plan("P1", "2023-01-10", urn="100001"),
            meeting("P1", "2024-01-05"),
            plan("P2", "2023-01-12", urn="100001"),
            meeting("P2", "2024-01-20"),
            plan("P3", "2023-01-15", urn="100001"),
        ]
    )
    assert _review_on_time(st.kpis("2024-01", "2024-03-01")) == [
        ("100001", "1", "1", "1", "0", "0", "0.3333")
    ]


# ================================================================================ consistency


def scenario_rows() -> list[dict]:
    return [
        plan("R", "2023-05-01", dob="2019-10-15", urn="111111"),  # Reception deadline 2024-02-15
        invitations("R", "2023-09-20", copy="yes", invitees=FULL_INVITEES),
        meeting("R", "2023-10-20"),
        row("R", "paperwork_submitted", "2023-10-25"),
        decision("R", "2023-11-10", "amend"),
        row("R", "amendments_proposed", "2023-11-15"),
        row("R", "placement_changed", "2024-01-05", school_urn="222222"),
        row("R", "final_plan_issued", "2024-02-10"),
        plan("S", "2023-01-16", dob="2010-01-15", urn="333333"),
        row("S", "review_scheduled", "2023-10-01", meeting_on="2024-01-05"),
        row("S", "views_received", "2023-12-01", role="child"),
        meeting("S", "2024-01-09"),
        decision("S", "2024-02-20", "maintain"),
        row("S", "plan_ceased", "2024-04-01", reason="moved"),
    ]


@pytest.mark.parametrize(
    "as_of", ["2023-08-31", "2023-09-01", "2023-10-20", "2023-12-01", "2024-02-14", "2024-03-01"]
)
def test_entries_after_as_of_are_as_if_never_recorded(tmp_path, as_of: str) -> None:
    full, cut = Store(tmp_path, "full"), Store(tmp_path, "cut")
    rows = scenario_rows()
    full.imp(rows)
    cut.imp([r for r in rows if r["occurred_on"] <= as_of])
    assert full.export(as_of) == cut.export(as_of)


def test_incremental_imports_equal_one_import(tmp_path) -> None:
    rows = scenario_rows()
    once, steps = Store(tmp_path, "once"), Store(tmp_path, "steps")
    once.imp(rows)
    # import in chunks, back-dated, exporting in between (the view catches up each time)
    order = [[0, 8, 11], [2, 13], [1, 3, 4, 9], [10, 12, 5], [7, 6]]
    for chunk in order:
        steps.imp([rows[i] for i in chunk])
        steps.export("2024-06-01")
        steps.export("2023-11-01")
    for day in ("2023-11-01", "2024-02-01", "2024-06-01"):
        assert steps.export(day) == once.export(day), day


def test_project_rebuild_changes_nothing(st: Store) -> None:
    from click.testing import CliRunner

    from ehcp_audit.cli.main import cli

    st.imp(scenario_rows())
    before = st.export_raw("2024-06-01")
    res = CliRunner().invoke(cli, ["--db", str(st.db), "project", "--rebuild"])
    assert res.exit_code == 0, res.output
    assert st.export_raw("2024-06-01") == before
