"""RULES.md sections 2 and 3 (cycles, due dates, measures, statuses), through the real CLI.

Every expected value below is derived by hand from /work/shared/spec/RULES.md.
"""

from __future__ import annotations

import pytest

from tests.contract_helpers import (
    ALL_TOPICS,
    CORE,
    CORE_TOPICS,
    CYCLE_MEASURES,
    FULL_INVITEES,
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
    scheduled,
    triple,
    void,
)


@pytest.fixture
def st(tmp_path) -> Store:
    return Store(tmp_path)


def one(st: Store, rows: list[dict], as_of: str, measure: str, cycle: int = 1, child: str = "X"):
    st.imp(rows)
    return triple(pick(st.export(as_of), child, cycle, measure))


# =============================================================================== due dates


def test_due_date_is_anchor_plus_12_months_from_age_5(st: Store) -> None:
    st.imp([plan("X", "2023-03-15", dob="2010-01-01")])
    rows = st.export("2023-06-01")
    assert cycle_info(rows, "X", 1)[0] == "2024-03-15"
    assert pick(rows, "X", 1, "review_on_time")["deadline"] == "2024-03-15"


def test_due_date_under_5_is_anchor_plus_6_months(st: Store) -> None:
    st.imp([plan("X", "2023-03-15", dob="2020-01-01")])
    rows = st.export("2023-06-01")
    assert cycle_info(rows, "X", 1)[0] == "2023-09-15"
    assert pick(rows, "X", 1, "review_on_time")["deadline"] == "2023-09-15"


def test_fifth_birthday_on_anchor_is_not_under_5(st: Store) -> None:
    # the anchor is not before date_of_birth + 60 months -> 12 months
    st.imp([plan("X", "2023-03-15", dob="2018-03-15"), plan("Y", "2023-03-14", dob="2018-03-15")])
    rows = st.export("2023-04-01")
    assert cycle_info(rows, "X", 1)[0] == "2024-03-15"
    assert cycle_info(rows, "Y", 1)[0] == "2023-09-14"  # the day before: still under 5


def test_29_february_birth_reaches_5_on_28_february(st: Store) -> None:
    st.imp(
        [
            plan("X", "2021-02-28", dob="2016-02-29"),  # 5 on 2021-02-28: 12 months
            plan("Y", "2021-02-27", dob="2016-02-29"),  # still 4: 6 months
        ]
    )
    rows = st.export("2021-03-01")
    assert cycle_info(rows, "X", 1)[0] == "2022-02-28"
    assert cycle_info(rows, "Y", 1)[0] == "2021-08-27"


def test_31_august_plus_6_months_is_end_of_february_leap_year(st: Store) -> None:
    st.imp([plan("X", "2023-08-31", dob="2020-01-01")])
    assert cycle_info(st.export("2023-09-01"), "X", 1)[0] == "2024-02-29"


def test_31_march_plus_6_months_is_30_september(st: Store) -> None:
    st.imp([plan("X", "2023-03-31", dob="2020-01-01")])
    assert cycle_info(st.export("2023-04-01"), "X", 1)[0] == "2023-09-30"


def test_29_february_plus_12_months_is_28_february(st: Store) -> None:
    st.imp([plan("X", "2024-02-29", dob="2010-01-01")])
    assert cycle_info(st.export("2024-03-01"), "X", 1)[0] == "2025-02-28"


def test_next_cycle_anchored_on_annual_meeting(st: Store) -> None:
    st.imp([plan("X", "2023-01-16", dob="2010-01-15"), meeting("X", "2023-11-30")])
    rows = st.export("2024-01-01")
    assert cycles(rows, "X") == [1, 2]
    assert cycle_info(rows, "X", 1)[:2] == ("2024-01-16", "2023-11-30")
    assert cycle_info(rows, "X", 2)[:2] == ("2024-11-30", "")


def test_under_5_is_judged_at_each_anchor(st: Store) -> None:
    # born 2019-06-01, 5 on 2024-06-01
    st.imp(
        [
            plan("X", "2023-01-10", dob="2019-06-01"),  # age 3: 6 months
            meeting("X", "2023-07-01"),  # age 4: 6 months -> 2024-01-01
            meeting("X", "2024-05-31"),  # still 4: 6 months -> 2024-11-30
            meeting("X", "2024-06-01"),  # 5: 12 months -> 2025-06-01
        ]
    )
    rows = st.export("2024-06-10")
    assert [cycle_info(rows, "X", c)[0] for c in (1, 2, 3, 4)] == [
        "2023-07-10",
        "2024-01-01",
        "2024-11-30",
        "2025-06-01",
    ]


def test_two_annual_meetings_make_three_cycles(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15"),
            meeting("X", "2024-01-10"),
            meeting("X", "2024-02-01"),
        ]
    )
    rows = st.export("2024-03-01")
    assert cycles(rows, "X") == [1, 2, 3]
    assert cycle_info(rows, "X", 2)[:2] == ("2025-01-10", "2024-02-01")
    assert cycle_info(rows, "X", 3)[:2] == ("2025-02-01", "")


def test_every_cycle_has_exactly_the_16_measures(st: Store) -> None:
    st.imp([plan("X", "2023-01-16", dob="2010-01-15"), meeting("X", "2024-01-10")])
    rows = st.export("2024-03-01")
    for c in (1, 2):
        got = sorted(r["measure"] for r in rows if r["cycle"] == str(c))
        assert got == sorted(CYCLE_MEASURES)


# =============================================================================== interim meetings


def test_interim_meeting_closes_nothing(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15"),
            meeting("X", "2023-06-01", review_type="interim"),
            meeting("X", "2024-01-10", review_type="annual"),
        ]
    )
    rows = st.export("2024-02-01")
    assert cycles(rows, "X") == [1, 2]
    assert cycle_info(rows, "X", 1)[:2] == ("2024-01-16", "2024-01-10")
    assert cycle_info(rows, "X", 2)[:2] == ("2025-01-10", "")


def test_interim_meeting_alone_is_not_a_held_review(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15"),
            meeting("X", "2023-06-01", review_type="interim"),
        ]
    )
    rows = st.export("2023-07-01")
    assert cycles(rows, "X") == [1]
    assert cycle_info(rows, "X", 1)[1] == ""
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("2024-01-16", "", "pending")
    # not held: no step-3 "missed" for the pre-meeting or no-deadline measures
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == ("2023-12-19", "", "pending")
    assert pick(rows, "X", 1, "ehcp_copy_with_invitation")["status"] == "pending"
    assert pick(rows, "X", 1, "essential_participation")["status"] == "pending"
    assert triple(pick(rows, "X", 1, "paperwork_2_weeks")) == ("", "", "pending")


def test_interim_meeting_is_not_measured(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15"),
            meeting("X", "2023-06-01", attendees="senco", topics="concerns", review_type="interim"),
            meeting("X", "2024-01-10", attendees="parent_carer;child", topics=ALL_TOPICS),
        ]
    )
    rows = st.export("2024-02-01")
    assert triple(pick(rows, "X", 1, "essential_participation")) == ("", "2024-01-10", "met")
    assert triple(pick(rows, "X", 1, "topics_covered")) == ("", "2024-01-10", "met")
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("2024-01-16", "2024-01-10", "met")


def test_blank_review_type_is_annual(st: Store) -> None:
    st.imp([plan("X", "2023-01-16", dob="2010-01-15"), meeting("X", "2024-01-10", review_type="")])
    assert cycles(st.export("2024-02-01"), "X") == [1, 2]


def test_post_meeting_action_ignores_interim_meetings(st: Store) -> None:
    # paperwork after an interim meeting belongs to the cycle of the last *annual* meeting
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15"),
            meeting("X", "2024-01-10"),
            meeting("X", "2024-03-01", review_type="interim"),
            row("X", "paperwork_submitted", "2024-03-05"),
        ]
    )
    rows = st.export("2024-04-01")
    assert triple(pick(rows, "X", 1, "paperwork_2_weeks")) == ("2024-01-24", "2024-03-05", "missed")
    assert triple(pick(rows, "X", 2, "paperwork_2_weeks")) == ("", "", "pending")


def test_post_meeting_action_after_only_an_interim_meeting_belongs_to_no_cycle(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15"),
            meeting("X", "2023-06-01", review_type="interim"),
            row("X", "paperwork_submitted", "2023-06-05"),
            decision("X", "2023-06-06", "maintain"),
        ]
    )
    rows = st.export("2023-07-01")
    assert cycles(rows, "X") == [1]
    assert triple(pick(rows, "X", 1, "paperwork_2_weeks")) == ("", "", "pending")
    assert triple(pick(rows, "X", 1, "decision_4_weeks")) == ("", "", "pending")
    # the decision belongs to no cycle: the statutory period stays open
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == ("2024-01-16", "", "pending")


# =============================================================================== as-of date


def test_entries_after_as_of_are_ignored(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15"),
            invitations("X", "2023-12-15"),
            meeting("X", "2024-01-10"),
        ]
    )
    rows = st.export("2023-12-10")
    assert cycles(rows, "X") == [1]
    assert cycle_info(rows, "X", 1)[1] == ""
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == ("2023-12-19", "", "pending")
    assert pick(rows, "X", 1, "ehcp_copy_with_invitation")["status"] == "pending"


def test_plan_issued_after_as_of_means_no_rows(st: Store) -> None:
    st.imp([plan("X", "2023-01-16", dob="2010-01-15"), plan("Y", "2022-01-16", dob="2010-01-15")])
    rows = st.export("2023-01-15")
    assert [r for r in rows if r["child_id"] == "X"] == []
    assert cycles(rows, "Y") == [
        1,
    ]


def test_as_of_on_the_plan_day_shows_the_plan(st: Store) -> None:
    st.imp([plan("X", "2023-01-16", dob="2010-01-15")])
    rows = st.export("2023-01-16")
    assert cycles(rows, "X") == [1]


# =============================================================================== NCY and topics


@pytest.mark.parametrize(
    ("dob", "meeting_on", "topics", "status"),
    [
        # born 31 Aug 2010: C=2010, Reception Sep 2014; 2024-01-10 is in school year 2023 -> NCY 9
        ("2010-08-31", "2024-01-10", CORE, "missed"),
        ("2010-08-31", "2024-01-10", ALL_TOPICS, "met"),
        # born 1 Sep 2010: C=2011 -> NCY 8: the adulthood topic is not required
        ("2010-09-01", "2024-01-10", CORE, "met"),
        # born 1 May 2011: C=2011; NCY 8 on 31 Aug 2024, NCY 9 from 1 Sep 2024
        ("2011-05-01", "2024-08-31", CORE, "met"),
        ("2011-05-01", "2024-09-01", CORE, "missed"),
        # born 31 Dec 2010: C=2011 -> NCY 9 in school year 2024
        ("2010-12-31", "2024-09-02", CORE, "missed"),
        ("2010-12-31", "2024-08-30", CORE, "met"),
        # NCY 12: still required
        ("2007-06-01", "2024-01-10", CORE, "missed"),
        ("2007-06-01", "2024-01-10", ALL_TOPICS, "met"),
        # NCY 3: all 9 topics is fine too
        ("2016-06-01", "2024-01-10", ALL_TOPICS, "met"),
    ],
)
def test_topics_covered_and_ncy(st: Store, dob: str, meeting_on: str, topics: str, status: str):
    got = one(
        st,
        [plan("X", "2023-03-01", dob=dob), meeting("X", meeting_on, topics=topics)],
        "2024-10-01",
        "topics_covered",
    )
    assert got == ("", meeting_on, status)


def test_topics_missing_one_core_topic_is_missed(st: Store) -> None:
    topics = ";".join(CORE_TOPICS[:-1])  # no personal_budget
    got = one(
        st,
        [plan("X", "2023-03-01", dob="2016-06-01"), meeting("X", "2024-01-10", topics=topics)],
        "2024-02-01",
        "topics_covered",
    )
    assert got == ("", "2024-01-10", "missed")


def test_topics_not_recorded_is_na(st: Store) -> None:
    got = one(
        st,
        [
            plan("X", "2023-03-01", dob="2016-06-01"),
            meeting("X", "2024-01-10", topics="not_recorded"),
        ],
        "2024-02-01",
        "topics_covered",
    )
    assert got == ("", "", "n/a")


def test_topics_in_any_order(st: Store) -> None:
    topics = ";".join(reversed(CORE_TOPICS))
    got = one(
        st,
        [plan("X", "2023-03-01", dob="2016-06-01"), meeting("X", "2024-01-10", topics=topics)],
        "2024-02-01",
        "topics_covered",
    )
    assert got == ("", "2024-01-10", "met")


# =============================================================================== phase transfers

# Reception: born 2019-10-15 -> C=2020; deadline 15 Feb 2024, in school year 2023-09-01..2024-08-31.
RECEPTION_DOB = "2019-10-15"


def test_reception_row_appears_once_the_school_year_has_begun(st: Store) -> None:
    st.imp([plan("X", "2023-05-01", dob=RECEPTION_DOB, urn="111111")])
    assert picks(st.export("2023-08-31"), "X", PHASE) == []
    rows = st.export("2023-09-01")
    [r] = picks(rows, "X", PHASE)
    assert triple(r) == ("2024-02-15", "", "pending")
    # cycle in force on 2024-02-15: cycle 1 (under 5 -> due 2023-11-01)
    assert (r["cycle"], r["due_on"], r["meeting_on"], r["school_urn"]) == (
        "1",
        "2023-11-01",
        "",
        "111111",
    )


def test_reception_overdue_without_final_plan(st: Store) -> None:
    st.imp([plan("X", "2023-05-01", dob=RECEPTION_DOB)])
    [r] = picks(st.export("2024-02-16"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "", "overdue")
    [r] = picks(st.export("2024-02-15"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "", "pending")


def test_reception_met_on_deadline_and_cycle_in_force(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            meeting("X", "2023-10-20"),  # cycle 2 anchored 2023-10-20, age 4 -> due 2024-04-20
            row("X", "final_plan_issued", "2024-02-15"),
        ]
    )
    [r] = picks(st.export("2024-03-01"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "2024-02-15", "met")
    assert (r["cycle"], r["due_on"], r["meeting_on"]) == ("2", "2024-04-20", "")


def test_phase_transfer_row_carries_held_cycle_meeting(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            meeting("X", "2023-10-20"),
            meeting("X", "2024-03-10"),  # cycle 2 held after the deadline
        ]
    )
    [r] = picks(st.export("2024-04-01"), "X", PHASE)
    assert (r["cycle"], r["due_on"], r["meeting_on"]) == ("2", "2024-04-20", "2024-03-10")


def test_phase_transfer_final_plan_before_school_year_does_not_count(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            meeting("X", "2023-08-01"),
            row("X", "final_plan_issued", "2023-08-31"),
        ]
    )
    [r] = picks(st.export("2024-03-01"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "", "overdue")


def test_phase_transfer_done_by_earliest_final_plan_in_school_year(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            meeting("X", "2023-08-01"),
            row("X", "final_plan_issued", "2024-03-01"),
            row("X", "final_plan_issued", "2023-09-05"),
        ]
    )
    [r] = picks(st.export("2024-04-01"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "2023-09-05", "met")


def test_phase_transfer_late_final_plan_in_school_year_is_missed(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            meeting("X", "2023-08-01"),
            row("X", "final_plan_issued", "2024-08-31"),
        ]
    )
    [r] = picks(st.export("2024-09-10"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "2024-08-31", "missed")


def test_phase_transfer_applies_only_to_plans_issued_before_1_september(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-08-31", dob=RECEPTION_DOB),
            plan("Y", "2023-09-01", dob=RECEPTION_DOB),
        ]
    )
    rows = st.export("2024-03-01")
    assert len(picks(rows, "X", PHASE)) == 1
    assert picks(rows, "Y", PHASE) == []


def test_phase_transfer_done_by_final_plan_in_no_cycle(st: Store) -> None:
    # the final plan's meeting is voided: the entry belongs to no cycle but still counts
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            meeting("X", "2023-10-20"),
            row("X", "final_plan_issued", "2024-01-10"),
        ]
    )
    st.imp([void("X", "2024-03-01", "meeting_held", "2023-10-20")])
    rows = st.export("2024-03-01")
    assert cycles(rows, "X") == [1]
    [r] = picks(rows, "X", PHASE)
    assert triple(r) == ("2024-02-15", "2024-01-10", "met")
    assert r["cycle"] == "1"


def test_phase_transfer_ceased_before_deadline_has_no_row(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            row("X", "plan_ceased", "2024-02-14", reason="moved away"),
        ]
    )
    assert picks(st.export("2024-03-01"), "X", PHASE) == []


def test_phase_transfer_ceased_on_deadline_applies_then_na(st: Store) -> None:
    # not ceased *before* the deadline -> applies; not done and deadline not before c -> n/a
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            row("X", "plan_ceased", "2024-02-15", reason="moved away"),
        ]
    )
    [r] = picks(st.export("2024-03-01"), "X", PHASE)
    assert triple(r) == ("", "", "n/a")


def test_phase_transfer_ceased_after_deadline_is_missed(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            row("X", "plan_ceased", "2024-03-01", reason="moved away"),
        ]
    )
    [r] = picks(st.export("2024-04-01"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "", "missed")


def test_phase_transfer_cease_after_as_of_is_ignored(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB),
            row("X", "plan_ceased", "2024-02-10", reason="moved away"),
        ]
    )
    [r] = picks(st.export("2024-02-05"), "X", PHASE)
    assert triple(r) == ("2024-02-15", "", "pending")


def test_year_6_transfer_born_in_autumn(st: Store) -> None:
    # born 20 Nov 2013 -> C=2014; Y6->Y7 deadline 15 Feb 2025 (school year from 1 Sep 2024)
    st.imp([plan("X", "2020-01-01", dob="2013-11-20", urn="222222")])
    assert picks(st.export("2024-08-31"), "X", PHASE) == []
    [r] = picks(st.export("2025-03-01"), "X", PHASE)
    assert triple(r) == ("2025-02-15", "", "overdue")
    assert r["school_urn"] == "222222"


def test_year_11_transfer_deadline_31_march(st: Store) -> None:
    # born 5 May 2008 -> C=2008; deadline 31 Mar 2024 (school year from 1 Sep 2023)
    st.imp([plan("X", "2020-06-01", dob="2008-05-05")])
    assert picks(st.export("2023-08-31"), "X", PHASE) == []
    [r] = picks(st.export("2024-03-31"), "X", PHASE)
    assert triple(r) == ("2024-03-31", "", "pending")
    [r] = picks(st.export("2024-04-01"), "X", PHASE)
    assert triple(r) == ("2024-03-31", "", "overdue")


def test_year_11_transfer_born_in_september(st: Store) -> None:
    # born 1 Sep 2008 -> C=2009; deadline 31 Mar 2025
    st.imp([plan("X", "2020-06-01", dob="2008-09-01")])
    assert picks(st.export("2024-08-31"), "X", PHASE) == []
    [r] = picks(st.export("2024-09-01"), "X", PHASE)
    assert triple(r) == ("2025-03-31", "", "pending")


def test_two_phase_transfers_in_one_cycle(st: Store) -> None:
    # born 1 Oct 2012 -> C=2013: Reception deadline 2017-02-15, Y6 deadline 2024-02-15
    st.imp([plan("X", "2016-03-01", dob="2012-10-01")])
    rows = st.export("2024-03-01")
    got = sorted((*triple(r), r["cycle"]) for r in picks(rows, "X", PHASE))
    assert got == [
        ("2017-02-15", "", "overdue", "1"),
        ("2024-02-15", "", "overdue", "1"),
    ]


def test_phase_transfer_school_urn_on_deadline(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-05-01", dob=RECEPTION_DOB, urn="111111"),
            row("X", "placement_changed", "2024-02-15", school_urn="333333"),
            row("X", "placement_changed", "2024-02-16", school_urn="444444"),
        ]
    )
    [r] = picks(st.export("2024-03-01"), "X", PHASE)
    assert r["school_urn"] == "333333"


# =============================================================================== reference date R


def base() -> list[dict]:
    # due 2024-01-16; R = due: 4 weeks 2023-12-19, 2 weeks 2024-01-02
    return [plan("X", "2023-01-16", dob="2010-01-15")]


def r_deadlines(rows: list[dict], cycle: int = 1) -> tuple[str, str, str]:
    return (
        pick(rows, "X", cycle, "invitations_4_weeks")["deadline"],
        pick(rows, "X", cycle, "invitations_2_weeks")["deadline"],
        pick(rows, "X", cycle, "papers_circulated_2_weeks")["deadline"],
    )


def test_r_is_due_date_before_any_booking(st: Store) -> None:
    st.imp(base())
    assert r_deadlines(st.export("2023-06-01")) == ("2023-12-19", "2024-01-02", "2024-01-02")


def test_r_is_booked_meeting_date(st: Store) -> None:
    st.imp([*base(), scheduled("X", "2023-10-01", "2024-01-05")])
    rows = st.export("2023-11-01")
    assert r_deadlines(rows) == ("2023-12-08", "2023-12-22", "2023-12-22")
    assert cycle_info(rows, "X", 1)[1] == ""  # a booked date never appears in meeting_on


def test_r_is_latest_booking_by_occurred_on_not_file_order(st: Store) -> None:
    st.imp(
        [
            *base(),
            scheduled("X", "2023-11-01", "2024-01-20"),
            scheduled("X", "2023-10-01", "2024-01-05"),
        ]
    )
    assert r_deadlines(st.export("2023-11-02")) == ("2023-12-23", "2024-01-06", "2024-01-06")


def test_r_booking_ties_broken_by_row_order(st: Store) -> None:
    st.imp(
        [
            *base(),
            scheduled("X", "2023-10-01", "2024-01-05"),
            scheduled("X", "2023-10-01", "2024-01-12"),
        ]
    )
    assert r_deadlines(st.export("2023-11-01"))[0] == "2023-12-15"


def test_r_booking_ties_broken_by_import_order(st: Store) -> None:
    st.imp([*base(), scheduled("X", "2023-10-01", "2024-01-12")])
    st.imp([scheduled("X", "2023-10-01", "2024-01-05")])
    assert r_deadlines(st.export("2023-11-01"))[0] == "2023-12-08"


def test_r_booking_after_as_of_is_ignored(st: Store) -> None:
    st.imp([*base(), scheduled("X", "2023-10-01", "2024-01-05")])
    assert r_deadlines(st.export("2023-09-30"))[0] == "2023-12-19"


def test_r_is_the_meeting_date_once_held(st: Store) -> None:
    st.imp([*base(), scheduled("X", "2023-10-01", "2024-01-05"), meeting("X", "2024-01-09")])
    rows = st.export("2024-02-01")
    assert r_deadlines(rows) == ("2023-12-12", "2023-12-26", "2023-12-26")


def test_booking_after_the_meeting_belongs_to_next_cycle(st: Store) -> None:
    st.imp(
        [
            *base(),
            meeting("X", "2024-01-09"),
            scheduled("X", "2024-02-01", "2024-12-01"),
        ]
    )
    rows = st.export("2024-03-01")
    assert r_deadlines(rows, 1)[0] == "2023-12-12"
    assert r_deadlines(rows, 2) == ("2024-11-03", "2024-11-17", "2024-11-17")


def test_booking_with_uk_meeting_date(st: Store) -> None:
    st.imp([*base(), scheduled("X", "01/10/2023", "05/01/2024")])
    assert r_deadlines(st.export("2023-11-01"))[0] == "2023-12-08"


# =============================================================================== review_on_time


@pytest.mark.parametrize(
    ("meeting_on", "as_of", "expected"),
    [
        ("2024-01-16", "2024-02-01", ("2024-01-16", "2024-01-16", "met")),
        ("2024-01-17", "2024-02-01", ("2024-01-16", "2024-01-17", "missed")),
        (None, "2024-01-16", ("2024-01-16", "", "pending")),
        (None, "2024-01-17", ("2024-01-16", "", "overdue")),
        (None, "2029-01-17", ("2024-01-16", "", "overdue")),  # however late
    ],
)
def test_review_on_time(st: Store, meeting_on, as_of, expected) -> None:
    rows = base() + ([meeting("X", meeting_on)] if meeting_on else [])
    assert one(st, rows, as_of, "review_on_time") == expected


# =============================================================================== invitations


@pytest.mark.parametrize(
    ("sent", "as_of", "four", "two"),
    [
        (
            "2023-12-19",
            "2024-01-10",
            ("2023-12-19", "2023-12-19", "met"),
            ("2024-01-02", "2023-12-19", "met"),
        ),
        (
            "2023-12-20",
            "2024-01-10",
            ("2023-12-19", "2023-12-20", "missed"),
            ("2024-01-02", "2023-12-20", "met"),
        ),
        (
            "2024-01-03",
            "2024-01-10",
            ("2023-12-19", "2024-01-03", "missed"),
            ("2024-01-02", "2024-01-03", "missed"),
        ),
        (None, "2023-12-19", ("2023-12-19", "", "pending"), ("2024-01-02", "", "pending")),
        (None, "2023-12-20", ("2023-12-19", "", "overdue"), ("2024-01-02", "", "pending")),
        (None, "2024-01-03", ("2023-12-19", "", "overdue"), ("2024-01-02", "", "overdue")),
    ],
)
def test_invitation_deadlines(st: Store, sent, as_of, four, two) -> None:
    st.imp(base() + ([invitations("X", sent)] if sent else []))
    rows = st.export(as_of)
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == four
    assert triple(pick(rows, "X", 1, "invitations_2_weeks")) == two


def test_no_invitations_and_meeting_held_is_missed(st: Store) -> None:
    st.imp([*base(), meeting("X", "2024-01-10")])
    rows = st.export("2024-02-01")
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == ("2023-12-13", "", "missed")
    assert triple(pick(rows, "X", 1, "invitations_2_weeks")) == ("2023-12-27", "", "missed")
    assert triple(pick(rows, "X", 1, "ehcp_copy_with_invitation")) == ("", "", "missed")
    assert triple(pick(rows, "X", 1, "invitees_complete")) == ("", "", "missed")
    assert triple(pick(rows, "X", 1, "papers_circulated_2_weeks")) == ("2023-12-27", "", "missed")


def test_invitation_on_meeting_day_belongs_to_the_cycle(st: Store) -> None:
    st.imp(
        [
            *base(),
            invitations("X", "2024-01-10", copy="yes", invitees=FULL_INVITEES),
            meeting("X", "2024-01-10"),
        ]
    )
    rows = st.export("2024-02-01")
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == (
        "2023-12-13",
        "2024-01-10",
        "missed",
    )
    assert triple(pick(rows, "X", 1, "ehcp_copy_with_invitation")) == ("", "2024-01-10", "met")
    assert triple(pick(rows, "X", 1, "invitees_complete")) == ("", "2024-01-10", "met")
    assert triple(pick(rows, "X", 2, "invitations_4_weeks")) == ("2024-12-13", "", "pending")


def test_invitation_after_meeting_belongs_to_next_cycle(st: Store) -> None:
    st.imp([*base(), meeting("X", "2024-01-10"), invitations("X", "2024-01-11", copy="no")])
    rows = st.export("2024-02-01")
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == ("2023-12-13", "", "missed")
    assert triple(pick(rows, "X", 1, "ehcp_copy_with_invitation")) == ("", "", "missed")
    assert triple(pick(rows, "X", 2, "invitations_4_weeks")) == ("2024-12-13", "2024-01-11", "met")
    assert triple(pick(rows, "X", 2, "ehcp_copy_with_invitation")) == ("", "2024-01-11", "missed")


def test_earliest_invitation_counts_whatever_the_file_order(st: Store) -> None:
    st.imp(
        [
            *base(),
            invitations("X", "2023-12-05", copy="no", invitees="parent_carer"),
            invitations("X", "2023-11-01", copy="yes", invitees=FULL_INVITEES),
        ]
    )
    rows = st.export("2023-12-10")
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == ("2023-12-19", "2023-11-01", "met")
    assert triple(pick(rows, "X", 1, "ehcp_copy_with_invitation")) == ("", "2023-11-01", "met")
    assert triple(pick(rows, "X", 1, "invitees_complete")) == ("", "2023-11-01", "met")


def test_backdated_earlier_invitation_is_judged(st: Store) -> None:
    st.imp([*base(), invitations("X", "2023-12-05", copy="yes")])
    st.imp([invitations("X", "2023-11-01", copy="no")])
    rows = st.export("2023-12-10")
    assert triple(pick(rows, "X", 1, "ehcp_copy_with_invitation")) == ("", "2023-11-01", "missed")


# =============================================================================== ehcp copy


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        ("yes", ("", "2023-12-01", "met")),
        ("y", ("", "2023-12-01", "met")),
        ("true", ("", "2023-12-01", "met")),
        ("no", ("", "2023-12-01", "missed")),
        ("n", ("", "2023-12-01", "missed")),
        ("false", ("", "2023-12-01", "missed")),
        ("not_recorded", ("", "", "n/a")),
    ],
)
def test_ehcp_copy_with_invitation(st: Store, copy: str, expected) -> None:
    assert (
        one(
            st,
            [*base(), invitations("X", "2023-12-01", copy=copy)],
            "2023-12-10",
            "ehcp_copy_with_invitation",
        )
        == expected
    )


def test_no_deadline_measures_pending_without_event_even_late(st: Store) -> None:
    st.imp(base())
    rows = st.export("2024-06-01")  # far past the due date, meeting never held
    for m in (
        "ehcp_copy_with_invitation",
        "invitees_complete",
        "essential_participation",
        "topics_covered",
    ):
        assert triple(pick(rows, "X", 1, m)) == ("", "", "pending"), m


# =============================================================================== invitees


@pytest.mark.parametrize(
    ("invitees", "expected"),
    [
        (FULL_INVITEES, ("", "2023-12-01", "met")),
        (
            "parent_carer;child;headteacher;caseworker;health;social_worker",
            ("", "2023-12-01", "met"),
        ),
        (
            "social_worker;health;caseworker;senco;child;parent_carer;educational_psychologist",
            ("", "2023-12-01", "met"),
        ),
        ("parent_carer;child;caseworker;health;social_worker", ("", "2023-12-01", "missed")),
        ("parent_carer;child;senco;caseworker;health", ("", "2023-12-01", "missed")),
        ("parent_carer;child;senco;caseworker;social_worker", ("", "2023-12-01", "missed")),
        ("child;senco;caseworker;health;social_worker", ("", "2023-12-01", "missed")),
        ("parent_carer;senco;caseworker;health;social_worker", ("", "2023-12-01", "missed")),
        ("parent_carer;child;senco;health;social_worker", ("", "2023-12-01", "missed")),
        ("not_recorded", ("", "", "n/a")),
        ("", ("", "", "n/a")),
    ],
)
def test_invitees_complete(st: Store, invitees: str, expected) -> None:
    assert (
        one(
            st,
            [*base(), invitations("X", "2023-12-01", invitees=invitees)],
            "2023-12-10",
            "invitees_complete",
        )
        == expected
    )


def test_invitees_judged_on_first_invitation(st: Store) -> None:
    st.imp(
        [
            *base(),
            invitations("X", "2023-12-01", invitees="parent_carer"),
            invitations("X", "2023-12-02", invitees=FULL_INVITEES),
        ]
    )
    assert triple(pick(st.export("2023-12-10"), "X", 1, "invitees_complete")) == (
        "",
        "2023-12-01",
        "missed",
    )


# =============================================================================== reports


def held_base() -> list[dict]:
    # meeting 2024-01-10: R-14 = 2023-12-27
    return [*base(), meeting("X", "2024-01-10")]


def test_reports_na_without_advice_or_reports(st: Store) -> None:
    assert one(st, held_base(), "2024-02-01", "reports_2_weeks") == ("", "", "n/a")


def test_reports_done_on_latest_of_roles_first_reports(st: Store) -> None:
    rows = [
        *held_base(),
        row("X", "advice_requested", "2023-11-01", role="health"),
        row("X", "advice_requested", "2023-11-01", role="educational_psychologist"),
        row("X", "report_received", "2023-12-01", role="health"),
        row("X", "report_received", "2023-12-30", role="health"),
        row("X", "report_received", "2023-12-10", role="educational_psychologist"),
    ]
    assert one(st, rows, "2024-02-01", "reports_2_weeks") == ("2023-12-27", "2023-12-10", "met")


def test_reports_late_role_is_missed(st: Store) -> None:
    rows = [
        *held_base(),
        row("X", "advice_requested", "2023-11-01", role="health"),
        row("X", "report_received", "2023-12-01", role="health"),
        row("X", "report_received", "2023-12-28", role="educational_psychologist"),
    ]
    assert one(st, rows, "2024-02-01", "reports_2_weeks") == ("2023-12-27", "2023-12-28", "missed")


def test_report_without_advice_request_applies(st: Store) -> None:
    rows = [*held_base(), row("X", "report_received", "2023-12-01", role="advisory_teacher")]
    assert one(st, rows, "2024-02-01", "reports_2_weeks") == ("2023-12-27", "2023-12-01", "met")


def test_reports_missing_role_held_is_missed(st: Store) -> None:
    rows = [
        *held_base(),
        row("X", "advice_requested", "2023-11-01", role="health"),
        row("X", "report_received", "2023-12-01", role="educational_psychologist"),
    ]
    assert one(st, rows, "2024-02-01", "reports_2_weeks") == ("2023-12-27", "", "missed")


def test_reports_missing_role_not_held(st: Store) -> None:
    st.imp([*base(), row("X", "advice_requested", "2023-11-01", role="health")])
    assert triple(pick(st.export("2024-01-02"), "X", 1, "reports_2_weeks")) == (
        "2024-01-02",
        "",
        "pending",
    )
    assert triple(pick(st.export("2024-01-03"), "X", 1, "reports_2_weeks")) == (
        "2024-01-02",
        "",
        "overdue",
    )


def test_late_report_belongs_to_next_cycle(st: Store) -> None:
    st.imp(
        [
            *held_base(),
            row("X", "advice_requested", "2023-11-01", role="health"),
            row("X", "report_received", "2024-01-15", role="health"),
        ]
    )
    rows = st.export("2024-02-01")
    assert triple(pick(rows, "X", 1, "reports_2_weeks")) == ("2023-12-27", "", "missed")
    # cycle 2: R = due 2025-01-10 -> 2024-12-27
    assert triple(pick(rows, "X", 2, "reports_2_weeks")) == ("2024-12-27", "2024-01-15", "met")


# =============================================================================== views


@pytest.mark.parametrize(
    ("views", "expected"),
    [
        ([], ("", "", "n/a")),
        (
            [("parent_carer", "2023-12-01"), ("child", "2023-12-20")],
            ("2023-12-27", "2023-12-20", "met"),
        ),
        (
            [("parent_carer", "2023-12-28"), ("child", "2023-12-20")],
            ("2023-12-27", "2023-12-28", "missed"),
        ),
        ([("parent_carer", "2023-12-01")], ("2023-12-27", "", "missed")),
        ([("child", "2023-12-01")], ("2023-12-27", "", "missed")),
        (
            [
                ("parent_carer", "2023-12-01"),
                ("parent_carer", "2024-01-05"),
                ("child", "2023-12-10"),
            ],
            ("2023-12-27", "2023-12-10", "met"),
        ),
        (
            [("child", "2024-01-05"), ("parent_carer", "2023-12-01"), ("child", "2023-12-27")],
            ("2023-12-27", "2023-12-27", "met"),
        ),
    ],
)
def test_views_2_weeks(st: Store, views, expected) -> None:
    rows = held_base() + [row("X", "views_received", d, role=r) for r, d in views]
    assert one(st, rows, "2024-02-01", "views_2_weeks") == expected


def test_views_not_held_one_missing_overdue(st: Store) -> None:
    st.imp([*base(), row("X", "views_received", "2023-12-01", role="parent_carer")])
    assert triple(pick(st.export("2024-01-03"), "X", 1, "views_2_weeks")) == (
        "2024-01-02",
        "",
        "overdue",
    )


# =============================================================================== papers


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2023-12-27", ("2023-12-27", "2023-12-27", "met")),
        ("2023-12-28", ("2023-12-27", "2023-12-28", "missed")),
        (None, ("2023-12-27", "", "missed")),
    ],
)
def test_papers_circulated(st: Store, on, expected) -> None:
    rows = held_base() + ([row("X", "papers_circulated", on)] if on else [])
    assert one(st, rows, "2024-02-01", "papers_circulated_2_weeks") == expected


# =============================================================================== participation


@pytest.mark.parametrize(
    ("attendees", "expected"),
    [
        ("parent_carer;child", ("", "2024-01-10", "met")),
        ("child_in_writing;parent_carer;senco", ("", "2024-01-10", "met")),
        ("parent_carer;senco;caseworker", ("", "2024-01-10", "missed")),
        ("child;senco", ("", "2024-01-10", "missed")),
        ("child_in_writing", ("", "2024-01-10", "missed")),
        ("not_recorded", ("", "", "n/a")),
    ],
)
def test_essential_participation(st: Store, attendees: str, expected) -> None:
    rows = [*base(), meeting("X", "2024-01-10", attendees=attendees)]
    assert one(st, rows, "2024-02-01", "essential_participation") == expected


# ========================================================================= paperwork, decision


@pytest.mark.parametrize(
    ("paperwork", "as_of", "expected"),
    [
        (["2024-01-24"], "2024-02-01", ("2024-01-24", "2024-01-24", "met")),
        (["2024-01-25"], "2024-02-01", ("2024-01-24", "2024-01-25", "missed")),
        (["2024-01-30", "2024-01-20"], "2024-02-01", ("2024-01-24", "2024-01-20", "met")),
        ([], "2024-01-24", ("2024-01-24", "", "pending")),
        ([], "2024-01-25", ("2024-01-24", "", "overdue")),
        ([], "2027-01-25", ("2024-01-24", "", "overdue")),
    ],
)
def test_paperwork_2_weeks(st: Store, paperwork, as_of, expected) -> None:
    rows = held_base() + [row("X", "paperwork_submitted", d) for d in paperwork]
    got = one(st, rows, as_of, "paperwork_2_weeks")
    assert got == expected


def test_paperwork_and_decisions_pending_without_deadline_until_meeting(st: Store) -> None:
    st.imp(base())
    rows = st.export("2024-06-01")
    for m in (
        "paperwork_2_weeks",
        "decision_4_weeks",
        "decision_2_weeks_after_paperwork",
        "amendments_4_weeks",
        "final_plan_8_weeks",
    ):
        assert triple(pick(rows, "X", 1, m)) == ("", "", "pending"), m


@pytest.mark.parametrize(
    ("decisions", "as_of", "expected"),
    [
        ([("2024-02-07", "maintain")], "2024-03-01", ("2024-02-07", "2024-02-07", "met")),
        ([("2024-02-08", "maintain")], "2024-03-01", ("2024-02-07", "2024-02-08", "missed")),
        (
            [("2024-02-20", "amend"), ("2024-02-01", "maintain")],
            "2024-03-01",
            ("2024-02-07", "2024-02-01", "met"),
        ),
        ([], "2024-02-07", ("2024-02-07", "", "pending")),
        ([], "2024-02-08", ("2024-02-07", "", "overdue")),
    ],
)
def test_decision_4_weeks(st: Store, decisions, as_of, expected) -> None:
    rows = held_base() + [decision("X", d, what) for d, what in decisions]
    assert one(st, rows, as_of, "decision_4_weeks") == expected


@pytest.mark.parametrize(
    ("paperwork", "decided", "as_of", "expected"),
    [
        (None, None, "2024-06-01", ("", "", "pending")),  # no deadline until paperwork
        ("2024-01-20", None, "2024-02-03", ("2024-02-03", "", "pending")),
        ("2024-01-20", None, "2024-02-04", ("2024-02-03", "", "overdue")),
        ("2024-01-20", "2024-02-03", "2024-03-01", ("2024-02-03", "2024-02-03", "met")),
        ("2024-01-20", "2024-02-04", "2024-03-01", ("2024-02-03", "2024-02-04", "missed")),
        ("2024-01-20", "2024-01-15", "2024-03-01", ("2024-02-03", "2024-01-15", "met")),
        ("2024-03-01", "2024-01-20", "2024-04-01", ("2024-03-15", "2024-01-20", "met")),
        (None, "2024-01-20", "2024-03-01", ("", "", "n/a")),
        # paperwork dated after the as-of date is not seen: decision but no paperwork -> n/a
        ("2024-01-20", "2024-01-15", "2024-01-18", ("", "", "n/a")),
    ],
)
def test_decision_2_weeks_after_paperwork(st: Store, paperwork, decided, as_of, expected):
    rows = list(held_base())
    if paperwork:
        rows.append(row("X", "paperwork_submitted", paperwork))
    if decided:
        rows.append(decision("X", decided))
    assert one(st, rows, as_of, "decision_2_weeks_after_paperwork") == expected


def test_decision_2_weeks_after_first_paperwork(st: Store) -> None:
    rows = [
        *held_base(),
        row("X", "paperwork_submitted", "2024-01-25"),
        row("X", "paperwork_submitted", "2024-01-20"),
        decision("X", "2024-02-04"),
    ]
    assert one(st, rows, "2024-03-01", "decision_2_weeks_after_paperwork") == (
        "2024-02-03",
        "2024-02-04",
        "missed",
    )


# =============================================================================== amendments / final


def amend_rows(*extra: dict, first: str = "amend") -> list[dict]:
    return [*held_base(), decision("X", "2024-01-20", first), *extra]


@pytest.mark.parametrize(
    ("rows_fn", "as_of", "amend", "final"),
    [
        # held, no decision yet: not known whether they apply
        (lambda: held_base(), "2024-06-01", ("", "", "pending"), ("", "", "pending")),
        (lambda: amend_rows(first="maintain"), "2024-06-01", ("", "", "n/a"), ("", "", "n/a")),
        (lambda: amend_rows(first="cease"), "2024-06-01", ("", "", "n/a"), ("", "", "n/a")),
        # first decision counts
        (
            lambda: amend_rows(decision("X", "2024-01-25", "amend"), first="maintain"),
            "2024-06-01",
            ("", "", "n/a"),
            ("", "", "n/a"),
        ),
        # amend, nothing proposed: amendments pending/overdue; final plan pending, no deadline
        (lambda: amend_rows(), "2024-02-07", ("2024-02-07", "", "pending"), ("", "", "pending")),
        (lambda: amend_rows(), "2024-02-08", ("2024-02-07", "", "overdue"), ("", "", "pending")),
        (lambda: amend_rows(), "2026-02-08", ("2024-02-07", "", "overdue"), ("", "", "pending")),
        # amendments on / after meeting + 28
        (
            lambda: amend_rows(row("X", "amendments_proposed", "2024-02-07")),
            "2024-04-03",
            ("2024-02-07", "2024-02-07", "met"),
            ("2024-04-03", "", "pending"),
        ),
        (
            lambda: amend_rows(row("X", "amendments_proposed", "2024-02-08")),
            "2024-04-05",
            ("2024-02-07", "2024-02-08", "missed"),
            ("2024-04-04", "", "overdue"),
        ),
        # final plan 8 weeks after the (first) amendments
        (
            lambda: amend_rows(
                row("X", "amendments_proposed", "2024-02-01"),
                row("X", "amendments_proposed", "2024-02-20"),
                row("X", "final_plan_issued", "2024-03-28"),
            ),
            "2024-06-01",
            ("2024-02-07", "2024-02-01", "met"),
            ("2024-03-28", "2024-03-28", "met"),
        ),
        (
            lambda: amend_rows(
                row("X", "amendments_proposed", "2024-02-01"),
                row("X", "final_plan_issued", "2024-03-29"),
            ),
            "2024-06-01",
            ("2024-02-07", "2024-02-01", "met"),
            ("2024-03-28", "2024-03-29", "missed"),
        ),
        # a final plan before the amendments does not count
        (
            lambda: amend_rows(
                row("X", "final_plan_issued", "2024-01-31"),
                row("X", "amendments_proposed", "2024-02-01"),
            ),
            "2024-06-01",
            ("2024-02-07", "2024-02-01", "met"),
            ("2024-03-28", "", "overdue"),
        ),
        (
            lambda: amend_rows(
                row("X", "final_plan_issued", "2024-01-31"),
                row("X", "amendments_proposed", "2024-02-01"),
                row("X", "final_plan_issued", "2024-03-01"),
            ),
            "2024-06-01",
            ("2024-02-07", "2024-02-01", "met"),
            ("2024-03-28", "2024-03-01", "met"),
        ),
        # same day as the amendments counts
        (
            lambda: amend_rows(
                row("X", "amendments_proposed", "2024-02-01"),
                row("X", "final_plan_issued", "2024-02-01"),
            ),
            "2024-06-01",
            ("2024-02-07", "2024-02-01", "met"),
            ("2024-03-28", "2024-02-01", "met"),
        ),
    ],
)
def test_amendments_and_final_plan(st: Store, rows_fn, as_of, amend, final) -> None:
    st.imp(rows_fn())
    rows = st.export(as_of)
    assert triple(pick(rows, "X", 1, "amendments_4_weeks")) == amend
    assert triple(pick(rows, "X", 1, "final_plan_8_weeks")) == final


def test_amend_decision_after_as_of_not_seen(st: Store) -> None:
    st.imp(amend_rows(row("X", "amendments_proposed", "2024-01-25")))
    rows = st.export("2024-01-19")
    assert triple(pick(rows, "X", 1, "amendments_4_weeks")) == ("", "", "pending")
    assert triple(pick(rows, "X", 1, "final_plan_8_weeks")) == ("", "", "pending")


# =============================================================================== statutory clock


def test_statutory_period_is_12_months_for_under_5(st: Store) -> None:
    st.imp([plan("X", "2023-03-15", dob="2020-01-01")])
    rows = st.export("2023-04-01")
    assert pick(rows, "X", 1, "review_on_time")["deadline"] == "2023-09-15"
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == ("2024-03-15", "", "pending")


def test_statutory_clock_open_without_decision_is_overdue(st: Store) -> None:
    st.imp([*base(), meeting("X", "2024-01-10")])
    rows = st.export("2024-06-01")
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == ("2024-01-16", "", "overdue")
    # cycle 1 has no decision: cycle 2 carries no period
    assert triple(pick(rows, "X", 2, "review_decided_12_months")) == ("", "", "n/a")


def test_statutory_clock_done_by_decision_in_later_cycle(st: Store) -> None:
    st.imp(
        [
            plan("X", "2022-01-10", dob="2010-01-15"),
            meeting("X", "2022-12-01"),  # cycle 1 held, no decision
            meeting("X", "2023-11-01"),  # cycle 2 held
            decision("X", "2023-11-20"),  # belongs to cycle 2
        ]
    )
    rows = st.export("2024-12-01")
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == (
        "2023-01-10",
        "2023-11-20",
        "missed",
    )
    assert triple(pick(rows, "X", 2, "review_decided_12_months")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 3, "review_decided_12_months")) == ("2024-11-20", "", "overdue")


def test_statutory_clock_chain(st: Store) -> None:
    st.imp(
        [
            plan("X", "2021-01-10", dob="2010-01-15"),
            meeting("X", "2021-12-01"),
            decision("X", "2021-12-20"),  # cycle 1: met (deadline 2022-01-10)
            meeting("X", "2022-11-15"),  # cycle 2: period from 2021-12-20, no decision
            meeting("X", "2023-11-01"),
            decision("X", "2023-11-10"),  # cycle 3's decision closes cycle 2's period
        ]
    )
    rows = st.export("2024-01-01")
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == (
        "2022-01-10",
        "2021-12-20",
        "met",
    )
    assert triple(pick(rows, "X", 2, "review_decided_12_months")) == (
        "2022-12-20",
        "2023-11-10",
        "missed",
    )
    assert triple(pick(rows, "X", 3, "review_decided_12_months")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 4, "review_decided_12_months")) == ("2024-11-10", "", "pending")


def test_statutory_period_starts_on_first_decision_of_previous_cycle(st: Store) -> None:
    st.imp(
        [
            *held_base(),
            decision("X", "2024-02-10", "amend"),
            decision("X", "2024-01-20", "maintain"),
        ]
    )
    rows = st.export("2024-03-01")
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == (
        "2024-01-16",
        "2024-01-20",
        "missed",
    )
    assert triple(pick(rows, "X", 2, "review_decided_12_months")) == ("2025-01-20", "", "pending")


def test_statutory_period_met_on_its_last_day(st: Store) -> None:
    st.imp([*held_base(), decision("X", "2024-01-16")])
    rows = st.export("2024-02-01")
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == (
        "2024-01-16",
        "2024-01-16",
        "met",
    )


# =============================================================================== voided meeting


def test_post_meeting_actions_with_voided_meeting_count_in_no_cycle(st: Store) -> None:
    st.imp(
        [
            *base(),
            meeting("X", "2024-01-10"),
            row("X", "paperwork_submitted", "2024-01-20"),
            decision("X", "2024-01-25", "amend"),
            row("X", "amendments_proposed", "2024-01-26"),
        ]
    )
    st.imp([void("X", "2024-03-01", "meeting_held", "2024-01-10")])
    rows = st.export("2024-06-01")
    assert cycles(rows, "X") == [1]
    assert cycle_info(rows, "X", 1)[1] == ""
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("2024-01-16", "", "overdue")
    assert triple(pick(rows, "X", 1, "paperwork_2_weeks")) == ("", "", "pending")
    assert triple(pick(rows, "X", 1, "decision_4_weeks")) == ("", "", "pending")
    assert triple(pick(rows, "X", 1, "amendments_4_weeks")) == ("", "", "pending")
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == ("2024-01-16", "", "overdue")


# =============================================================================== ceased plans


def test_ceased_before_any_deadline_all_na(st: Store) -> None:
    st.imp([*base(), row("X", "plan_ceased", "2023-06-01", reason="left LA")])
    rows = st.export("2024-06-01")
    assert cycles(rows, "X") == [1]
    for m in CYCLE_MEASURES:
        assert triple(pick(rows, "X", 1, m)) == ("", "", "n/a"), m


def test_ceased_after_deadlines_missed(st: Store) -> None:
    st.imp([*base(), row("X", "plan_ceased", "2024-03-01", reason="left LA")])
    rows = st.export("2024-06-01")
    expected = {
        "review_on_time": ("2024-01-16", "", "missed"),
        "review_decided_12_months": ("2024-01-16", "", "missed"),
        "invitations_4_weeks": ("2023-12-19", "", "missed"),
        "invitations_2_weeks": ("2024-01-02", "", "missed"),
        "papers_circulated_2_weeks": ("2024-01-02", "", "missed"),
    }
    for m in CYCLE_MEASURES:
        assert triple(pick(rows, "X", 1, m)) == expected.get(m, ("", "", "n/a")), m


def test_ceased_rule_needs_cease_on_or_before_as_of(st: Store) -> None:
    st.imp([*base(), row("X", "plan_ceased", "2024-03-01", reason="left LA")])
    rows = st.export("2024-02-01")
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("2024-01-16", "", "overdue")
    assert triple(pick(rows, "X", 1, "paperwork_2_weeks")) == ("", "", "pending")


def test_ceased_between_deadlines(st: Store) -> None:
    # c = 2023-12-25: the 4-week deadline (2023-12-19) is before c, the others are not
    st.imp([*base(), row("X", "plan_ceased", "2023-12-25", reason="left LA")])
    rows = st.export("2024-06-01")
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == ("2023-12-19", "", "missed")
    assert triple(pick(rows, "X", 1, "invitations_2_weeks")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("", "", "n/a")


def test_ceased_after_meeting_and_cease_decision(st: Store) -> None:
    st.imp(
        [
            *base(),
            meeting("X", "2024-01-10"),
            decision("X", "2024-01-20", "cease"),
            row("X", "plan_ceased", "2024-02-15", reason="no longer needed"),
        ]
    )
    rows = st.export("2024-06-01")
    assert cycles(rows, "X") == [1, 2]  # cycle 2 is anchored 2024-01-10, before c
    c1 = {m: triple(pick(rows, "X", 1, m)) for m in CYCLE_MEASURES}
    assert c1["review_on_time"] == ("2024-01-16", "2024-01-10", "met")
    assert c1["review_decided_12_months"] == ("2024-01-16", "2024-01-20", "missed")
    assert c1["decision_4_weeks"] == ("2024-02-07", "2024-01-20", "met")
    assert c1["paperwork_2_weeks"] == ("2024-01-24", "", "missed")  # deadline before c
    assert c1["decision_2_weeks_after_paperwork"] == ("", "", "n/a")
    assert c1["amendments_4_weeks"] == ("", "", "n/a")
    # step-3 missed rows stay missed
    assert c1["invitations_4_weeks"] == ("2023-12-13", "", "missed")
    assert c1["ehcp_copy_with_invitation"] == ("", "", "missed")
    assert c1["invitees_complete"] == ("", "", "missed")
    # cycle 2: every deadline is after c (or unknown) -> n/a
    for m in CYCLE_MEASURES:
        assert triple(pick(rows, "X", 2, m)) == ("", "", "n/a"), m


def test_ceased_plan_done_rows_keep_status(st: Store) -> None:
    st.imp(
        [
            *base(),
            invitations("X", "2023-11-01", copy="yes", invitees=FULL_INVITEES),
            row("X", "plan_ceased", "2023-12-01", reason="left LA"),
        ]
    )
    rows = st.export("2024-06-01")
    assert triple(pick(rows, "X", 1, "invitations_4_weeks")) == ("2023-12-19", "2023-11-01", "met")
    assert triple(pick(rows, "X", 1, "ehcp_copy_with_invitation")) == ("", "2023-11-01", "met")
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("", "", "n/a")


def test_ceased_overdue_amendments_become_missed(st: Store) -> None:
    st.imp(
        [
            *amend_rows(),
            row("X", "plan_ceased", "2024-03-01", reason="moved"),
        ]
    )
    rows = st.export("2024-06-01")
    assert triple(pick(rows, "X", 1, "amendments_4_weeks")) == ("2024-02-07", "", "missed")
    assert triple(pick(rows, "X", 1, "final_plan_8_weeks")) == ("", "", "n/a")


# =============================================================================== placement


def test_school_urn_of_unheld_cycle_is_placement_on_due_date(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15", urn="111111"),
            row("X", "placement_changed", "2024-01-16", school_urn="222222"),
            row("Y", "plan_issued", "2023-01-16", date_of_birth="2010-01-15", school_urn="111111"),
            row("Y", "placement_changed", "2024-01-17", school_urn="222222"),
        ]
    )
    rows = st.export("2024-02-01")
    assert cycle_info(rows, "X", 1)[2] == "222222"
    assert cycle_info(rows, "Y", 1)[2] == "111111"


def test_school_urn_of_held_cycle_is_placement_on_meeting_date(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15", urn="111111"),
            meeting("X", "2024-01-10"),
            row("X", "placement_changed", "2024-01-11", school_urn="222222"),
            plan("Y", "2023-01-16", dob="2010-01-15", urn="111111"),
            row("Y", "placement_changed", "2024-01-10", school_urn="333333"),
            meeting("Y", "2024-01-10"),
        ]
    )
    rows = st.export("2024-02-01")
    assert cycle_info(rows, "X", 1)[2] == "111111"
    assert cycle_info(rows, "X", 2)[2] == "222222"
    assert cycle_info(rows, "Y", 1)[2] == "333333"


def test_placement_after_as_of_is_not_seen(st: Store) -> None:
    st.imp(
        [
            plan("X", "2023-01-16", dob="2010-01-15", urn="111111"),
            row("X", "placement_changed", "2023-06-01", school_urn="222222"),
        ]
    )
    assert cycle_info(st.export("2023-05-01"), "X", 1)[2] == "111111"
    assert cycle_info(st.export("2023-06-01"), "X", 1)[2] == "222222"


# =============================================================================== more edges


def test_same_day_invitations_first_imported_is_judged(st: Store) -> None:
    st.imp(
        [
            *base(),
            invitations("X", "2023-12-01", copy="no"),
            invitations("X", "2023-12-01", copy="yes"),
        ]
    )
    assert triple(pick(st.export("2023-12-10"), "X", 1, "ehcp_copy_with_invitation")) == (
        "",
        "2023-12-01",
        "missed",
    )


def test_same_day_decisions_first_imported_is_the_first(st: Store) -> None:
    st.imp(
        [
            *held_base(),
            decision("X", "2024-01-20", "maintain"),
            decision("X", "2024-01-20", "amend"),
        ]
    )
    rows = st.export("2024-06-01")
    assert triple(pick(rows, "X", 1, "amendments_4_weeks")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 1, "final_plan_8_weeks")) == ("", "", "n/a")


def test_post_meeting_action_on_next_meeting_day_belongs_to_next_cycle(st: Store) -> None:
    st.imp(
        [
            *base(),
            meeting("X", "2024-01-10"),
            meeting("X", "2024-06-01"),
            row("X", "paperwork_submitted", "2024-06-01"),
        ]
    )
    rows = st.export("2024-07-01")
    assert triple(pick(rows, "X", 1, "paperwork_2_weeks")) == ("2024-01-24", "", "overdue")
    assert triple(pick(rows, "X", 2, "paperwork_2_weeks")) == ("2024-06-15", "2024-06-01", "met")


def test_pre_meeting_action_between_meetings_belongs_to_second(st: Store) -> None:
    st.imp(
        [
            *base(),
            meeting("X", "2024-01-10"),
            row("X", "papers_circulated", "2024-05-01"),
            meeting("X", "2024-06-01"),
        ]
    )
    rows = st.export("2024-07-01")
    assert triple(pick(rows, "X", 1, "papers_circulated_2_weeks")) == ("2023-12-27", "", "missed")
    assert triple(pick(rows, "X", 2, "papers_circulated_2_weeks")) == (
        "2024-05-18",
        "2024-05-01",
        "met",
    )
    assert triple(pick(rows, "X", 3, "papers_circulated_2_weeks")) == ("2025-05-18", "", "pending")


def test_ceased_on_a_deadline_day_is_na(st: Store) -> None:
    # "missed if its deadline is before c, else n/a": deadline == c -> n/a
    st.imp([*base(), row("X", "plan_ceased", "2024-01-16", reason="moved")])
    rows = st.export("2024-06-01")
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 1, "invitations_2_weeks")) == ("2024-01-02", "", "missed")


def test_cycle_anchored_on_the_cease_day_exists(st: Store) -> None:
    # "no cycle is anchored after c": a meeting on c anchors a cycle on c (not after it)
    st.imp(
        [*base(), meeting("X", "2024-01-10"), row("X", "plan_ceased", "2024-01-10", reason="moved")]
    )
    rows = st.export("2024-06-01")
    assert cycles(rows, "X") == [1, 2]
    for m in CYCLE_MEASURES:
        assert pick(rows, "X", 2, m)["status"] == "n/a", m


def test_voided_cease_is_not_a_cease(st: Store) -> None:
    st.imp([*base(), row("X", "plan_ceased", "2023-06-01", reason="wrong child")])
    st.imp([void("X", "2023-07-01", "plan_ceased", "2023-06-01")])
    rows = st.export("2024-06-01")
    assert triple(pick(rows, "X", 1, "review_on_time")) == ("2024-01-16", "", "overdue")
    assert triple(pick(rows, "X", 1, "paperwork_2_weeks")) == ("", "", "pending")


def test_decision_in_next_cycle_leaves_paperwork_cycle_open(st: Store) -> None:
    st.imp(
        [
            *held_base(),
            row("X", "paperwork_submitted", "2024-01-20"),
            meeting("X", "2024-03-01"),
            decision("X", "2024-03-05", "amend"),
        ]
    )
    rows = st.export("2024-04-15")
    assert triple(pick(rows, "X", 1, "decision_2_weeks_after_paperwork")) == (
        "2024-02-03",
        "",
        "overdue",
    )
    assert triple(pick(rows, "X", 1, "amendments_4_weeks")) == ("", "", "pending")
    assert triple(pick(rows, "X", 2, "decision_2_weeks_after_paperwork")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 2, "amendments_4_weeks")) == ("2024-03-29", "", "overdue")
    # the statutory period of cycle 1 is done by the decision of cycle 2
    assert triple(pick(rows, "X", 1, "review_decided_12_months")) == (
        "2024-01-16",
        "2024-03-05",
        "missed",
    )


def test_post_meeting_action_of_a_meeting_that_closed_no_cycle_counts_nowhere(st: Store) -> None:
    # A back-dated cease (2024-02-01) before two recorded meetings: the meeting of 2024-03-01
    # closes cycle 2 (anchored 2024-01-10, not after c), no cycle is anchored on it, so the
    # meeting of 2024-06-03 closes nothing. A decision after 2024-06-03 belongs to that
    # meeting's cycle ("the last annual meeting held on or before d"), i.e. to no cycle: it
    # must not count as cycle 2's decision.
    st.imp(
        [
            *held_base(),
            decision("X", "2024-01-20"),
            meeting("X", "2024-03-01"),
            meeting("X", "2024-06-03"),
            decision("X", "2024-06-10", "amend"),
        ]
    )
    st.imp([row("X", "plan_ceased", "2024-02-01", reason="moved away")])
    rows = st.export("2024-09-01")
    assert cycles(rows, "X") == [1, 2]
    # cycle 2: held 2024-03-01, no decision of its own; its deadlines are after c -> n/a
    assert triple(pick(rows, "X", 2, "decision_4_weeks")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 2, "amendments_4_weeks")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 2, "final_plan_8_weeks")) == ("", "", "n/a")
    assert triple(pick(rows, "X", 2, "review_decided_12_months")) == ("", "", "n/a")
