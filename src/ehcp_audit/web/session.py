"""Sessions in a signed cookie (itsdangerous): HttpOnly, SameSite=Strict, Secure over https.

The cookie holds the user's name and the session's CSRF token, nothing else; it is signed, not
encrypted, so it holds nothing secret. Each request reads the user again from the accounts
(a disabled user is signed out at once)."""

from __future__ import annotations

import secrets
from typing import Any, Final

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE: Final = "ehcp_session"
MAX_AGE: Final = 8 * 3600  # a working day; signing in again after it is expected


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SessionMiddleware:
    def __init__(self, app: ASGIApp, secret: bytes) -> None:
        self.app = app
        self.signer = URLSafeTimedSerializer(secret, salt="ehcp-audit-session")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._read(scope)
        original = dict(session)
        scope["session"] = session

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and scope["session"] != original:
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self._cookie(scope))
            await send(message)

        await self.app(scope, receive, sending)

    def _read(self, scope: Scope) -> dict[str, Any]:
        from starlette.requests import HTTPConnection

        raw = HTTPConnection(scope).cookies.get(COOKIE)
        if raw:
            try:
                value = self.signer.loads(raw, max_age=MAX_AGE)
                if isinstance(value, dict):
                    return value
            except BadSignature:
                pass
        return {}

    def _cookie(self, scope: Scope) -> str:
        session = scope["session"]
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        if not session:
            return f"{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
        value = self.signer.dumps(session)
        return f"{COOKIE}={value}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Strict{secure}"
