"""Turn the project's errors into one clear line on stderr and the contract's exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ehcp_audit.errors import EhcpAuditError, TamperedStoreError, UnusableFileError

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TamperedStoreError as exc:
            click.echo(str(exc), err=True)  # verify's own words
            click.echo("error: nothing was written: the store does not verify", err=True)
            sys.exit(4)
        except UnusableFileError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except EhcpAuditError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
