"""The filters every list takes from its query string: setting, owner, measure, status, page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Final
from urllib.parse import urlencode

from ehcp_audit.domain.vocabulary import MEASURES
from ehcp_audit.reports.steps import LOCAL_AUTHORITY, SETTING, STEPS

PAGE_SIZE: Final = 50
STATUSES: Final = ("overdue", "pending", "missed", "met", "n/a")
OPEN: Final = ("overdue", "pending")
OWNERS: Final = {"setting": SETTING, "la": LOCAL_AUTHORITY}


@dataclass(frozen=True)
class Filters:
    school: str = ""
    owner: str = ""  # "setting" or "la"
    measure: str = ""
    status: str = ""  # "" = still open (overdue or pending)
    until: date | None = None  # deadlines on or before this day only
    page: int = 1

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> Filters:
        """Values outside the lists are dropped (the forms offer only these)."""
        school = query.get("school", "").strip()
        owner = query.get("owner", "")
        measure = query.get("measure", "")
        status = query.get("status", "")
        page = query.get("page", "1")
        try:
            until: date | None = date.fromisoformat(query.get("until", ""))
        except ValueError:
            until = None
        return cls(
            school=school if school.isdigit() and len(school) <= 8 else "",
            owner=owner if owner in OWNERS else "",
            measure=measure if measure in MEASURES else "",
            status=status if status in STATUSES else "",
            until=until,
            page=max(1, int(page)) if page.isdigit() and len(page) < 7 else 1,
        )

    @property
    def measures(self) -> list[str]:
        chosen = [self.measure] if self.measure else list(MEASURES)
        if self.owner:
            chosen = [m for m in chosen if m in STEPS and STEPS[m].owner == OWNERS[self.owner]]
        return chosen

    @property
    def statuses(self) -> list[str]:
        return [self.status] if self.status else list(OPEN)

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def query(self, **changes: object) -> str:
        """This filter's query string with `changes` (e.g. page=2), empty values left out."""
        values = replace(self, **changes)  # type: ignore[arg-type]
        pairs = {k: v for k, v in vars(values).items() if v and not (k == "page" and v == 1)}
        return urlencode(pairs)


@dataclass(frozen=True)
class Paging:
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.page * PAGE_SIZE)
