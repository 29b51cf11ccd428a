"""One error handler for every command: the project's errors, and the library and OS errors a
user can cause (a full disk, a read-only store), become one line on stderr and an exit code."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from ehcp_audit.config import Settings
from ehcp_audit.errors import EhcpAuditError, TamperedStoreError
from ehcp_audit.store.env import hide_password as mask_password

DEBUG_ENV = "EHCP_AUDIT_DEBUG"

_PASS_THROUGH = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)

# Fragments of SQLite's messages (also inside eventsourcing's wrappers) and what they mean.
_DISK_FULL = ("database or disk is full", "no space left on device")
_READ_ONLY = ("readonly database", "read-only file system", "unable to open database file")


class AuditGroup(click.Group):
    """The top-level group: every sub-command runs inside its `invoke`, so this is the one
    place where an exception meets the user."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _PASS_THROUGH:
            raise
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                raise  # click closes quietly when the reader of stdout went away
            if os.environ.get(DEBUG_ENV) == "1":
                raise
            if isinstance(exc, TamperedStoreError):
                click.echo(str(exc), err=True)  # verify's own words
                click.echo("error: nothing was written: the store does not verify", err=True)
                raise click.exceptions.Exit(exc.exit_code) from None
            message, code = explain(exc)
            click.echo(f"error: {hide_password(message, ctx.obj)}", err=True)
            raise click.exceptions.Exit(code) from None


def explain(exc: BaseException) -> tuple[str, int]:
    """The line a user reads for `exc`, and the exit status."""
    if isinstance(exc, EhcpAuditError):
        return _one_line(str(exc)), exc.exit_code
    chain = list(_causes(exc))
    texts = " ".join(str(e).lower() for e in chain)
    codes = {e.errno for e in chain if isinstance(e, OSError)}
    if errno.ENOSPC in codes or any(f in texts for f in _DISK_FULL):
        return (
            "the disk is full: free some space and run the command again (what was recorded "
            "before is kept, and a repeated import records nothing twice)",
            1,
        )
    if codes & {errno.EACCES, errno.EPERM, errno.EROFS} or any(f in texts for f in _READ_ONLY):
        where = next((e.filename for e in chain if isinstance(e, OSError) and e.filename), None)
        target = f" {where}" if where else " (the store file or its folder)"
        return f"permission denied: cannot write{target}; check it is writable", 1
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or _one_line(str(exc))}{where}", 1
    duckdb = sys.modules.get("duckdb")
    if duckdb is not None and isinstance(exc, duckdb.Error):
        return f"the compliance view failed: {_one_line(str(exc))}", 1
    return (
        f"internal error ({type(exc).__name__}: {_one_line(str(exc))}); "
        f"set {DEBUG_ENV}=1 to see where, and please report it",
        1,
    )


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _one_line(text: str) -> str:
    return " ".join(text.split())


def hide_password(message: str, settings: object) -> str:
    """A store URL's password is never shown, whatever library wrote the message."""
    if not isinstance(settings, Settings):
        return message
    return mask_password(message, settings.db)
