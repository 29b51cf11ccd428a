"""A small store for the web application's tests: three children at two settings (one moved from
the first to the second), one annual review overdue each, and a user of each role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ehcp_audit import clock
from ehcp_audit.bootstrap import Bootstrap, open_accounts
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.rules.calendar import add_months
from tests.store_helpers import write_rows

PASSWORD = "a-long-test-password-1"
ALPHA, BETA = "100001", "100002"
XSS_SCHOOL = '<script>alert("school")</script> Academy'
HEADER = [
    "child_id",
    "action",
    "occurred_on",
    "date_of_birth",
    "school_urn",
    "school_name",
    "attendees",
    "topics",
]


@dataclass(frozen=True)
class WebStore:
    settings: Settings
    log: Path


def action_rows() -> list[dict[str, str]]:
    """LA-0001 and LA/0004 at ALPHA and LA-0002 at BETA, each with its review due five days ago
    and no meeting recorded (overdue); LA-0003 issued at ALPHA, moved to BETA a month ago."""
    today = clock.today()
    issued = add_months(today, -12) - timedelta(days=5)
    born = add_months(today, -12 * 10).isoformat()

    def plan(child: str, urn: str, name: str) -> dict[str, str]:
        return {
            "child_id": child,
            "action": "plan_issued",
            "occurred_on": issued.isoformat(),
            "date_of_birth": born,
            "school_urn": urn,
            "school_name": name,
        }

    return [
        plan("LA-0001", ALPHA, "Alpha Primary"),
        plan("LA-0002", BETA, XSS_SCHOOL),
        plan("LA-0003", ALPHA, "Alpha Primary"),
        plan("LA/0004", ALPHA, "Alpha Primary"),  # a case reference may hold a slash
        {
            "child_id": "LA-0003",
            "action": "placement_changed",
            "occurred_on": (today - timedelta(days=30)).isoformat(),
            "school_urn": BETA,
        },
    ]


def meeting_row(child: str = "LA-0001") -> dict[str, str]:
    """A meeting held the day before the review was due (recorded late): the review is met."""
    return {
        "child_id": child,
        "action": "meeting_held",
        "occurred_on": (clock.today() - timedelta(days=6)).isoformat(),
        "attendees": "parent_carer;senco",
        "topics": "important_to_child_family;next_steps",
    }


def make_store(folder: Path, users: bool = True, db: str = "") -> WebStore:
    """The store in `folder` (or at `db`, e.g. a PostgreSQL URL), with the users."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(db=db or str(folder / "store.sqlite"))
    log = write_rows(folder / "actions.csv", HEADER, action_rows())
    app = Bootstrap(settings).open_app()
    result = import_actions(app, log)
    assert result.rejected == 0, result.summary()
    if users:
        accounts = open_accounts(settings)
        try:
            accounts.add("quality", "la", PASSWORD, one_time=False)
            accounts.add("inspector", "viewer", PASSWORD, one_time=False)
            accounts.add("senco", "school", PASSWORD, urn=ALPHA, one_time=False)
        finally:
            accounts.close()
    return WebStore(settings, log)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
