"""The chain check has two ways through the log (store/check.py): the whole log is read a page
of entries beside their links at a time, and a rebuild's pages or a check from a point verified
earlier are paired with the links one entry at a time. Every tampering gets the same verdict in
the same words on each way, with pages of any size (the entry at a page's edge or inside it), on
SQLite and PostgreSQL, and on an encrypted store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ehcp_audit.application import EhcpAudit
from ehcp_audit.bootstrap import open_app
from ehcp_audit.config import Settings
from ehcp_audit.errors import StoreError
from ehcp_audit.store.chain import as_uuid, link_hash
from ehcp_audit.store.check import (
    _ACTIONS,
    ChainFollower,
    Verdict,
    Verified,
    child_of,
    not_intact,
    verify,
)
from tests.integrity_helpers import ALTERED, DELETED, SWAPPED, RawStore
from tests.store_helpers import generated, run

Tamper = Callable[[RawStore, int], None]
CHAIN_ALTERED, REMEMBERED = 130, 100


def _set(column: str, value: object) -> Tamper:
    def tamper(raw: RawStore, _: int) -> None:
        raw.execute(f"UPDATE {{table}} SET {column} = ? WHERE {{pos}} = ?", value, ALTERED)

    return tamper


def _relink(raw: RawStore, _: int) -> None:
    raw.execute("UPDATE integrity_chain SET hash = state_sha256 WHERE position = ?", CHAIN_ALTERED)


def _relink_version(raw: RawStore, _: int) -> None:
    raw.execute(
        "UPDATE integrity_chain SET originator_version = 999 WHERE position = ?", CHAIN_ALTERED
    )


def _delete_and_rechain_around(raw: RawStore, _: int) -> None:
    """An entry deleted, and the links after it rewritten to chain from the one before it, its
    own link left in place: every entry that is left matches a link that chains."""
    raw.delete(DELETED)
    links = "SELECT position, originator_id, originator_version, topic, state_sha256, hash FROM "
    rows = raw.execute(links + "integrity_chain WHERE position > ? ORDER BY position", DELETED)
    ((previous,),) = raw.execute("SELECT hash FROM integrity_chain WHERE position = ?", DELETED - 1)
    for position, stream, version, topic, digest, _hash in rows:
        previous = link_hash(bytes(previous), position, as_uuid(stream), version, topic, digest)
        raw.execute("UPDATE integrity_chain SET hash = ? WHERE position = ?", previous, position)


def _flip(raw: RawStore, _: int) -> None:
    """A ciphertext holds no date to back-date: one bit of it flipped."""
    (state,) = raw.execute("SELECT state FROM {table} WHERE {pos} = ?", ALTERED)[0]
    forged = bytes(state[:-1]) + bytes([state[-1] ^ 1])
    raw.execute("UPDATE {table} SET state = ? WHERE {pos} = ?", forged, ALTERED)


# name: (tampering, the position named (None: the last), kind, words of the detail)
CASES: dict[str, tuple[Tamper, int | None, str, str]] = {
    "bytes altered": (lambda raw, _: raw.alter(ALTERED), ALTERED, "altered", "bytes were altered"),
    "topic altered": (_set("topic", "ehcp_audit:Plan.Other"), ALTERED, "altered", "were altered"),
    "version altered": (_set("originator_version", 999), ALTERED, "altered", "another stream"),
    "deleted": (lambda raw, _: raw.delete(DELETED), DELETED, "deleted", "was deleted"),
    "first deleted": (lambda raw, _: raw.delete(1), 1, "deleted", "was deleted"),
    "last deleted (a link left over)": (
        lambda raw, last: raw.delete(last),
        None,
        "deleted",
        "was deleted",
    ),
    "moved": (
        lambda raw, _: raw.swap(SWAPPED, SWAPPED + 5),
        SWAPPED,
        "moved",
        f"now holds the entry chained at position {SWAPPED + 5}",
    ),
    "not chained": (
        lambda raw, last: raw.forge(like=last),
        None,
        "not chained",
        "written outside ehcp-audit",
    ),
    "chain link altered": (_relink, CHAIN_ALTERED, "chain altered", "chain link was altered"),
    "a link's version altered": (_relink_version, CHAIN_ALTERED, "altered", "another stream"),
    "deleted, the chain rewritten around it": (
        _delete_and_rechain_around,
        DELETED,
        "deleted",
        "was deleted",
    ),
}


def _every_way(app: EhcpAudit, remembered: Verified | None) -> dict[str, Verdict]:
    """The verdict of each way through the log, with pages of several sizes."""
    verdicts = {}
    for page in (10_000, 7, 1):
        verdicts[f"whole log, pages of {page}"] = verify(app, page=page)
        if remembered is not None:
            verdicts[f"from a remembered point, pages of {page}"] = verify(
                app, page=page, start=remembered
            )
        follower = ChainFollower(app, page=page)
        try:
            for _ in app.log_after(0, page=page, stored=follower.rows):
                pass
        except StoreError:  # an entry the view cannot decode: the follower has seen its page
            pass
        verdicts[f"a rebuild's pages of {page}"] = follower.verdict()
    return verdicts


def _entry_at(app: EhcpAudit, position: int) -> tuple[str | None, str]:
    """(child id, action) of the entry at a log position, before it is tampered with."""
    notification = app.recorder.select_notifications(position, 1)[0]
    return child_of(app, as_uuid(notification.originator_id)), _ACTIONS[notification.topic]


def _check(
    db: str, tmp_path: Path, case: tuple[Tamper, int | None, str, str], key: str | None = None
) -> None:
    env = {"EHCP_AUDIT_CIPHER_KEY": key} if key else {}
    imported = run(db, "import", "actions", generated(tmp_path, 12), env=env)
    assert imported.exit_code == 0, imported.output
    tamper, position, kind, words = case
    app = open_app(Settings(db=db, cipher_key=key))
    try:
        last = verify(app).entries
        position = position or last + (kind == "not chained")
        remembered = verify(app, upto=REMEMBERED).reached if position > REMEMBERED else None
        child, action = _entry_at(app, min(position, last))
        tamper(RawStore(db), last)
        verdicts = _every_way(app, remembered)
    finally:
        app.close()
    assert len(verdicts) == (9 if remembered else 6)
    for way, verdict in verdicts.items():
        problem = verdict.problem
        assert problem is not None, way
        assert (problem.position, problem.kind) == (position, kind), (way, problem)
        assert (problem.child_id, problem.action) == (None if position == 1 else child, action)
        assert words in problem.detail, (way, problem)
        assert verdict.entries == position - 1, (way, verdict.entries)
    said = {not_intact(v.problem, v.entries) for v in verdicts.values() if v.problem}
    assert len(said) == 1, said


@pytest.mark.parametrize("case", list(CASES))
def test_every_way_through_the_log_names_the_same_entry(
    store_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.chdir(tmp_path)
    _check(store_db, tmp_path, CASES[case])


@pytest.mark.parametrize("case", ["bytes altered", "deleted", "moved", "chain link altered"])
def test_an_encrypted_store_gets_the_same_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.chdir(tmp_path)
    key = run("unused.sqlite", "keygen").output.strip()
    tamper, *named = CASES[case]
    spec = (_flip if case == "bytes altered" else tamper, *named)
    _check(str(tmp_path / "store.sqlite"), tmp_path, spec, key)  # type: ignore[arg-type]


def test_an_intact_log_gets_the_same_head_every_way(tmp_path: Path) -> None:
    db = str(tmp_path / "store.sqlite")
    assert run(db, "import", "actions", generated(tmp_path, 12)).exit_code == 0
    app = open_app(Settings(db=db))
    try:
        verdicts = _every_way(app, verify(app, upto=REMEMBERED).reached)
    finally:
        app.close()
    whole = verdicts["whole log, pages of 10000"]
    assert whole.problem is None and whole.head is not None and whole.entries > REMEMBERED
    for way, verdict in verdicts.items():
        assert (verdict.problem, verdict.head, verdict.reached) == (
            None,
            whole.head,
            whole.reached,
        ), way
