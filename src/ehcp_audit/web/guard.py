"""Signed-in user and CSRF checks: every page asks `signed_in`, every form goes through `form`."""

from __future__ import annotations

import hmac
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ehcp_audit.accounts import User
from ehcp_audit.web.roles import Access
from ehcp_audit.web.session import new_token
from ehcp_audit.web.state import Web


class SignInNeeded(Exception):
    """The page needs a signed-in user: the handler sends the browser to /login."""


class PasswordChangeNeeded(Exception):
    """The user still has a password someone else chose: the handler sends the browser to
    /account/password, the one page open to them until they choose their own."""


def web(request: Request) -> Web:
    state: Web = request.app.state.web
    return state


def session(request: Request) -> dict[str, Any]:
    value: dict[str, Any] = request.scope["session"]
    return value


def csrf_token(request: Request) -> str:
    """The session's CSRF token (a new session gets one)."""
    current = session(request)
    if "csrf" not in current:
        current["csrf"] = new_token()
    return str(current["csrf"])


async def signed_in(request: Request, *, one_time_password: bool = False) -> Access:
    """The signed-in user's access (read again from the accounts on every request).
    `one_time_password`: the page is open to a user who must change their password."""
    name = session(request).get("user")
    if not isinstance(name, str):
        raise SignInNeeded

    def read() -> User | None:
        with web(request).accounts() as accounts:
            return accounts.get(name)

    user = await run_in_threadpool(read)
    if user is None or not user.active or session(request).get("since") != user.changed_at:
        # Gone, disabled, or changed since this session began (a new password ends the
        # sessions of every other browser; the one that changed it carries on).
        session(request).clear()
        raise SignInNeeded
    if user.must_change and not one_time_password:
        raise PasswordChangeNeeded
    return Access(user, web(request).pseudonym_key)


async def form(request: Request) -> FormData:
    """The posted form, if it carries this session's CSRF token; else 403 and nothing done."""
    posted = await request.form(max_files=2, max_fields=200)
    sent = posted.get("csrf_token")
    expected = session(request).get("csrf")
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise HTTPException(403, "This form has expired. Go back, reload the page and try again.")
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, "This form has expired. Go back, reload the page and try again.")
    return posted


def require(allowed: bool) -> None:
    if not allowed:
        raise HTTPException(403, "Your account may not do this.")


def not_found() -> HTTPException:
    return HTTPException(404, "Page not found.")
