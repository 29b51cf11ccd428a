"""`Accounts`: add, disable and re-password users, and sign them in with throttling."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from ehcp_audit import clock
from ehcp_audit.accounts import lockout
from ehcp_audit.accounts.database import AccountsDb, moment, stamp
from ehcp_audit.accounts.passwords import Passwords
from ehcp_audit.accounts.users import (
    NAME,
    AccountError,
    LockedOut,
    Role,
    User,
    check_name,
    check_password,
    check_role,
    normal_name,
)

log = logging.getLogger("ehcp_audit.accounts")

WRONG = "Wrong user name or password."
WRONG_CURRENT = "The current password is wrong."
SAME = "password refused: choose a new password, not the one you were given or had"


def _user(row: dict[str, Any]) -> User:
    return User(
        row["name"],
        row["role"],
        row["urn"],
        bool(row["active"]),
        bool(row["must_change"]),
        str(row.get("changed_at") or ""),
    )


class Accounts:
    def __init__(self, db: AccountsDb, passwords: Passwords | None = None) -> None:
        self._db = db
        self._passwords = passwords or Passwords()

    def add(
        self, name: str, role: Role, password: str, urn: str | None = None, *, one_time: bool = True
    ) -> User:
        """`one_time`: the password was chosen for the user, who must change it at sign-in."""
        name = check_name(normal_name(name))
        role = check_role(role, urn)
        check_password(name, password)
        if self._row(name) is not None:
            raise AccountError(f"a user named {name!r} already exists")
        now = stamp(clock.now())
        hashed = self._passwords.hash(password)
        try:
            self._db.run("user_insert", (name, role, urn, hashed, True, one_time, now, now))
        except Exception:
            if self._row(name) is not None:  # added by another process meanwhile
                raise AccountError(f"a user named {name!r} already exists") from None
            raise
        log.info("user %r added (role %s)", name, role)
        return User(name, role, urn, True, one_time, now)

    def get(self, name: str) -> User | None:
        row = self._row(normal_name(name))
        return _user(row) if row is not None else None

    def all(self) -> list[User]:
        return [_user(row) for row in self._db.run("users_all")]

    def last_sign_ins(self) -> dict[str, datetime]:
        """Each user's last successful sign-in (UTC)."""
        return {row["name"]: moment(row["at"]) for row in self._db.run("last_sign_ins")}

    def disable(self, name: str) -> User:
        user = self._existing(name)
        self._db.run("user_disable", (False, stamp(clock.now()), user.name))
        log.info("user %r disabled", user.name)
        return User(user.name, user.role, user.urn, False)

    def reset_password(self, name: str, password: str) -> User:
        """A password chosen for the user (one-time: changed at the next sign-in)."""
        user = self._existing(name)
        check_password(user.name, password)
        now = clock.now()
        self._set_hash(user.name, password, True, now)
        self._record(user.name, lockout.PASSWORD_RESET, "", now)  # ends a lockout
        return replace(user, must_change=True, changed_at=stamp(now))

    def change_password(self, name: str, current: str, new: str, source: str = "") -> User:
        """The user's own change: `current` is checked, and counted, as at sign-in."""
        now = clock.now()
        attempts = self._unless_locked(name, source, now)
        row = self._row(name)
        if row is None or not row["active"]:
            raise AccountError(f"no user named {name[:80]!r}")
        if not self._passwords.verify(row["password_hash"], current):
            self._record(name, "wrong password", source, now)
            if lockout.locks_now([*attempts, (now, "wrong password")], now):
                self._record(name, lockout.LOCKOUT, source, now)
                raise LockedOut(now + lockout.LOCK)
            raise AccountError(WRONG_CURRENT)
        check_password(name, new)
        if new == current:
            raise AccountError(SAME)
        self._set_hash(name, new, False, now)
        self._record(name, lockout.PASSWORD_CHANGED, source, now)
        return replace(_user(row), must_change=False, changed_at=stamp(now))

    def sign_in(self, name: str, password: str, source: str = "") -> User:
        full = normal_name(name)
        name = full[:64]  # what is recorded: a hostile name cannot fill the table
        now = clock.now()
        attempts = self._unless_locked(name, source, now)
        row = self._row(full) if NAME.fullmatch(full) else None
        if row is None:
            self._passwords.verify_dummy(password)
            outcome = "unknown user"
        elif not self._passwords.verify(row["password_hash"], password):
            outcome = "wrong password"
        elif not row["active"]:
            outcome = "disabled user"
        else:
            self._record(name, lockout.SUCCESS, source, now)
            if self._passwords.needs_rehash(row["password_hash"]):
                self._db.run("user_rehash", (self._passwords.hash(password), name))
            return _user(row)
        self._record(name, outcome, source, now)
        if lockout.locks_now([*attempts, (now, outcome)], now):
            self._record(name, lockout.LOCKOUT, source, now)
            raise LockedOut(now + lockout.LOCK)
        raise AccountError(WRONG)

    def close(self) -> None:
        self._db.close()

    def _row(self, name: str) -> dict[str, Any] | None:
        rows = self._db.run("user_get", (name,))
        return rows[0] if rows else None

    def _set_hash(self, name: str, password: str, must_change: bool, now: datetime) -> None:
        hashed = self._passwords.hash(password)
        self._db.run("user_set_hash", (hashed, must_change, stamp(now), name))

    def _existing(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise AccountError(f"no user named {normal_name(name)[:80]!r}")
        return user

    def _attempts(self, name: str, now: datetime) -> list[tuple[datetime, str]]:
        since = stamp(now - lockout.LOOK_BACK)
        rows = self._db.run("sign_ins_recent", (name, since))
        return [(moment(row["at"]), row["outcome"]) for row in rows]

    def _unless_locked(self, name: str, source: str, now: datetime) -> list[tuple[datetime, str]]:
        """The name's recent attempts; LockedOut (the try recorded) while it is locked."""
        attempts = self._attempts(name, now)
        until = lockout.locked_until(attempts, now)
        if until is not None:
            self._record(name, lockout.REFUSED_LOCKED, source, now)
            raise LockedOut(until)
        return attempts

    def _record(self, name: str, outcome: str, source: str, now: datetime) -> None:
        self._db.run("sign_in_insert", (name, stamp(now), outcome, source[:200]))
        refused = outcome in lockout.FAILED or outcome in (lockout.LOCKOUT, lockout.REFUSED_LOCKED)
        level = logging.WARNING if refused else logging.INFO
        log.log(level, "sign-in %s: user %r from %r", outcome, name, source[:200] or "?")
