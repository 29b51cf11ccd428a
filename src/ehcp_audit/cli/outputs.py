"""The guard every command that writes a file goes through: no output may overwrite the event
store, its compliance view or a file the command reads, and a path that cannot be written is
refused before any work is done."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ehcp_audit.config import Settings
from ehcp_audit.errors import RefusedError

_STORE_SIDECARS = ("-wal", "-shm", "-journal")


def protected(settings: Settings, reads: Iterable[Path] = ()) -> dict[Path, str]:
    """Each file an output must never replace, resolved, with what it is."""
    found: dict[Path, str] = {}
    if not settings.is_postgres and settings.db != ":memory:":
        store = Path(settings.db)
        found[_resolved(store)] = "the event store"
        for suffix in _STORE_SIDECARS:
            found[_resolved(Path(f"{store}{suffix}"))] = "the event store's journal"
        views = {settings.analytics_path, store.with_suffix(".view.duckdb")}
    else:
        views = {settings.analytics_path}
    for view in views - {Path(":memory:")}:
        found[_resolved(view)] = "the compliance view"
        found[_resolved(Path(f"{view}.wal"))] = "the compliance view's journal"
    for path in reads:
        found[_resolved(path)] = "a file this command reads"
    return found


def check_outputs(
    settings: Settings,
    outputs: Iterable[tuple[str, Path]],
    reads: Iterable[Path] = (),
    folder: bool = False,
) -> None:
    """Refuse (exit 2) any output, named by its option, that would replace a protected file, is
    the wrong kind (a folder where a file is written, or the reverse), or cannot be written."""
    guarded = protected(settings, reads)
    for option, path in outputs:
        what = guarded.get(_resolved(path)) or _same_file_as(path, guarded)
        if what is not None:
            raise RefusedError(f"{option} {path} is {what}: choose another path")
        if folder and path.exists() and not path.is_dir():
            raise RefusedError(f"{option} {path} is a file, not a folder")
        if not folder and path.is_dir():
            raise RefusedError(f"{option} {path} is a folder: give a file name")
        _check_writable(option, path)


def _resolved(path: Path) -> Path:
    return path.expanduser().resolve()


def _same_file_as(path: Path, guarded: dict[Path, str]) -> str | None:
    """A hard link has its own name: compare the files themselves."""
    if not path.is_file():
        return None
    for other, what in guarded.items():
        if other.is_file() and os.path.samefile(path, other):
            return what
    return None


def _check_writable(option: str, path: Path) -> None:
    if path.exists():
        if not os.access(path, os.W_OK):
            raise RefusedError(f"{option} {path} cannot be written (permission denied)")
        return
    # Outputs' folders are created as needed: the nearest existing one must take new files.
    parent = _resolved(path).parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise RefusedError(f"{option} {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RefusedError(f"{option} {path} cannot be written: the folder {parent} is read-only")
