"""Encryption at rest (issue 7): with EHCP_AUDIT_CIPHER_KEY set, no child id is stored in clear,
neither in the store nor in a view file; a wrong or missing key fails with one clear line."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.store_helpers import child_ids, export, generated, run

KEY_ENV = "EHCP_AUDIT_CIPHER_KEY"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def new_key() -> str:
    result = run("unused.sqlite", "keygen")
    assert result.exit_code == 0
    return result.output.strip()


def stored_bytes(db: str, tmp_path: Path) -> bytes:
    """Everything the store holds: the SQLite files (WAL included), or the PostgreSQL tables."""
    if not db.startswith("postgresql://"):
        return b"".join(p.read_bytes() for p in sorted(tmp_path.glob(Path(db).name + "*")))
    import psycopg

    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "SELECT originator_id::text, originator_version::text, topic, state "
            "FROM ehcpaudit_events"
        ).fetchall()
        rows += conn.execute("SELECT * FROM integrity_chain").fetchall()
    return b"\n".join(
        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
        for row in rows
        for v in row
    )


def cleartext_children(db: str, tmp_path: Path, key: str | None) -> list[str]:
    """Import a sample (with or without a key), export it, and list the child ids found in
    clear in the store or in any view file left behind."""
    sample = generated(tmp_path, 15)
    env = {KEY_ENV: key} if key else {}
    assert run(db, "import", "actions", sample, env=env).exit_code == 0
    assert "," in export(db, tmp_path / "out.csv", env=env)
    found = stored_bytes(db, tmp_path)
    views = b"".join(p.read_bytes() for p in tmp_path.rglob("*.duckdb*"))
    return [c for c in child_ids(sample) if c.encode() in found or c.encode() in views]


def test_keygen_prints_a_new_256_bit_key() -> None:
    first, second = new_key(), new_key()
    assert len(base64.b64decode(first, validate=True)) == 32 and first != second


def test_no_child_id_is_stored_in_clear_with_a_key(store_db: str, tmp_path: Path) -> None:
    assert cleartext_children(store_db, tmp_path, new_key()) == []
    assert not list(tmp_path.rglob("*.duckdb")), "the view is kept in memory when encrypted"


def test_without_a_key_child_ids_are_in_clear(store_db: str, tmp_path: Path) -> None:
    """The broken variant: the check above finds child ids when nothing is encrypted."""
    found = cleartext_children(store_db, tmp_path, None)
    assert len(found) == len(child_ids(generated(tmp_path, 15)))


def test_an_encrypted_store_exports_the_same(tmp_path: Path) -> None:
    sample, key = generated(tmp_path, 15), new_key()
    outputs = []
    for name, env in (("plain", {}), ("encrypted", {KEY_ENV: key})):
        db = str(tmp_path / f"{name}.sqlite")
        assert run(db, "import", "actions", sample, env=env).exit_code == 0
        outputs.append(export(db, tmp_path / f"{name}.csv", env=env))
        assert run(db, "verify", env=env).exit_code == 0
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("written_with", "opened_with", "message"),
    [
        ("key", "other key", "the cipher key (EHCP_AUDIT_CIPHER_KEY) does not open this store"),
        ("key", None, "this store is encrypted: set EHCP_AUDIT_CIPHER_KEY"),
        (None, "key", "the cipher key (EHCP_AUDIT_CIPHER_KEY) does not open this store"),
    ],
)
def test_a_wrong_or_missing_key_fails_with_one_line(
    store_db: str, tmp_path: Path, written_with: str | None, opened_with: str | None, message: str
) -> None:
    keys = {"key": new_key(), "other key": new_key(), None: None}
    write_env = {KEY_ENV: keys[written_with]} if written_with else {}
    read_env = {KEY_ENV: keys[opened_with]} if opened_with else {}
    assert run(store_db, "import", "actions", generated(tmp_path, 3), env=write_env).exit_code == 0
    out = tmp_path / "never.csv"
    for args in (
        ("export", "compliance", "--out", out),
        ("import", "actions", generated(tmp_path, 3)),
        ("verify",),
    ):
        result = run(store_db, *args, env=read_env)
        lines = result.output.splitlines()
        assert result.exit_code == 1 and len(lines) == 1, result.output
        assert lines[0].startswith(f"error: {message}")
    assert not out.exists()


def test_an_encrypted_store_is_checked_as_its_view_is_built(store_db: str, tmp_path: Path) -> None:
    """The view in memory is built at every command and checks the chain as it reads the log:
    over the stored (encrypted) bytes, which is what the chain holds."""
    from tests.unit.test_integrity import DELETED, RawStore

    env = {KEY_ENV: new_key()}
    assert run(store_db, "import", "actions", generated(tmp_path, 12), env=env).exit_code == 0
    built = run(store_db, "project", env=env)
    assert built.exit_code == 0, built.output
    RawStore(store_db).delete(DELETED)
    said = run(store_db, "verify", env=env).output.strip()
    for args in (["project"], ["export", "compliance", "--out", str(tmp_path / "c.csv")]):
        refused = run(store_db, *args, env=env)
        assert refused.exit_code == 4 and said in refused.output, refused.output
    assert not (tmp_path / "c.csv").exists()
