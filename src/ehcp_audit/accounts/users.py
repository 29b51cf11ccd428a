"""Users and their roles, and what makes a name, a password and a role's school acceptable."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal, get_args

from ehcp_audit.domain.vocabulary import URN
from ehcp_audit.errors import EhcpAuditError

Role = Literal["la", "school", "viewer"]
ROLES: Final[tuple[str, ...]] = get_args(Role)
NAME: Final = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD: Final = 12


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    urn: str | None  # set only (and always) for role "school"
    active: bool
    must_change: bool = False  # the password was set by someone else: the user chooses one
    # When the account last changed (password set, reset or changed; disabled): a web session
    # begun before it ends (web.guard), so a changed password signs out every other browser.
    changed_at: str = field(default="", compare=False)


class AccountError(EhcpAuditError):
    """A user request refused, in words fit for the user (exit status 2)."""

    exit_code = 2


class LockedOut(AccountError):
    """Too many failed sign-ins for a name: refused until `until` (UTC)."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            f"Too many failed sign-ins: this account is locked until {until:%H:%M} UTC."
        )


def normal_name(name: str) -> str:
    """Names are compared without regard to case (an e-mail address is one)."""
    return name.strip().lower()


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise AccountError(
            f"user name {name[:80]!r} refused: use 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )
    return name


def check_password(name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"password refused: it has {len(password)} characters, at least {MIN_PASSWORD} "
            "are needed (a few unrelated words make a long one that is easy to remember)"
        )
    if normal_name(password) == name:
        raise AccountError("password refused: it is the user name")


def check_role(role: str, urn: str | None) -> Role:
    if role not in ROLES:
        raise AccountError(f"role {role!r} refused: use one of {', '.join(ROLES)}")
    if role == "school":
        if not urn:
            raise AccountError("a school user needs the school's URN (--urn)")
        if not URN.fullmatch(urn):
            raise AccountError(f"{urn!r} is not a 6-digit school URN (100000-999999)")
    elif urn is not None:
        raise AccountError(
            f"{'an LA' if role == 'la' else 'a viewer'} user sees every school: give no --urn"
        )
    return role  # type: ignore[return-value]
