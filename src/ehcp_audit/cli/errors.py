"""Turn the project's errors into one clear line on stderr and the contract's exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ehcp_audit.errors import EhcpAuditError, UnusableFileError

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UnusableFileError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except EhcpAuditError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
