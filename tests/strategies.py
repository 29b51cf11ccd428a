"""Hypothesis strategies: small, valid action logs for a few children."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from ehcp_audit.domain.vocabulary import COLUMNS, CORE_TOPICS

TODAY = date(2026, 10, 31)
Row = dict[str, str]


def _row(child: str, action: str, day: date, **details: str) -> Row:
    return {"child_id": child, "action": action, "occurred_on": day.isoformat(), **details}


@st.composite
def child_history(draw: Any, child: str) -> list[Row]:
    dob = draw(st.dates(date(2004, 1, 1), date(2022, 12, 31)))
    plan_on = draw(st.dates(max(dob, date(2019, 1, 1)), date(2024, 12, 31)))
    urn = str(draw(st.integers(100000, 100010)))
    rows = [_row(child, "plan_issued", plan_on, date_of_birth=dob.isoformat(), school_urn=urn)]
    day = plan_on
    gap = st.integers(1, 60).map(lambda n: timedelta(days=n))
    for _ in range(draw(st.integers(0, 3))):
        day += draw(gap) * 3
        if draw(st.booleans()):
            meeting_on = day + timedelta(days=40)
            rows.append(_row(child, "review_scheduled", day, meeting_on=meeting_on.isoformat()))
        if draw(st.booleans()):
            day += draw(gap)
            invitees = draw(
                st.sampled_from(
                    [
                        "",
                        "parent_carer;child;senco;caseworker;health;social_worker",
                        "parent_carer;senco",
                    ]
                )
            )
            rows.append(
                _row(
                    child,
                    "invitations_sent",
                    day,
                    ehcp_copy_included=draw(st.sampled_from(["yes", "no", "not_recorded"])),
                    invitees=invitees,
                )
            )
        for role in draw(
            st.lists(
                st.sampled_from(["health", "educational_psychologist"]), max_size=2, unique=True
            )
        ):
            day += draw(gap)
            rows.append(_row(child, "advice_requested", day, role=role))
            if draw(st.booleans()):
                day += draw(gap)
                rows.append(_row(child, "report_received", day, role=role))
        for role in draw(
            st.lists(st.sampled_from(["parent_carer", "child"]), max_size=2, unique=True)
        ):
            day += draw(gap)
            rows.append(_row(child, "views_received", day, role=role))
        if draw(st.booleans()):
            day += draw(gap)
            rows.append(_row(child, "papers_circulated", day))
        day += draw(gap)
        if day > TODAY:
            break
        topics = ";".join(CORE_TOPICS[: draw(st.integers(6, 8))])
        review_type = draw(st.sampled_from(["", "annual", "annual", "interim"]))
        rows.append(
            _row(
                child,
                "meeting_held",
                day,
                attendees="parent_carer;child",
                topics=topics,
                review_type=review_type,
            )
        )
        if draw(st.booleans()):
            day += draw(gap)
            rows.append(_row(child, "paperwork_submitted", day))
        if draw(st.booleans()):
            day += draw(gap)
            decision = draw(st.sampled_from(["maintain", "amend", "amend", "cease"]))
            rows.append(_row(child, "decision_issued", day, decision=decision))
            if decision == "amend":
                day += draw(gap)
                rows.append(_row(child, "amendments_proposed", day))
                if draw(st.booleans()):
                    day += draw(gap)
                    rows.append(_row(child, "final_plan_issued", day))
        if draw(st.integers(0, 5)) == 0:
            day += draw(gap)
            rows.append(
                _row(
                    child,
                    "placement_changed",
                    day,
                    school_urn=str(draw(st.integers(100000, 100010))),
                )
            )
    if draw(st.integers(0, 4)) == 0:
        day += draw(gap)
        rows.append(_row(child, "plan_ceased", day, reason="moved out of area"))
    return [
        r
        for r in rows
        if r["occurred_on"] <= TODAY.isoformat() and r.get("meeting_on", "") <= TODAY.isoformat()
    ]


@st.composite
def action_log(draw: Any, max_children: int = 4) -> list[Row]:
    count = draw(st.integers(1, max_children))
    rows: list[Row] = []
    for n in range(count):
        rows.extend(draw(child_history(f"C-{n:03d}")))
    return rows


# One child's plan and a first annual meeting: the smallest store the CLI tests build on.
PLAN: Row = {
    "child_id": "A",
    "action": "plan_issued",
    "occurred_on": "2023-01-16",
    "date_of_birth": "2012-05-10",
    "school_urn": "123456",
}
MEETING: Row = {
    "child_id": "A",
    "action": "meeting_held",
    "occurred_on": "2024-01-10",
    "attendees": "parent_carer;child",
    "topics": "concerns",
}


def write_csv(path: Any, rows: list[Row]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
