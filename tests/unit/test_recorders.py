"""The reads beyond eventsourcing's recorder are declared (store/recorders.py): both chained
recorders offer what the import, the catch-up and verify look for, and a store without them
(in memory) is still read, the slower way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ehcp_audit.application import EhcpAudit
from ehcp_audit.bootstrap import open_app
from ehcp_audit.config import Settings
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.store.guard import keeps_chain
from ehcp_audit.store.postgres_recorder import ChainedPostgresApplicationRecorder
from ehcp_audit.store.recorders import ChainRecorder, RawLogReader, StreamReader
from ehcp_audit.store.sqlite_recorder import ChainedSQLiteApplicationRecorder


def test_the_chained_recorders_declare_their_reads(tmp_path: Path) -> None:
    app = open_app(Settings(db=str(tmp_path / "store.sqlite")))
    assert isinstance(app.recorder, ChainedSQLiteApplicationRecorder)
    for protocol in (StreamReader, RawLogReader, ChainRecorder):
        assert isinstance(app.recorder, protocol), protocol
    for method in (
        *("select_streams", "select_raw_notifications", "select_links", "head_link"),
        "replace_chain",
    ):
        assert callable(getattr(ChainedPostgresApplicationRecorder, method))
    assert keeps_chain(app)


def test_a_store_without_them_is_read_the_library_way() -> None:
    app = EhcpAudit(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert not isinstance(app.recorder, StreamReader | RawLogReader | ChainRecorder)
    assert not keeps_chain(app)
    assert app.plans(["C1"]) == {}
    assert list(app.log_after(0)) == []


def test_a_read_up_to_a_position_stops_there_across_gaps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's positions can have gaps (a rolled-back insert keeps its number): a read up to
    `stop` returns no entry after it, though a page of `stop - position` rows would reach past."""
    log = tmp_path / "log.csv"
    rows = [f"C{n:02},plan_issued,2024-01-0{n},100001,2012-01-01" for n in range(1, 9)]
    log.write_text("child_id,action,occurred_on,school_urn,date_of_birth\n" + "\n".join(rows))
    app = open_app(Settings(db=str(tmp_path / "store.sqlite")))
    assert import_actions(app, log, today=date(2024, 2, 1)).rejected == 0
    assert isinstance(app.recorder, RawLogReader)
    real = app.recorder.select_raw_notifications

    def gapped(after: int, limit: int, text: bool = False) -> list[Sequence[Any]]:
        return [(r[0] * 2, *r[1:]) for r in real(after // 2, limit, text)]  # 2, 4, 6, ...

    monkeypatch.setattr(app.recorder, "select_raw_notifications", gapped)
    for page_size in (2, 3, 100):
        read = [e.position for page in app.log_after(0, page_size, stop=9) for e in page]
        assert read == [2, 4, 6, 8], page_size
    assert [e.position for p in app.log_after(4, 2, stop=12) for e in p] == [6, 8, 10, 12]


@pytest.mark.postgres
def test_raw_rows_are_the_librarys_notifications(fresh_postgres_url: str, tmp_path: Path) -> None:
    """A rebuild on PostgreSQL reads plain rows (no Notification object each): the same
    positions, topics, streams, versions and states as the library's read, the state as text
    when asked."""
    log = tmp_path / "log.csv"
    rows = [f"C{n:02},plan_issued,2024-01-0{n},100001,2012-01-01" for n in range(1, 6)]
    log.write_text("child_id,action,occurred_on,school_urn,date_of_birth\n" + "\n".join(rows))
    app = open_app(Settings(db=fresh_postgres_url))
    try:
        assert import_actions(app, log, today=date(2024, 2, 1)).rejected == 0
        assert isinstance(app.recorder, RawLogReader)
        library = [
            (n.id, n.topic, str(n.originator_id), n.originator_version, bytes(n.state))
            for n in app.recorder.select_notifications(1, 3, inclusive_of_start=False)
        ]
        raw = app.recorder.select_raw_notifications(1, 3)
        assert [(*r[:4], bytes(r[4])) for r in raw] == library and len(library) == 3
        text = app.recorder.select_raw_notifications(1, 3, text=True)
        assert [r[4] for r in text] == [state.decode() for *_, state in library]
        every = [n.id for n in app.recorder.select_notifications(0, 100)]
        assert [e.position for page in app.log_after(0, 2) for e in page] == every
    finally:
        app.close()
