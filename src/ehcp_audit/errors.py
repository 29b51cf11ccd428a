"""The project's own errors: what the CLI turns into clear messages and exit codes."""

from __future__ import annotations


class EhcpAuditError(Exception):
    """Base of every error meant for the user."""

    exit_code = 1


class UnusableFileError(EhcpAuditError):
    """The file itself cannot be read as an action log (exit status 2)."""

    exit_code = 2


class ConcurrentWriteError(EhcpAuditError):
    """Another writer recorded entries for the same plan first; retrying is safe."""


class StoreError(EhcpAuditError):
    """The event store cannot be opened or read (wrong key, unreachable server...)."""


class TamperedStoreError(EhcpAuditError):
    """The event log does not match its hash chain: nothing may be reported from it (exit 4)."""

    exit_code = 4


class RefusedError(EhcpAuditError):
    """A request refused before anything is read or written: an output that would overwrite the
    store or an input, a store that does not exist (exit status 2)."""

    exit_code = 2
