"""`--db` values map to eventsourcing settings that really open a store."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import quote
from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import resolve_topic

from ehcp_audit.store.env import eventsourcing_env, is_postgres_url
from tests import pg

KEY = base64.b64encode(bytes(range(32))).decode()


def test_sqlite_path() -> None:
    assert eventsourcing_env("data/ehcp_audit.sqlite", None) == {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": "data/ehcp_audit.sqlite",
        "SQLITE_LOCK_TIMEOUT": "30",
    }


def test_postgres_url() -> None:
    assert eventsourcing_env("postgresql://audit:s3cret@db.example.org:6543/ehcp", None) == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": "db.example.org",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "audit",
        "POSTGRES_PASSWORD": "s3cret",
        "POSTGRES_DBNAME": "ehcp",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "8",
        "POSTGRES_LOCK_TIMEOUT": "30",
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/d", {"POSTGRES_HOST": "h", "POSTGRES_PORT": "5432", "POSTGRES_USER": "u"}),
        ("postgresql://h/d", {"POSTGRES_USER": "", "POSTGRES_PASSWORD": ""}),
        (
            "postgresql://a%40b:p%2Fw%3A@h/d%20b",
            {"POSTGRES_USER": "a@b", "POSTGRES_PASSWORD": "p/w:", "POSTGRES_DBNAME": "d b"},
        ),
        (
            "postgresql://u@/d?host=/run/PG&port=5433",
            {"POSTGRES_HOST": "/run/PG", "POSTGRES_PORT": "5433"},
        ),
        (
            "postgresql://u@%2Frun%2FPG:5433/d",
            {"POSTGRES_HOST": "/run/PG", "POSTGRES_PORT": "5433"},
        ),
        ("postgresql://u@h/d?connect_timeout=3", {"POSTGRES_CONNECT_TIMEOUT": "3"}),
        ("POSTGRESQL://u@h/d", {"PERSISTENCE_MODULE": "eventsourcing.postgres"}),
    ],
)
def test_postgres_url_forms(url: str, expected: dict[str, str]) -> None:
    env = eventsourcing_env(url, None)
    assert {key: env[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("postgresql://u@h", "names no database"),
        ("postgresql://u@h/", "names no database"),
        (
            "postgresql://u@h/d?sslmode=require",
            "unsupported parameter(s) in PostgreSQL URL: sslmode",
        ),
        ("postgresql://u@h:notaport/d", "invalid port"),
        ("", "empty"),
    ],
)
def test_unusable_db_values(db: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        eventsourcing_env(db, None)


def test_only_urls_with_a_postgres_scheme_are_postgres() -> None:
    assert is_postgres_url("postgresql://h/d")
    assert is_postgres_url("postgres://h/d")
    assert not is_postgres_url("postgresql.sqlite")
    assert not is_postgres_url("./postgres/store.sqlite")


def test_cipher_adds_encryption_and_compression() -> None:
    plain = eventsourcing_env("x.sqlite", None)
    env = eventsourcing_env("x.sqlite", KEY)
    assert "CIPHER_TOPIC" not in plain and "COMPRESSOR_TOPIC" not in plain
    assert env == {
        **plain,
        "CIPHER_TOPIC": env["CIPHER_TOPIC"],
        "CIPHER_KEY": KEY,
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
    }
    assert env["CIPHER_TOPIC"] in (
        "eventsourcing.cryptography:AESCipher",
        "eventsourcing.cipher:AESCipher",
    )
    resolve_topic(env["CIPHER_TOPIC"])
    resolve_topic(env["COMPRESSOR_TOPIC"])


@pytest.mark.parametrize("key", ["not base64!", base64.b64encode(b"short").decode()])
def test_bad_cipher_key(key: str) -> None:
    with pytest.raises(ValueError, match="16, 24 or 32"):
        eventsourcing_env("x.sqlite", key)


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


def _save_and_get(db: str, cipher_key: str | None) -> bytes:
    """Save a Note and read it back through a second application; return the stored state."""
    env = eventsourcing_env(db, cipher_key)
    writer: Application[UUID] = Application(env=env)
    try:
        note = Note("Child A: review held 2024-01-10")
        writer.save(note)
    finally:
        writer.close()
    reader: Application[UUID] = Application(env=env)
    try:
        assert reader.repository.get(note.id).text == "Child A: review held 2024-01-10"
        [notification] = reader.recorder.select_notifications(start=None, limit=10)
        return notification.state
    finally:
        reader.close()


@pytest.mark.parametrize("cipher_key", [None, KEY], ids=["plain", "encrypted"])
def test_application_on_sqlite(tmp_path: Path, cipher_key: str | None) -> None:
    state = _save_and_get(str(tmp_path / "store.sqlite"), cipher_key)
    assert (b"Child A" in state) == (cipher_key is None)


@pytest.mark.parametrize("cipher_key", [None, KEY], ids=["plain", "encrypted"])
def test_application_on_postgres(fresh_postgres_url: str, cipher_key: str | None) -> None:
    state = _save_and_get(fresh_postgres_url, cipher_key)
    assert (b"Child A" in state) == (cipher_key is None)


def test_application_on_postgres_over_unix_socket(postgres_server: pg.Server) -> None:
    url = pg.create_database(postgres_server.url())
    dbname = url.rsplit("/", 1)[1]
    socket_dir = quote(str(postgres_server.root), safe="")
    try:
        _save_and_get(
            f"postgresql://{pg.SUPERUSER}@{socket_dir}:{postgres_server.port}/{dbname}", None
        )
    finally:
        pg.drop_database(url, admin_url=postgres_server.url())
