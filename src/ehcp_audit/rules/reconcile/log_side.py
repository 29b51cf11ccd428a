"""What the log says for each item of a return the authority makes from its case system: the
same derivations as `export annex-a` and `export sen2`, with the entries each value comes from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final

from ehcp_audit.domain.entry import Entry
from ehcp_audit.rules.annex_a.list1 import (
    DATE_OF_BIRTH,
    INITIAL_ISSUED,
    LAST_REVIEWED,
    MAIN_URN,
    UPDATED_ISSUED,
    in_force,
    list1_row,
)
from ehcp_audit.rules.cycles import PlanHistory, build_history
from ehcp_audit.rules.effective import apply_voids, as_of
from ehcp_audit.rules.reconcile.compare import OurChild, Ours
from ehcp_audit.rules.sen2.census import (
    ACTIVE_COLUMNS,
    active_plan,
    ceased_plan,
    latest_review,
)

LIST1_ITEMS: Final = (DATE_OF_BIRTH, INITIAL_ISSUED, UPDATED_ISSUED, LAST_REVIEWED, MAIN_URN)
# The SEN2 return's items, as the extract writes them (its child id and URN are not items).
SEN2_ITEMS: Final = (*ACTIVE_COLUMNS[2:], "CeaseDate", "CeaseReason")
PLACEMENTS: Final = ("plan_issued", "placement_changed")

Children = Iterable[tuple[str, list[Entry]]]


def _one(entry: Entry | None) -> tuple[Entry, ...]:
    return (entry,) if entry is not None else ()


def _latest(entries: list[Entry]) -> Entry | None:
    return entries[-1] if entries else None


def _placement(history: PlanHistory, effective: list[Entry]) -> Entry | None:
    """The entry that set the URN in force: the latest plan_issued or placement_changed."""
    return _latest(
        [e for e in effective if e.action in PLACEMENTS and e.occurred_on >= history.issued_on]
    )


def annex_a_children(children: Children, day: date) -> dict[str, OurChild]:
    """List 1's logged columns for each child whose plan is in force on `day`."""
    found: dict[str, OurChild] = {}
    for child_id, entries in children:
        effective = as_of(apply_voids(entries), day)
        history = build_history(effective)
        if history is None or not in_force(history, day):
            continue
        row = list1_row(history, day)
        review = latest_review(history)
        plan = (history.plan,)
        found[child_id] = OurChild(
            {
                DATE_OF_BIRTH: Ours(row.date_of_birth, plan),
                INITIAL_ISSUED: Ours(row.initial_issued, plan),
                UPDATED_ISSUED: Ours(row.updated_issued, _one(_latest(history.final_plans))),
                LAST_REVIEWED: Ours(row.last_reviewed, _one(review.meeting if review else None)),
                MAIN_URN: Ours(row.urn or None, _one(_placement(history, effective))),
            },
            plan,
        )
    return found


def _cease_entry(history: PlanHistory, effective: list[Entry]) -> Entry | None:
    return next(
        (e for e in effective if e.action == "plan_ceased" and e.occurred_on >= history.issued_on),
        None,
    )


def _active(history: PlanHistory, census: date) -> OurChild:
    record = active_plan(history, census)
    review = latest_review(history)
    decision = _one(review.first("decision_issued") if review else None)
    final = next(
        (e for e in history.final_plans if e.occurred_on == record.phase_transfer_final), None
    )
    plan = (history.plan,)
    items = {
        "StartDate": Ours(record.start_date, plan),
        "ReviewMeeting": Ours(record.review_meeting, _one(review.meeting if review else None)),
        "ReviewOutcome": Ours(record.review_outcome or None, decision),
        "LastReview": Ours(record.last_review, decision),
        "ReviewDraft": Ours(
            record.review_draft, _one(review.first("amendments_proposed") if review else None)
        ),
        # The deadline follows from the date of birth, which the plan_issued entry carries.
        "PhaseTransferDueDate": Ours(record.phase_transfer_due, plan),
        "PhaseTransferFinalDate": Ours(record.phase_transfer_final, _one(final)),
    }
    return OurChild(items, plan)


def sen2_children(children: Children, census: date) -> dict[str, OurChild]:
    """The SEN2 items of each child in the return for `census`: plans active on the day, and
    plans ceased in the calendar year before (as `export sen2` writes them)."""
    found: dict[str, OurChild] = {}
    for child_id, entries in children:
        effective = as_of(apply_voids(entries), census)
        history = build_history(effective)
        if history is None:
            continue
        if history.ceased_on is None or history.ceased_on >= census:
            found[child_id] = _active(history, census)
        elif history.ceased_on.year == census.year - 1:
            ceased = ceased_plan(history, effective)
            cease = _one(_cease_entry(history, effective))
            reason = str(ceased.cease_reason) if ceased.cease_reason is not None else None
            items = {
                "StartDate": Ours(ceased.start_date, (history.plan,)),
                "CeaseDate": Ours(ceased.cease_date, cease),
                "CeaseReason": Ours(reason, cease),
            }
            found[child_id] = OurChild(items, (history.plan, *cease))
    return found
