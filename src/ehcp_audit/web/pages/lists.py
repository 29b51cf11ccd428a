"""/ (the dashboard), /work (every list, filtered and paged), /schools and /schools/{urn}."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.web import questions
from ehcp_audit.web.filters import OWNERS, STATUSES, Filters
from ehcp_audit.web.guard import not_found, signed_in, web
from ehcp_audit.web.render import page
from ehcp_audit.web.roles import Access


def _choices() -> dict[str, Any]:
    return {"owners": OWNERS, "statuses": STATUSES, "measures": MEASURES}


async def dashboard(request: Request) -> Response:
    access = await signed_in(request)
    if access.school_urn is not None:
        return RedirectResponse(f"/schools/{access.school_urn}", status_code=303)
    state = web(request)

    def read() -> questions.Dashboard:
        with state.live.reading() as reading:
            return questions.dashboard(reading)

    board = await run_in_threadpool(read)
    return page(request, "dashboard.html", access=access, board=board)


def _scoped(access: Access, filters: Filters) -> Filters:
    """A school user's lists are its own setting's, whatever the query says."""
    if access.school_urn is not None:
        return replace(filters, school=access.school_urn)
    return filters


async def work(request: Request) -> Response:
    access = await signed_in(request)
    filters = _scoped(access, Filters.parse(request.query_params))
    state = web(request)

    def read() -> tuple[questions.WorkPage, dict[str, str]]:
        with state.live.reading() as reading:
            return questions.work_page(reading, filters), questions.school_names(reading)

    found, names = await run_in_threadpool(read)
    return page(
        request,
        "work.html",
        access=access,
        filters=filters,
        found=found,
        names=names,
        **_choices(),
    )


async def schools(request: Request) -> Response:
    access = await signed_in(request)
    text = request.query_params.get("q", "")[:100]
    number = Filters.parse(request.query_params).page
    state = web(request)

    def read() -> tuple[tuple[questions.SchoolLine, ...], Any]:
        with state.live.reading() as reading:
            return questions.schools_page(reading, text, number, access.school_urn)

    lines, paging = await run_in_threadpool(read)
    return page(request, "schools.html", access=access, lines=lines, paging=paging, q=text)


async def school(request: Request) -> Response:
    access = await signed_in(request)
    urn = request.path_params["urn"]
    if not access.sees_school(urn):
        raise not_found()
    filters = Filters.parse(request.query_params)
    filters = replace(filters, school=urn)
    state = web(request)

    def read() -> tuple[questions.WorkPage, dict[str, str]] | None:
        with state.live.reading() as reading:
            if not questions.known_setting(reading, urn):
                return None
            return questions.work_page(reading, filters), questions.school_names(reading)

    answer = await run_in_threadpool(read)
    if answer is None:
        raise not_found()
    found, names = answer
    return page(
        request,
        "school.html",
        access=access,
        urn=urn,
        name=names.get(urn, ""),
        filters=filters,
        found=found,
        names=names,
        **_choices(),
    )


ROUTES = [
    Route("/", dashboard, methods=["GET"]),
    Route("/work", work, methods=["GET"]),
    Route("/schools", schools, methods=["GET"]),
    Route("/schools/{urn:str}", school, methods=["GET"]),
]
