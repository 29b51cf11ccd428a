"""Map the `--db` value (SQLite path or postgresql:// URL) to eventsourcing's settings.

eventsourcing 9.5.6 reads its infrastructure from an environment mapping
(`Application(env=...)`); this is the one place that knows those keys.
"""

from __future__ import annotations

import binascii
import importlib.util
from base64 import b64decode
from urllib.parse import parse_qsl, unquote, urlsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")

# libpq-style query parameters we pass on (anything else is refused, not ignored).
_QUERY_KEYS = {
    "host": "POSTGRES_HOST",
    "port": "POSTGRES_PORT",
    "user": "POSTGRES_USER",
    "password": "POSTGRES_PASSWORD",
    "dbname": "POSTGRES_DBNAME",
    "connect_timeout": "POSTGRES_CONNECT_TIMEOUT",
}


def is_postgres_url(db: str) -> bool:
    scheme, sep, _ = db.partition("://")
    return bool(sep) and scheme.lower() in POSTGRES_SCHEMES


def display_url(db: str) -> str:
    """The store as shown to users: a PostgreSQL password is never printed."""
    if is_postgres_url(db) and "@" in db:
        scheme, rest = db.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return db


def hide_password(message: str, db: str) -> str:
    """`message` with the store URL's password masked, as written and percent-decoded (a
    library's message may quote either)."""
    if not is_postgres_url(db):
        return message
    try:
        password = urlsplit(db).password or ""
    except ValueError:
        return message
    for secret in {password, unquote(password)} - {""}:
        message = message.replace(secret, "***")
    return message


def eventsourcing_env(db: str, cipher_key: str | None) -> dict[str, str]:
    """Settings for `eventsourcing.application.Application(env=...)`.

    `db` is a SQLite file path or `postgresql://user:pass@host:port/dbname`
    (a Unix-socket directory may be given as `?host=/run/postgresql` or as a
    percent-encoded host). Absent user, password or host are passed as empty
    strings, which libpq reads as "use the default" (OS user, .pgpass, socket).
    """
    env = _postgres_env(db) if is_postgres_url(db) else _sqlite_env(db)
    if cipher_key:
        env.update(_cipher_env(cipher_key))
    return env


def _sqlite_env(path: str) -> dict[str, str]:
    if not path:
        raise ValueError("the store path is empty")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": path,
        # Seconds a writer waits for another process's write lock (library default: 5).
        "SQLITE_LOCK_TIMEOUT": "30",
    }


def _postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"invalid port in PostgreSQL URL: {exc}") from None
    host = parts.hostname or ""
    netloc_host = parts.netloc.rpartition("@")[2]
    if "%" in netloc_host:
        # A percent-encoded socket directory: keep its case (urlsplit lower-cases hosts).
        host = netloc_host.rsplit(":", 1)[0]
    settings = {
        "POSTGRES_HOST": unquote(host),
        "POSTGRES_PORT": str(port or 5432),
        "POSTGRES_USER": unquote(parts.username or ""),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")),
        "POSTGRES_CONNECT_TIMEOUT": "10",
    }
    unknown = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in _QUERY_KEYS:
            settings[_QUERY_KEYS[key]] = value
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(
            "unsupported parameter(s) in PostgreSQL URL: "
            + ", ".join(sorted(unknown))
            + f" (supported: {', '.join(_QUERY_KEYS)})"
        )
    if not settings["POSTGRES_DBNAME"]:
        raise ValueError("the PostgreSQL URL names no database (postgresql://user@host/DBNAME)")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        **settings,
        # A command-line process needs few connections (library default: 5 + 10 overflow).
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "8",
        # Writers queue on a table lock; give up with an error rather than hang forever.
        "POSTGRES_LOCK_TIMEOUT": "30",
    }


def _cipher_env(cipher_key: str) -> dict[str, str]:
    try:
        size = len(b64decode(cipher_key.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError):
        size = -1
    if size not in (16, 24, 32):
        raise ValueError("the cipher key must be 16, 24 or 32 random bytes, base64-encoded")
    return {
        "CIPHER_TOPIC": _cipher_topic(),
        "CIPHER_KEY": cipher_key,
        # Compress before encrypting: ciphertext does not compress.
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
    }


def _cipher_topic() -> str:
    # Both AES-GCM ciphers write the same bytes (nonce + tag + ciphertext), so a
    # store written with one is read by the other; prefer the `cryptography` one.
    if importlib.util.find_spec("cryptography") is not None:
        return "eventsourcing.cryptography:AESCipher"
    return "eventsourcing.cipher:AESCipher"
