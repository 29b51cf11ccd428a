"""What a user sees when something goes wrong: a plain page, never a traceback. An unexpected
error is logged with an id the page shows, so that a report of it can be matched to the log."""

from __future__ import annotations

import logging
import secrets
from html import escape
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ehcp_audit.errors import EhcpAuditError, TamperedStoreError
from ehcp_audit.web.guard import PasswordChangeNeeded, SignInNeeded

log = logging.getLogger("ehcp_audit.web")

TITLES = {403: "You cannot do this", 404: "Page not found", 405: "Not allowed"}


def _page(request: Request, status: int, title: str, message: str, error_id: str = "") -> Response:
    from ehcp_audit.web.render import page

    try:
        return page(request, "error.html", status, title=title, message=message, error_id=error_id)
    except Exception:  # the template itself failed: still no traceback
        text = f"{title}. {message} {('Error id ' + error_id) if error_id else ''}"
        return HTMLResponse(f"<!DOCTYPE html><title>Error</title><p>{escape(text)}</p>", status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message = exc.detail if status in (403, 404) else ""
    return _page(request, status, TITLES.get(status, "Request refused"), message)


async def sign_in_needed(request: Request, exc: Exception) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def password_change_needed(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/account/password", status_code=303)


async def project_error(request: Request, exc: Exception) -> Response:
    """The project's own errors have messages fit for a user (a store that does not verify,
    a view busy with a CLI command)."""
    if isinstance(exc, TamperedStoreError):
        log.error("the event store does not verify: %s", exc)
        message = "The audit log does not match its hash chain: nothing can be shown or recorded."
        return _page(request, 503, "The store does not verify", message)
    assert isinstance(exc, EhcpAuditError)
    log.warning("refused: %s", exc)
    return _page(request, 503, "Try again shortly", str(exc))


async def server_error(request: Request, exc: Exception) -> Response:
    error_id = secrets.token_hex(4)
    log.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    message = "Something went wrong on our side. Nothing was lost."
    return _page(request, 500, "Sorry, there is a problem", message, error_id)


HANDLERS: dict[Any, Any] = {
    HTTPException: http_error,
    SignInNeeded: sign_in_needed,
    PasswordChangeNeeded: password_change_needed,
    EhcpAuditError: project_error,
    Exception: server_error,
}
