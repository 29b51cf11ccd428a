"""Accounts over a test store, with cheap Argon2 parameters (the defaults take 64 MiB a hash)."""

from __future__ import annotations

from argon2 import PasswordHasher

from ehcp_audit.accounts import Accounts
from ehcp_audit.accounts.passwords import Passwords
from ehcp_audit.bootstrap import open_accounts
from ehcp_audit.config import Settings

PASSWORD = "correct horse battery"


def cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def cheap_passwords() -> Passwords:
    return Passwords(cheap_hasher())


def accounts_at(db: str, passwords: Passwords | None = None) -> Accounts:
    return open_accounts(Settings(db=db), passwords or cheap_passwords())


def sign_ins(db: str) -> list[tuple[str, str, str]]:
    """(name, outcome, source) of every recorded attempt, in order."""
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as conn:
            rows = conn.execute("SELECT name, outcome, source FROM ehcp_sign_ins ORDER BY id")
            return [(r[0], r[1], r[2]) for r in rows.fetchall()]
    import sqlite3

    with sqlite3.connect(db) as conn:
        found = conn.execute("SELECT name, outcome, source FROM ehcp_sign_ins ORDER BY id")
        return found.fetchall()


def run_sql(db: str, statement: str) -> None:
    """One statement on the store's database, outside the accounts (a test's surgery)."""
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as conn:
            conn.execute(statement)
        return
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute(statement)
