"""Pages rendered with the reports' Jinja2 environment (autoescaped, the same filters) and the web
templates in front of the reports' ones."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ehcp_audit.reports.render import environment
from ehcp_audit.reports.steps import STEPS


@cache
def web_environment() -> Environment:
    env = environment()
    env.loader = ChoiceLoader([PackageLoader("ehcp_audit.web", "templates"), env.loader])  # type: ignore[list-item]
    env.globals["STEPS"] = STEPS
    return env


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    from ehcp_audit.web.guard import csrf_token, session

    notice = session(request).pop("notice", "")  # said once, on the page after a change
    html = (
        web_environment()
        .get_template(template)
        .render(request=request, csrf_token=csrf_token(request), notice=notice, **values)
    )
    return HTMLResponse(html, status_code=status_code)
