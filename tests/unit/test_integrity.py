"""Tamper evidence: `ehcp-audit verify` names the first entry whose stored bytes were altered,
deleted or reordered, on SQLite and PostgreSQL (issue 7). Each tampering is also shown to get
past a broken verifier, one that trusts the chain table instead of recomputing it."""

from __future__ import annotations

import re
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from ehcp_audit.bootstrap import open_app
from ehcp_audit.config import Settings
from ehcp_audit.domain.plan import EVENT_CLASSES
from ehcp_audit.store import chain
from ehcp_audit.store.check import _compare, child_of, head_hash, verify
from tests.integrity_helpers import ALTERED, DELETED, SWAPPED, RawStore
from tests.store_helpers import generated, run

ACTION_OF = {cls.TOPIC: action for action, cls in EVENT_CLASSES.items()}


@pytest.fixture
def store(store_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    assert run(store_db, "import", "actions", generated(tmp_path, 12)).exit_code == 0
    return store_db


def entry_at(db: str, position: int) -> tuple[str, str]:
    """(child id, action) of the entry at a log position."""
    app = open_app(Settings(db=db))
    try:
        notification = app.recorder.select_notifications(position, 1)[0]
        child = child_of(app, chain.as_uuid(notification.originator_id))
        assert child is not None
        return child, ACTION_OF[notification.topic]
    finally:
        app.close()


def trusting_the_chain(
    app: Any, recorder: Any, event: Any, link: Any, previous: bytes
) -> object | None:
    """Broken: checks that the chain table is consistent with itself, not with the events."""
    if link is None or chain.expected_hash(previous, link) == link.hash:
        return None
    return _compare(app, recorder, event, link, previous)


TAMPERINGS: dict[str, tuple[Callable[[RawStore], None], int, str]] = {
    "altered": (lambda s: s.alter(ALTERED), ALTERED, "its stored bytes were altered"),
    "deleted": (lambda s: s.delete(DELETED), DELETED, "was deleted"),
    "swapped": (
        lambda s: s.swap(SWAPPED, SWAPPED + 5),
        SWAPPED,
        f"entries were reordered: this position now holds the entry chained at position "
        f"{SWAPPED + 5}",
    ),
}


@pytest.mark.parametrize("kind", list(TAMPERINGS))
def test_verify_names_the_first_tampered_entry(
    store: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tamper, position, detail = TAMPERINGS[kind]
    child, action = entry_at(store, position)
    assert run(store, "verify").exit_code == 0
    tamper(RawStore(store))

    result = run(store, "verify")
    assert result.exit_code == 4, result.output
    first_line = result.output.splitlines()[0]
    assert first_line.startswith(f"NOT INTACT: position {position} (child {child}, {action}): ")
    assert detail in first_line

    monkeypatch.setattr("ehcp_audit.store.check._compare", trusting_the_chain)
    broken = run(store, "verify")
    assert broken.exit_code == 0 and broken.output.startswith("intact: "), broken.output


def test_an_entry_written_around_ehcp_audit_is_caught(store: str) -> None:
    last = int(run(store, "verify").output.split(" at position ")[1].split()[0])
    RawStore(store).forge(like=last)
    result = run(store, "verify")
    assert result.exit_code == 4
    assert f"position {last + 1} " in result.output and "no chain link" in result.output


def test_a_rewritten_chain_is_caught_by_a_published_head(store: str) -> None:
    """Whoever can write the database can also rewrite the chain; a head hash printed earlier
    (e.g. in an inspection pack) still shows it."""
    intact = run(store, "verify").output
    head, position = re.search(r"head (\w+) at position (\d+)", intact).groups()  # type: ignore[union-attr]
    RawStore(store).alter(ALTERED)
    assert run(store, "verify", "--rechain").exit_code == 0  # the chain now fits the forgery
    assert run(store, "verify").exit_code == 0
    anchored = run(store, "verify", "--expect", f"{position}:{head}")
    assert anchored.exit_code == 4
    assert f"position {position} " in anchored.output and "rewritten" in anchored.output


def test_head_hash_follows_the_log(store: str, tmp_path: Path) -> None:
    app = open_app(Settings(db=store))
    try:
        verdict = verify(app)
        assert verdict.intact and verdict.head is not None
        assert head_hash(app) == verdict.head.hash.hex()
        earlier = head_hash(app, at_position=10)
        assert earlier is not None and earlier != head_hash(app)
    finally:
        app.close()
    assert run(store, "import", "actions", generated(tmp_path, 14, seed=2)).exit_code in (0, 3)
    assert run(store, "verify").exit_code == 0


def test_the_inspection_pack_prints_the_check_and_the_head(store: str, tmp_path: Path) -> None:
    """Issue 7: the pack states the verification result beside the head hash (and issue 16:
    a store that fails it gives no pack)."""

    def pack() -> str:
        out = tmp_path / "reports"
        result = run(
            store, "report", "inspection", "--from", "2024-01", "--to", "2026-10", "--out", str(out)
        )
        assert result.exit_code == 0, result.output
        (page,) = out.glob("inspection-*.html")
        return page.read_text("utf-8")

    app = open_app(Settings(db=store))
    head = head_hash(app)
    app.close()
    intact = pack()
    assert 'Integrity check</dt><dd class="verification">intact: all ' in intact
    assert head is not None and head in intact
    RawStore(store).alter(ALTERED)
    refused = run(store, "report", "inspection", "--from", "2024-01", "--to", "2026-10")
    assert refused.exit_code == 4  # issue 16: no pack is written from a store that fails
    assert "NOT INTACT: position 120" in refused.output
    assert "its stored bytes were altered" in refused.output


def test_link_hashes_are_those_earlier_versions_wrote() -> None:
    """Stores written by earlier versions must still verify: the bytes a link hashes are fixed
    (these two were made by the version that first chained the log)."""
    first = chain.link_hash(
        chain.GENESIS,
        12345,
        UUID("12345678-1234-5678-1234-567812345678"),
        7,
        "ehcp_audit.domain.plan:Plan.MeetingHeld",
        sha256(b'{"a":1}').digest(),
    )
    assert first.hex() == "40e4437377e8a2c05b5c24494b11fd6f20248cac69506b676dc1dfc2e88ff326"
    second = chain.link_hash(
        first, 12346, UUID("12345678-1234-5678-1234-567812345679"), 1, "t", b"short"
    )
    assert second.hex() == "efa64a1acf89c4c41fb66e2dc4841c7675f3881d7b87b685cec6e06cc9bd3ea8"
    originator = UUID("12345678-1234-5678-1234-567812345678")
    event = StoredEvent(originator, 7, "t", b'{"a":1}')
    (row,) = chain.link_rows(chain.GENESIS, [5], [event])
    assert row[-1] == chain.link_hash(
        chain.GENESIS, 5, originator, 7, "t", sha256(event.state).digest()
    )
