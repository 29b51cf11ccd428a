"""A long list cut to the part a page shows, with the count of the rest (which the companion
workbook holds in full): a report that lists thousands of rows does not open on a laptop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Capped(Generic[T]):
    shown: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def first(items: Sequence[T], limit: int) -> Capped[T]:
    """The first `limit` items (the list comes most urgent first)."""
    return Capped(tuple(items[:limit]), len(items))


def latest(items: Sequence[T], limit: int, key: Callable[[T], Any]) -> Capped[T]:
    """The `limit` items with the greatest `key` (the most recent), in the list's own order."""
    if len(items) <= limit:
        return Capped(tuple(items), len(items))
    ranked = sorted(range(len(items)), key=lambda n: key(items[n]), reverse=True)
    chosen = sorted(ranked[:limit])
    return Capped(tuple(items[n] for n in chosen), len(items))
