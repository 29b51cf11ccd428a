"""/account/password: every signed-in user changes their own password here, and a user whose
password someone else chose (`users add`, `users reset-password`, `demo --serve`) must, before
any other page opens."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ehcp_audit.accounts import AccountError, LockedOut, User
from ehcp_audit.accounts.service import WRONG_CURRENT
from ehcp_audit.web.guard import form, session, signed_in, web
from ehcp_audit.web.render import page
from ehcp_audit.web.roles import Access
from ehcp_audit.web.session import new_token

FIELD_OF = {WRONG_CURRENT: "current"}  # every other refusal is about the new password


def _page(request: Request, access: Access, status: int = 200, **errors: str) -> Response:
    return page(request, "password.html", status, access=access, errors=errors)


async def password_form(request: Request) -> Response:
    return _page(request, await signed_in(request, one_time_password=True))


async def change_password(request: Request) -> Response:
    access = await signed_in(request, one_time_password=True)
    posted = await form(request)
    current = str(posted.get("current", ""))
    new, again = str(posted.get("new", "")), str(posted.get("again", ""))
    if new != again:
        return _page(request, access, 400, again="The two new passwords differ: type it again.")
    source = request.client.host if request.client else ""

    def change() -> User:
        with web(request).accounts() as accounts:
            return accounts.change_password(access.name, current, new, source=source)

    try:
        changed = await run_in_threadpool(change)
    except LockedOut as exc:
        session(request).clear()  # someone guessing at an unattended desk: signed out
        until = f"{exc.until:%H:%M} UTC"
        error = f"Too many wrong passwords for this user name. Try again after {until}."
        return page(request, "login.html", 429, next="/", error=error, username=access.name)
    except AccountError as exc:
        message = str(exc)
        field = FIELD_OF.get(message, "new")
        return _page(request, access, 400, **{field: message[:1].upper() + message[1:]})
    session(request)["since"] = changed.changed_at
    session(request)["csrf"] = new_token()
    session(request)["notice"] = "Your password is changed."
    return RedirectResponse("/", status_code=303)


ROUTES = [
    Route("/account/password", password_form, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
]
