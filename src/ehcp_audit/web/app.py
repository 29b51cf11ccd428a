"""The application factory: `create_app(settings)` wires the routes, the middleware and the
error pages over the same store and compliance view as the CLI."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ehcp_audit.accounts import Accounts
from ehcp_audit.bootstrap import Bootstrap
from ehcp_audit.config import Settings
from ehcp_audit.web.errors import HANDLERS
from ehcp_audit.web.headers import SecurityHeaders
from ehcp_audit.web.pages import account, auth, children, imports, lists, reports
from ehcp_audit.web.session import SessionMiddleware

SESSION_KEY_ENV = "EHCP_AUDIT_SESSION_KEY"


async def report_css(request: Request) -> Response:
    """The reports' own style sheet: the pages look like the reports."""
    from importlib import resources

    css = resources.files("ehcp_audit.reports").joinpath("templates", "style.css")
    return Response(css.read_text("utf-8"), media_type="text/css")


def create_app(
    settings: Settings,
    *,
    boot: Bootstrap | None = None,
    accounts_factory: Callable[[], Accounts] | None = None,
    session_key: bytes | None = None,
    viewers_see_ids: bool = False,
    work_dir: Path | None = None,
) -> Starlette:
    """`session_key`: signs the session cookies (a random one per start: everyone signs in
    again after a restart). Viewers see pseudonyms keyed by the settings' pseudonym key, else
    by a random key per start, unless `viewers_see_ids`."""
    from ehcp_audit.web.state import Web

    pseudonym_key = None
    if not viewers_see_ids:
        key = settings.pseudonym_key
        pseudonym_key = key.encode() if key else secrets.token_bytes(32)
    boot = boot or Bootstrap(settings)
    state = Web(
        boot=boot,
        accounts_factory=accounts_factory or boot.open_accounts,
        pseudonym_key=pseudonym_key,
        work_dir=work_dir or Path(tempfile.mkdtemp(prefix="ehcp-audit-web-")),
    )
    static = StaticFiles(packages=[("ehcp_audit.web", "static")])
    app = Starlette(
        routes=[
            *auth.ROUTES,
            *account.ROUTES,
            *lists.ROUTES,
            *children.ROUTES,
            *imports.ROUTES,
            *reports.ROUTES,
            Route("/static/report.css", report_css, methods=["GET"]),
            Mount("/static", static),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(SessionMiddleware, secret=session_key or secrets.token_bytes(32)),
        ],
        exception_handlers=HANDLERS,
    )
    app.state.web = state
    return app
