"""/login and /logout."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ehcp_audit.accounts import AccountError, LockedOut, User
from ehcp_audit.web.guard import form, session, web
from ehcp_audit.web.render import page
from ehcp_audit.web.session import new_token


def _next(target: str) -> str:
    """Only a path on this site (never `//host`, never a scheme)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def login_form(request: Request) -> Response:
    return page(request, "login.html", next=_next(request.query_params.get("next", "/")), error="")


async def login(request: Request) -> Response:
    posted = await form(request)
    name = str(posted.get("username", "")).strip()
    password = str(posted.get("password", ""))
    target = _next(str(posted.get("next", "/")))
    source = request.client.host if request.client else ""

    def sign_in() -> User:
        with web(request).accounts() as accounts:
            return accounts.sign_in(name, password, source=source)

    try:
        user = await run_in_threadpool(sign_in)
    except LockedOut as exc:
        until = f"{exc.until:%H:%M} UTC" if getattr(exc, "until", None) else "later"
        error = f"Too many failed sign-ins for this user name. Try again after {until}."
        return page(request, "login.html", 429, next=target, error=error, username=name)
    except AccountError as exc:
        return page(request, "login.html", 400, next=target, error=str(exc), username=name)
    current = session(request)
    current.clear()
    current["user"] = user.name
    current["since"] = user.changed_at
    current["csrf"] = new_token()  # a new token at sign-in: none seen before it stays valid
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await form(request)
    session(request).clear()
    return RedirectResponse("/login", status_code=303)


ROUTES = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
