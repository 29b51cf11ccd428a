"""The reads beyond eventsourcing's recorder are declared (store/recorders.py): both chained
recorders offer what the import, the catch-up and verify look for, and a store without them
(in memory) is still read, the slower way."""

from __future__ import annotations

from pathlib import Path

from ehcp_audit.application import EhcpAudit
from ehcp_audit.bootstrap import open_app
from ehcp_audit.config import Settings
from ehcp_audit.store.guard import keeps_chain
from ehcp_audit.store.postgres_recorder import ChainedPostgresApplicationRecorder
from ehcp_audit.store.recorders import ChainRecorder, RawLogReader, StreamReader
from ehcp_audit.store.sqlite_recorder import ChainedSQLiteApplicationRecorder


def test_the_chained_recorders_declare_their_reads(tmp_path: Path) -> None:
    app = open_app(Settings(db=str(tmp_path / "store.sqlite")))
    assert isinstance(app.recorder, ChainedSQLiteApplicationRecorder)
    for protocol in (StreamReader, RawLogReader, ChainRecorder):
        assert isinstance(app.recorder, protocol), protocol
    for method in ("select_streams", "select_links", "head_link", "replace_chain"):
        assert callable(getattr(ChainedPostgresApplicationRecorder, method))
    assert keeps_chain(app)


def test_a_store_without_them_is_read_the_library_way() -> None:
    app = EhcpAudit(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert not isinstance(app.recorder, StreamReader | RawLogReader | ChainRecorder)
    assert not keeps_chain(app)
    assert app.plans(["C1"]) == {}
    assert list(app.log_after(0)) == []
