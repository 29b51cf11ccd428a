"""RULES.md section 5, the three worked examples, exactly as written (through the CLI)."""

from __future__ import annotations

import pytest

from tests.contract_helpers import (
    ALL_TOPICS,
    CYCLE_MEASURES,
    EXPORT_HEADER,
    PHASE,
    Store,
    cycle_info,
    cycles,
    decision,
    invitations,
    meeting,
    pick,
    picks,
    plan,
    row,
    triple,
)

# ----------------------------------------------------------------------------- child A


def child_a_rows() -> list[dict]:
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


EXAMPLE_A_CYCLE_1 = {
    "review_on_time": ("2024-01-16", "2024-01-10", "met"),
    "review_decided_12_months": ("2024-01-16", "2024-02-09", "missed"),
    "invitations_4_weeks": ("2023-12-13", "2023-12-01", "met"),
    "invitations_2_weeks": ("2023-12-27", "2023-12-01", "met"),
    "ehcp_copy_with_invitation": ("", "2023-12-01", "met"),
    "invitees_complete": ("", "", "n/a"),
    "reports_2_weeks": ("", "", "n/a"),
    "views_2_weeks": ("", "", "n/a"),
    "papers_circulated_2_weeks": ("2023-12-27", "", "missed"),
    "essential_participation": ("", "2024-01-10", "met"),
    "topics_covered": ("", "2024-01-10", "met"),
    "paperwork_2_weeks": ("2024-01-24", "2024-01-30", "missed"),
    "decision_4_weeks": ("2024-02-07", "2024-02-09", "missed"),
    "decision_2_weeks_after_paperwork": ("2024-02-13", "2024-02-09", "met"),
    "amendments_4_weeks": ("2024-02-07", "2024-02-09", "missed"),
    "final_plan_8_weeks": ("2024-04-05", "2024-04-12", "missed"),
}


@pytest.fixture(scope="module")
def example_a(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    store = Store(tmp_path_factory.mktemp("example_a"))
    store.imp(child_a_rows())
    return store.export("2024-06-01")


@pytest.mark.parametrize("measure", CYCLE_MEASURES)
def test_example_a_cycle_1(example_a: list[dict], measure: str) -> None:
    assert triple(pick(example_a, "A", 1, measure)) == EXAMPLE_A_CYCLE_1[measure]


def test_example_a_cycle_1_columns(example_a: list[dict]) -> None:
    assert cycle_info(example_a, "A", 1) == ("2024-01-16", "2024-01-10", "123456")


def test_example_a_has_two_cycles_and_16_rows_each(example_a: list[dict]) -> None:
    assert cycles(example_a, "A") == [1, 2]
    for c in (1, 2):
        measures = sorted(r["measure"] for r in example_a if r["cycle"] == str(c))
        assert measures == sorted(CYCLE_MEASURES)


def test_example_a_cycle_2(example_a: list[dict]) -> None:
    # Cycle 2 is anchored on 2024-01-10 and due 2025-01-10.
    assert cycle_info(example_a, "A", 2) == ("2025-01-10", "", "123456")
    deadlines = {
        "review_on_time": "2025-01-10",
        "review_decided_12_months": "2025-02-09",
        "invitations_4_weeks": "2024-12-13",
        "invitations_2_weeks": "2024-12-27",
        "papers_circulated_2_weeks": "2024-12-27",
    }
    for measure in CYCLE_MEASURES:
        r = pick(example_a, "A", 2, measure)
        if measure in ("reports_2_weeks", "views_2_weeks"):
            assert triple(r) == ("", "", "n/a"), measure
        else:
            assert triple(r) == (deadlines.get(measure, ""), "", "pending"), measure


def test_example_a_no_phase_transfer_row(example_a: list[dict]) -> None:
    assert picks(example_a, "A", PHASE) == []


def test_example_a_export_header(tmp_path) -> None:
    store = Store(tmp_path)
    store.imp(child_a_rows())
    text = store.export_raw("2024-06-01")
    assert text.splitlines()[0] == EXPORT_HEADER
    assert len(text.splitlines()) == 1 + 32


# ----------------------------------------------------------------------------- child B


@pytest.fixture(scope="module")
def example_b(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    store = Store(tmp_path_factory.mktemp("example_b"))
    store.imp([plan("B", "2024-08-31", dob="2021-10-02", urn="654321")])
    return store.export("2025-03-01")


def test_example_b_due_date_six_months_clipped(example_b: list[dict]) -> None:
    assert cycles(example_b, "B") == [1]
    assert cycle_info(example_b, "B", 1) == ("2025-02-28", "", "654321")


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("review_on_time", ("2025-02-28", "", "overdue")),
        ("invitations_4_weeks", ("2025-01-31", "", "overdue")),
        ("invitations_2_weeks", ("2025-02-14", "", "overdue")),
        ("papers_circulated_2_weeks", ("2025-02-14", "", "overdue")),
        ("reports_2_weeks", ("", "", "n/a")),
        ("views_2_weeks", ("", "", "n/a")),
    ],
)
def test_example_b_named_rows(example_b: list[dict], measure: str, expected: tuple) -> None:
    assert triple(pick(example_b, "B", 1, measure)) == expected


def test_example_b_the_rest_pending(example_b: list[dict]) -> None:
    named = {
        "review_on_time",
        "invitations_4_weeks",
        "invitations_2_weeks",
        "papers_circulated_2_weeks",
        "reports_2_weeks",
        "views_2_weeks",
    }
    for measure in CYCLE_MEASURES:
        if measure not in named:
            assert pick(example_b, "B", 1, measure)["status"] == "pending", measure
    # The statutory period is 12 months for every age (derived, RULES.md section 3).
    assert pick(example_b, "B", 1, "review_decided_12_months")["deadline"] == "2025-08-31"
    assert picks(example_b, "B", PHASE) == []  # Reception school year 2025/26 not begun


# ----------------------------------------------------------------------------- child T


@pytest.fixture(scope="module")
def example_t(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    store = Store(tmp_path_factory.mktemp("example_t"))
    store.imp(
        [
            plan("T", "2023-06-01", dob="2014-03-10", urn="100200"),
            meeting("T", "2024-05-20"),
            decision("T", "2024-06-10", "amend"),
            row("T", "amendments_proposed", "2024-06-10"),
            row("T", "final_plan_issued", "2024-07-29"),
            row("T", "placement_changed", "2024-11-04", school_urn="100300"),
            row("T", "final_plan_issued", "2025-02-20"),
        ]
    )
    return store.export("2025-03-01")


def test_example_t_phase_transfer_row(example_t: list[dict]) -> None:
    rows = picks(example_t, "T", PHASE)
    assert len(rows) == 1
    r = rows[0]
    assert triple(r) == ("2025-02-15", "2025-02-20", "missed")
    assert r["cycle"] == "2"
    assert r["school_urn"] == "100300"
    # the cycle in force on 2025-02-15 is cycle 2: anchored 2024-05-20, due 2025-05-20
    assert (r["due_on"], r["meeting_on"]) == ("2025-05-20", "")


def test_example_t_decision_after_paperwork_na(example_t: list[dict]) -> None:
    assert triple(pick(example_t, "T", 1, "decision_2_weeks_after_paperwork")) == ("", "", "n/a")


def test_example_t_paperwork_overdue(example_t: list[dict]) -> None:
    assert triple(pick(example_t, "T", 1, "paperwork_2_weeks")) == ("2024-06-03", "", "overdue")


def test_example_t_derived_cycle_1(example_t: list[dict]) -> None:
    # Derived from section 3 (not spelled out in the example).
    assert cycle_info(example_t, "T", 1) == ("2024-06-01", "2024-05-20", "100200")
    assert triple(pick(example_t, "T", 1, "amendments_4_weeks")) == (
        "2024-06-17",
        "2024-06-10",
        "met",
    )
    assert triple(pick(example_t, "T", 1, "final_plan_8_weeks")) == (
        "2024-08-05",
        "2024-07-29",
        "met",
    )
    assert triple(pick(example_t, "T", 1, "review_decided_12_months")) == (
        "2024-06-01",
        "2024-06-10",
        "missed",
    )
    assert triple(pick(example_t, "T", 2, "review_decided_12_months")) == (
        "2025-06-10",
        "",
        "pending",
    )
