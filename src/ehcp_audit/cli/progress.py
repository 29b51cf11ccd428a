"""A progress bar on stderr for long work, shown only to a person at a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def progress_bar(
    label: str, file: Path | None = None, total: int | None = None
) -> Iterator[Callable[[int], None]]:
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    if total is None and file is not None and file.is_file():
        with file.open("rb") as handle:
            total = max(
                sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1, 0
            )
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)
