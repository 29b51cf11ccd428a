"""/children/{child_id}: the child's rows and timeline, and the forms that record and void."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ehcp_audit import clock
from ehcp_audit.domain.vocabulary import (
    ACTION_SET,
    ACTIONS,
    ADULTHOOD_TOPIC,
    CORE_TOPICS,
    DECISIONS,
    ROLES,
)
from ehcp_audit.exports.pseudonyms import pseudonym
from ehcp_audit.reports.steps import STEPS
from ehcp_audit.rules.effective import voided_by
from ehcp_audit.view.row_tuples import entries_by_child
from ehcp_audit.view.sql_files import sql_text
from ehcp_audit.web import questions
from ehcp_audit.web.guard import form, not_found, require, signed_in, web
from ehcp_audit.web.live_view import Reading
from ehcp_audit.web.render import page
from ehcp_audit.web.roles import Access
from ehcp_audit.web.writes import Outcome, form_values, record

RECORDABLE = tuple(a for a in ACTIONS if a != "void")
# The rule inputs of an entry (projector.ENTRY_FIELDS), as child_entries.sql names them.
RULE_FIELDS = (
    "child_id",
    "version",
    "action",
    "occurred_on",
    "details",
    "recorded_by",
    "recorded_at",
    "known_on",
)


# The action that meets each measure's step: the record form offers the most urgent open one.
MEETS: Final = {
    "review_on_time": "meeting_held",
    "review_decided_12_months": "decision_issued",
    "invitations_4_weeks": "invitations_sent",
    "invitations_2_weeks": "invitations_sent",
    "ehcp_copy_with_invitation": "invitations_sent",
    "reports_2_weeks": "report_received",
    "views_2_weeks": "views_received",
    "papers_circulated_2_weeks": "papers_circulated",
    "paperwork_2_weeks": "paperwork_submitted",
    "decision_4_weeks": "decision_issued",
    "decision_2_weeks_after_paperwork": "decision_issued",
    "amendments_4_weeks": "amendments_proposed",
    "final_plan_8_weeks": "final_plan_issued",
    "phase_transfer_deadline": "final_plan_issued",
}


@dataclass(frozen=True)
class ChildPage:
    child_id: str
    placed_at: str | None
    school_name: str
    cycles: dict[int, list[dict[str, Any]]]
    timeline: list[dict[str, Any]]

    def next_action(self, access: Access) -> str:
        """The action meeting this user's most urgent open step (overdue first, then the
        earliest deadline), or "" when none is open."""
        open_steps = [
            r
            for rows in self.cycles.values()
            for r in rows
            if r["status"] in ("overdue", "pending")
            and access.may_record(MEETS.get(r["measure"], ""))
            and r["measure"] in MEETS
        ]
        if not open_steps:
            return ""
        first = min(open_steps, key=lambda r: (r["status"] != "overdue", r["deadline"] or date.max))
        return MEETS[first["measure"]]


def _child_id(reading: Reading, access: Access, label: str) -> str | None:
    """The child a URL names, if this user may see it (a viewer's pseudonym resolved)."""
    child_id = label
    if access.pseudonymised and access.pseudonym_key is not None:
        key = access.pseudonym_key
        ids = [r[0] for r in reading.con.execute("SELECT DISTINCT child_id FROM plans").fetchall()]
        child_id = next((c for c in ids if pseudonym(c, key) == label), "")
    if not child_id or not questions.known_child(reading, child_id):
        return None
    if not access.sees_child_at(questions.placed_at(reading, child_id)):
        return None
    return child_id


def _read(reading: Reading, child_id: str) -> ChildPage:
    placed = questions.placed_at(reading, child_id)
    cycles: dict[int, list[dict[str, Any]]] = {}
    found = reading.con.execute(sql_text("child_compliance"), {"child_id": child_id})
    for cycle, due_on, meeting_on, urn, measure, deadline, done_on, status in found.fetchall():
        cycles.setdefault(int(cycle), []).append(
            {
                "due_on": due_on,
                "meeting_on": meeting_on,
                "school_urn": urn,
                "measure": measure,
                "deadline": deadline,
                "done_on": done_on,
                "status": status,
            }
        )
    order = {measure: n for n, measure in enumerate(STEPS)}
    for rows in cycles.values():
        rows.sort(key=lambda r: order.get(r["measure"], len(order)))
    timeline = questions.child_entries(reading, child_id)
    voided: dict[int, Any] = {}
    for _, entries in entries_by_child(tuple(e[k] for k in RULE_FIELDS) for e in timeline):
        voided = voided_by(entries)
    for entry in timeline:
        void = voided.get(entry["version"])
        entry["voided_by"] = void.get("reason") if void is not None else None
    names = questions.school_names(reading)
    return ChildPage(child_id, placed, names.get(placed or "", ""), cycles, timeline)


def _choices(access: Access) -> dict[str, Any]:
    return {
        "actions": [a for a in RECORDABLE if access.may_record(a)],
        "roles": sorted(ROLES),
        "topics": (*CORE_TOPICS, ADULTHOOD_TOPIC),
        "decisions": sorted(DECISIONS),
        "today": clock.today(),
    }


async def _show(
    request: Request,
    access: Access,
    label: str,
    status: int = 200,
    outcome: Outcome | None = None,
    values: dict[str, str] | None = None,
    form_name: str = "",
) -> Response:
    state = web(request)

    def read() -> ChildPage | None:
        with state.live.reading() as reading:
            child_id = _child_id(reading, access, label)
            return _read(reading, child_id) if child_id else None

    child = await run_in_threadpool(read)
    if child is None:
        raise not_found()
    return page(
        request,
        "child.html",
        status,
        access=access,
        child=child,
        label=label,
        outcome=outcome,
        values=values or {},
        form_name=form_name,
        done=request.query_params.get("done", ""),
        **_choices(access),
    )


async def child(request: Request) -> Response:
    access = await signed_in(request)
    return await _show(request, access, request.path_params["child_id"])


async def _write(request: Request, kind: str) -> Response:
    access = await signed_in(request)
    posted = await form(request)
    require(access.writes)
    label = request.path_params["child_id"]
    state = web(request)

    def target() -> str | None:
        with state.live.reading() as reading:
            return _child_id(reading, access, label)

    child_id = await run_in_threadpool(target)
    require(child_id is not None)  # another setting's child: refused, not looked up
    assert child_id is not None
    values = form_values(posted, child_id, access.name)
    if kind == "void":
        values.update(
            action="void",
            occurred_on=clock.today().isoformat(),
            void_action=str(posted.get("entry", "|")).partition("|")[0],
            void_occurred_on=str(posted.get("entry", "|")).partition("|")[2],
        )
    # An action outside the vocabulary goes on to the import's own message.
    action = values["action"]
    require(action not in ACTION_SET or access.may_record(action, values.get("void_action", "")))
    outcome = await run_in_threadpool(record, state.live.app, values, kind)
    if outcome.errors:
        return await _show(request, access, label, 400, outcome, values, kind)
    done = "recorded" if outcome.recorded else "duplicate"
    return RedirectResponse(f"/children/{label}?done={done}", status_code=303)


async def record_action(request: Request) -> Response:
    return await _write(request, "record")


async def void_entry(request: Request) -> Response:
    return await _write(request, "void")


ROUTES = [
    Route("/children/{child_id:path}", child, methods=["GET"]),
    Route("/children/{child_id:path}/record", record_action, methods=["POST"]),
    Route("/children/{child_id:path}/void", void_entry, methods=["POST"]),
]
