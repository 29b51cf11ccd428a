"""`ehcp-audit users ...`: the web application's users, kept in the store's database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ehcp_audit.cli.wiring import wiring

if TYPE_CHECKING:
    from ehcp_audit.accounts import Accounts

_ROLES = click.Choice(["la", "school", "viewer"])


@contextmanager
def _accounts(existing_store: bool = True) -> Iterator[Accounts]:
    boot = wiring()
    if existing_store:
        boot.require_store()
    accounts = boot.open_accounts()
    try:
        yield accounts
    finally:
        accounts.close()


def _password() -> str:
    """One line from stdin when it is not a terminal (a script, a pipe); else asked twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("users")
def users_group() -> None:
    """Who may sign in to `ehcp-audit serve`, and in which role.

    la: everything; school: one school's children and the steps a school owns; viewer: reads
    everything, changes nothing. Passwords are read from stdin, or asked for (hidden).
    """


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=_ROLES, required=True, help="la, school or viewer.")
@click.option("--urn", help="The school's 6-digit URN (role school only, and required there).")
def add_command(name: str, role: str, urn: str | None) -> None:
    """Add a user (a name of letters, digits, '.', '_', '-', '@'; a password of 12 or more
    characters, for one sign-in: the user then chooses their own)."""
    from ehcp_audit.accounts.users import AccountError, check_name, check_role, normal_name

    check_name(normal_name(name))  # refused before a password is asked for
    check_role(role, urn)
    with _accounts(existing_store=False) as accounts:
        if accounts.get(name) is not None:  # refused before a password is asked for
            raise AccountError(f"a user named {normal_name(name)!r} already exists")
        user = accounts.add(name, role, _password(), urn)  # type: ignore[arg-type]
    click.echo(f"added: {user.name} ({user.role}{f' {user.urn}' if user.urn else ''})")


@users_group.command("list")
def list_command() -> None:
    """List the users: name, role, school, active, last sign-in (UTC)."""
    with _accounts() as accounts:
        users, last = accounts.all(), accounts.last_sign_ins()
    if not users:
        click.echo("no users yet: `ehcp-audit users add NAME --role la` adds one")
        return
    rows = [("name", "role", "school", "active", "last sign-in (UTC)")]
    for user in users:
        seen = last.get(user.name)
        rows.append(
            (
                user.name,
                user.role,
                user.urn or "-",
                "yes" if user.active else "no",
                f"{seen:%Y-%m-%d %H:%M}" if seen else "never",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@users_group.command("disable")
@click.argument("name")
def disable_command(name: str) -> None:
    """Stop a user signing in (the user and their sign-ins stay on record)."""
    with _accounts() as accounts:
        user = accounts.disable(name)
    click.echo(f"disabled: {user.name}")


@users_group.command("reset-password")
@click.argument("name")
def reset_password_command(name: str) -> None:
    """Give a user a new password for one sign-in (it also ends a lockout)."""
    with _accounts() as accounts:
        user = accounts.reset_password(name, _password())
    click.echo(f"password reset: {user.name}")


COMMANDS = [users_group]
