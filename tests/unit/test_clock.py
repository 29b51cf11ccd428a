"""The application reads "today" and recording times from one clock (ehcp_audit.clock)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from ehcp_audit import clock
from tests.contract_helpers import Store, meeting, plan, row

SRC = Path(__file__).resolve().parents[2] / "src" / "ehcp_audit"


@pytest.fixture
def clock_at() -> Iterator[Callable[[datetime], None]]:
    before = clock.now()

    def move(moment: datetime) -> None:
        clock.shift_to(moment)

    yield move
    clock.shift_to(before)


def test_no_module_but_the_clock_reads_the_system_clock() -> None:
    reads = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|datetime\.today)\(")
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.name != "clock.py" and reads.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_today_is_the_utc_date_of_now(clock_at: Callable[[datetime], None]) -> None:
    clock_at(datetime(2031, 3, 4, 23, 59, 59, tzinfo=UTC))
    assert clock.today() == date(2031, 3, 4)
    assert clock.now() - datetime(2031, 3, 4, 23, 59, 59, tzinfo=UTC) < timedelta(seconds=5)


def test_import_judges_the_future_and_dates_entries_by_the_clock(
    tmp_path: Path, clock_at: Callable[[datetime], None]
) -> None:
    st = Store(tmp_path)
    day = date(2031, 6, 1)
    clock_at(datetime.combine(day, time(12), tzinfo=UTC))
    st.imp([plan("X", "2030-06-10")])
    # A day that is still ahead of the real calendar is today on the application's clock.
    st.imp([meeting("X", day.isoformat())])
    tomorrow = (day + timedelta(days=1)).isoformat()
    res = st.imp([row("X", "papers_circulated", tomorrow)], expect=3)
    assert "after the day of import" in res.error_for(1)
    # Known from the clock's day, not the machine's.
    rows = st.export(day.isoformat(), known_on=day.isoformat())
    assert any(r["meeting_on"] == day.isoformat() for r in rows if r["child_id"] == "X")
    assert not any(
        r["meeting_on"]
        for r in st.export(day.isoformat(), known_on=(day - timedelta(1)).isoformat())
        if r["child_id"] == "X"
    )
