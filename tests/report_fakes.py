"""A small, varied, hand-made stand-in for the application's ReportData (see reports/data.py).

Each review cycle is described by its facts (dates of the steps actually taken); `compliance`
re-derives the rows as of any date with a simplified version of the RULES.md statuses, so that
earlier as-of dates really show fewer steps done. It is a fixture, not the rules engine.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from ehcp_audit.view.frames import COMPLIANCE_COLUMNS, ENTRY_COLUMNS

SCHOOLS = {
    "100001": "Oakfield Primary School",
    "100002": "St Mary's C of E Academy",
    "100003": "Riverside Special School",
    # 100004 has no known name on purpose.
}
HOSTILE_URN = "<script>alert('urn')</script>"
HOSTILE_CHILD = '<script>alert("child")</script>'
HOSTILE_SCHOOL_NAME = 'Bad "name" <script>alert(1)</script> & Co'


@dataclass
class Cycle:
    child_id: str
    cycle: int
    school_urn: str
    due_on: date
    invitations_on: date | None = None
    copy_included: bool = True
    papers_on: date | None = None
    meeting_on: date | None = None
    attendees_recorded: bool = True
    essential_present: bool = True
    paperwork_on: date | None = None
    decision_on: date | None = None
    decision: str = "maintain"
    amendments_on: date | None = None
    final_on: date | None = None
    late_recorded: bool = False
    voided_invitation: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def _d(text: str) -> date:
    return date.fromisoformat(text)


def hand_cycles() -> list[Cycle]:
    """Cases chosen to cover every status and the data-quality checks."""
    return [
        Cycle(
            "A-001",
            1,
            "100001",
            _d("2025-03-10"),
            _d("2025-02-01"),
            True,
            _d("2025-02-20"),
            _d("2025-03-06"),
            True,
            True,
            _d("2025-03-14"),
            _d("2025-03-28"),
            "amend",
            _d("2025-03-28"),
            _d("2025-05-10"),
        ),
        Cycle(
            "A-002",
            1,
            "100001",
            _d("2025-03-15"),
            _d("2025-03-05"),
            False,
            None,
            _d("2025-03-20"),
            False,
            True,
            _d("2025-04-20"),
            None,
        ),
        Cycle("A-003", 1, "100002", _d("2025-03-20")),
        Cycle(
            "A-004",
            2,
            "100002",
            _d("2025-03-31"),
            _d("2025-02-25"),
            True,
            _d("2025-03-10"),
            _d("2025-03-25"),
            True,
            False,
            _d("2025-04-02"),
            _d("2025-04-15"),
            "amend",
            None,
            None,
            late_recorded=True,
        ),
        Cycle(
            "A-005",
            1,
            "100003",
            _d("2025-04-12"),
            _d("2025-03-10"),
            True,
            None,
            None,
            voided_invitation=True,
        ),
        Cycle("A-006", 1, "100004", _d("2025-04-25")),
        Cycle(
            "A-007",
            3,
            "100003",
            _d("2025-02-14"),
            _d("2025-01-10"),
            True,
            _d("2025-01-30"),
            _d("2025-02-12"),
            True,
            True,
            _d("2025-02-20"),
            _d("2025-03-05"),
            "maintain",
        ),
    ]


def generated_cycles(seed: int = 7) -> list[Cycle]:
    """Seeded bulk so that every month from 2022-01 to 2025-08 has reviews due."""
    rng = random.Random(seed)
    cycles: list[Cycle] = []
    urns = [*SCHOOLS, "100004"]
    start = date(2022, 1, 3)
    for n in range(150):
        due = start + timedelta(days=n * 9 + rng.randint(0, 5))
        child = f"C{n:04d}"
        urn = urns[n % len(urns)]
        quality = rng.random()
        c = Cycle(child, 1 + n % 3, urn, due)
        if quality > 0.1:
            c.invitations_on = due - timedelta(days=rng.choice([35, 29, 20, 10]))
            c.copy_included = rng.random() > 0.2
        if quality > 0.2:
            c.papers_on = due - timedelta(days=rng.choice([20, 14, 7]))
        if quality > 0.15:
            c.meeting_on = due + timedelta(days=rng.choice([-10, -3, 0, 5, 30]))
            c.attendees_recorded = rng.random() > 0.1
            c.essential_present = rng.random() > 0.25
            if rng.random() > 0.1:
                c.paperwork_on = c.meeting_on + timedelta(days=rng.choice([5, 14, 20, 40]))
            if rng.random() > 0.1:
                c.decision_on = c.meeting_on + timedelta(days=rng.choice([10, 27, 28, 35, 60]))
                c.decision = rng.choice(["maintain", "maintain", "amend"])
                if c.decision == "amend" and rng.random() > 0.2:
                    c.amendments_on = c.decision_on
                    if rng.random() > 0.3:
                        c.final_on = c.amendments_on + timedelta(days=rng.choice([30, 56, 80]))
        c.late_recorded = rng.random() < 0.05
        cycles.append(c)
    return cycles


def _status(deadline: date | None, done: date | None, as_of: date, missed_if_held: bool) -> str:
    if done is not None:
        return "met" if deadline is None or done <= deadline else "missed"
    if missed_if_held:
        return "missed"
    if deadline is not None and as_of > deadline:
        return "overdue"
    return "pending"


def _known(day: date | None, as_of: date) -> date | None:
    return day if day is not None and day <= as_of else None


def cycle_rows(c: Cycle, as_of: date) -> list[tuple[object, ...]]:
    held = _known(c.meeting_on, as_of)
    inv = None if c.voided_invitation else _known(c.invitations_on, as_of)
    papers = _known(c.papers_on, as_of)
    paperwork = _known(c.paperwork_on, as_of)
    decision = _known(c.decision_on, as_of)
    amendments = _known(c.amendments_on, as_of)
    final = _known(c.final_on, as_of)
    ref = held or c.due_on
    rows: list[tuple[str, date | None, date | None, str]] = []

    def add(measure: str, deadline: date | None, done: date | None, pre: bool = False) -> None:
        rows.append(
            (
                measure,
                deadline,
                done,
                _status(deadline, done, as_of, pre and held is not None and done is None),
            )
        )

    def na(measure: str) -> None:
        rows.append((measure, None, None, "n/a"))

    add("review_on_time", c.due_on, held)
    add("invitations_4_weeks", ref - timedelta(days=28), inv, pre=True)
    add("invitations_2_weeks", ref - timedelta(days=14), inv, pre=True)
    if inv is not None:
        rows.append(
            ("ehcp_copy_with_invitation", None, inv, "met" if c.copy_included else "missed")
        )
    else:
        rows.append(("ehcp_copy_with_invitation", None, None, "missed" if held else "pending"))
    na("invitees_complete")
    na("reports_2_weeks")
    na("views_2_weeks")
    add("papers_circulated_2_weeks", ref - timedelta(days=14), papers, pre=True)
    if held is None:
        rows.append(("essential_participation", None, None, "pending"))
    elif not c.attendees_recorded:
        na("essential_participation")
    else:
        rows.append(
            ("essential_participation", None, held, "met" if c.essential_present else "missed")
        )
    add("paperwork_2_weeks", held + timedelta(days=14) if held else None, paperwork)
    add("decision_4_weeks", held + timedelta(days=28) if held else None, decision)
    if decision is None or held is None:
        rows.append(("amendments_4_weeks", None, None, "pending"))
        rows.append(("final_plan_8_weeks", None, None, "pending"))
    elif c.decision != "amend":
        na("amendments_4_weeks")
        na("final_plan_8_weeks")
    else:
        add("amendments_4_weeks", held + timedelta(days=28), amendments)
        add("final_plan_8_weeks", amendments + timedelta(days=56) if amendments else None, final)
    return [
        (c.child_id, c.cycle, c.due_on, held, c.school_urn, m, dl, done, st)
        for m, dl, done, st in rows
    ]


class FakeReportData:
    """ReportData over hand-made cycles; `hostile=True` adds ids and names that look like HTML."""

    def __init__(self, *, hostile: bool = False, position: int | None = None) -> None:
        self.cycles = hand_cycles() + generated_cycles()
        self.names = dict(SCHOOLS)
        if hostile:
            self.cycles.append(
                Cycle(HOSTILE_CHILD, 1, HOSTILE_URN, _d("2025-03-12"), _d("2025-02-01"))
            )
            self.names[HOSTILE_URN] = HOSTILE_SCHOOL_NAME
        self._entries = self._build_entries()
        self._position = position if position is not None else len(self._entries)
        self.compliance_calls: list[date] = []

    def compliance(self, as_of: date) -> pd.DataFrame:
        self.compliance_calls.append(as_of)
        rows = [row for c in self.cycles for row in cycle_rows(c, as_of)]
        return pd.DataFrame(rows, columns=list(COMPLIANCE_COLUMNS))

    def setting_compliance(self, as_of: date, urn: str) -> pd.DataFrame:
        return self.compliance(as_of)  # every row: the reports filter by setting themselves

    def entries(self) -> pd.DataFrame:
        return self._entries.copy()

    def rejected_rows(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                (
                    "2025-03-03T09:15:00",
                    "tracker-2025-03.csv",
                    4,
                    "occurred_on: 31/02/2025 is not a date",
                ),
                ("2025-03-03T09:15:00", "tracker-2025-03.csv", 9, "role: 'teacher' is not a role"),
                ("2024-11-02T10:00:00", "cms-2024-11.csv", 2, "child_id: no plan_issued for X-9"),
            ],
            columns=["imported_at", "source", "row", "error"],
        )

    def school_names(self) -> dict[str, str]:
        return dict(self.names)

    def log_position(self) -> int:
        return self._position

    def head_hash(self) -> str | None:
        return "9f2c4e1ab7d3c0e5f6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7"

    def verification(self) -> str | None:
        return None  # a store without a chain

    def _build_entries(self) -> pd.DataFrame:
        records: list[dict[str, object]] = []

        def add(
            c: Cycle,
            action: str,
            day: date | None,
            voided: bool = False,
            void_reason: str | None = None,
            **details: str,
        ) -> None:
            if day is None:
                return
            lag = 45 if c.late_recorded else 2
            recorded = day + timedelta(days=lag)
            source = "tracker-2024.csv" if day.year < 2025 else f"cms-{recorded:%Y-%m}.csv"
            records.append(
                {
                    "child_id": c.child_id,
                    "action": action,
                    "occurred_on": day,
                    "recorded_by": "j.smith" if action != "decision_issued" else "la.caseworker",
                    "recorded_at": f"{recorded.isoformat()}T10:30:00",
                    "imported_at": f"{recorded.isoformat()}T18:00:00",
                    "source": source,
                    "source_row": len(records) + 2,
                    "details": json.dumps(details),
                    "voided": voided,
                    "void_reason": void_reason,
                }
            )

        for c in self.cycles:
            add(
                c,
                "invitations_sent",
                c.invitations_on,
                voided=c.voided_invitation,
                void_reason="entered against the wrong child" if c.voided_invitation else None,
                ehcp_copy_included="yes" if c.copy_included else "no",
                invitees="not_recorded",
            )
            if c.voided_invitation and c.invitations_on:
                add(
                    c,
                    "void",
                    c.invitations_on + timedelta(days=3),
                    void_action="invitations_sent",
                    void_occurred_on=c.invitations_on.isoformat(),
                    reason="entered against the wrong child",
                )
            add(c, "papers_circulated", c.papers_on)
            add(
                c,
                "meeting_held",
                c.meeting_on,
                attendees="parent_carer;child;senco" if c.attendees_recorded else "not_recorded",
                topics="not_recorded" if not c.attendees_recorded else "working_well;concerns",
            )
            add(c, "paperwork_submitted", c.paperwork_on)
            add(c, "decision_issued", c.decision_on, decision=c.decision)
            add(c, "amendments_proposed", c.amendments_on)
            add(c, "final_plan_issued", c.final_on)
        frame = pd.DataFrame(records)
        frame = frame.sort_values(["imported_at", "source_row"], kind="stable").reset_index(
            drop=True
        )
        frame["position"] = range(1, len(frame) + 1)
        return frame.loc[:, list(ENTRY_COLUMNS)]
