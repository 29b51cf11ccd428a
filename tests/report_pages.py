"""What tests read from a report page: the figures (data-* attributes) and the URLs it holds."""

from __future__ import annotations

from html.parser import HTMLParser

COUNTS = ("met", "missed", "overdue", "pending", "na")


class Figures(HTMLParser):
    """Collects the data-* attributes of every element that carries a figure (data-rate)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[dict[str, str]] = []
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if "data-rate" in found:
            self.figures.append(found)
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            if name in found:
                self.urls.append((tag, name, found[name]))
