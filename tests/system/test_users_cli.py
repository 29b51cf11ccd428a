"""`ehcp-audit users ...` (issue 20): passwords from stdin, the list, refusals with exit 2, both
stores; the users' tables leave `verify` and an encrypted store working."""

from __future__ import annotations

import base64
import os
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ehcp_audit.bootstrap import Bootstrap, open_accounts
from ehcp_audit.cli.main import cli
from tests.accounts_helpers import PASSWORD, accounts_at, cheap_passwords, sign_ins
from tests.store_helpers import PRIVATE_ENV, generated, run

KEY_ENV = "EHCP_AUDIT_CIPHER_KEY"


def users(db: str, *args: str, stdin: str = "", key: str | None = None) -> Result:
    """`ehcp-audit --db DB users ARGS` with cheap Argon2 parameters, `stdin` piped in."""
    env: dict[str, str | None] = dict.fromkeys(PRIVATE_ENV)
    env[KEY_ENV] = key
    boot = partial(Bootstrap, accounts_factory=lambda s: open_accounts(s, cheap_passwords()))
    return CliRunner().invoke(cli, ["--db", db, "users", *args], input=stdin, env=env, obj=boot)


def test_add_list_disable_reset(store_db: str) -> None:
    added = users(store_db, "add", "SENCO.1", "--role", "school", "--urn", "100001", stdin=PASSWORD)
    assert (added.exit_code, added.output) == (0, "added: senco.1 (school 100001)\n")
    assert users(store_db, "add", "quality", "--role", "la", stdin=f"{PASSWORD}\n").exit_code == 0
    accounts = accounts_at(store_db)
    try:
        accounts.sign_in("quality", PASSWORD, "127.0.0.1")
    finally:
        accounts.close()
    assert users(store_db, "disable", "senco.1").output == "disabled: senco.1\n"
    listed = users(store_db, "list")
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].split() == ["name", "role", "school", "active", "last", "sign-in", "(UTC)"]
    assert lines[1].split()[:4] == ["quality", "la", "-", "yes"]
    assert lines[2].split() == ["senco.1", "school", "100001", "no", "never"]
    assert "argon2" not in listed.output and PASSWORD not in listed.output
    reset = users(store_db, "reset-password", "quality", stdin="a new long password\n")
    assert (reset.exit_code, reset.output) == (0, "password reset: quality\n")
    accounts = accounts_at(store_db)
    try:
        assert accounts.sign_in("quality", "a new long password").role == "la"
    finally:
        accounts.close()
    assert ("quality", "password reset", "") in sign_ins(store_db)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "a/b", "--role", "la"], PASSWORD, "user name 'a/b' refused"),
        (["add", "ann", "--role", "school"], PASSWORD, "needs the school's URN (--urn)"),
        (["add", "ann", "--role", "school", "--urn", "12345"], PASSWORD, "6-digit school URN"),
        (["add", "ann", "--role", "viewer", "--urn", "100001"], PASSWORD, "give no --urn"),
        (["add", "ann", "--role", "la"], "too short", "at least 12 are needed"),
        (["add", "ann", "--role", "la"], "", "it has 0 characters"),
        (["add", "taken", "--role", "la"], PASSWORD, "a user named 'taken' already exists"),
        (["disable", "ghost"], "", "no user named 'ghost'"),
        (["reset-password", "taken"], "short", "at least 12 are needed"),
    ],
)
def test_refusals_exit_2_with_a_reason(
    tmp_path: Path, args: list[str], stdin: str, message: str
) -> None:
    db = str(tmp_path / "store.sqlite")
    assert users(db, "add", "taken", "--role", "viewer", stdin=PASSWORD).exit_code == 0
    result = users(db, *args, stdin=stdin)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and message in result.output
    assert "Traceback" not in result.output and PASSWORD not in result.output
    assert [line.split()[0] for line in users(db, "list").output.splitlines()] == ["name", "taken"]


def test_commands_that_change_a_user_need_a_store(tmp_path: Path) -> None:
    for args in (["list"], ["disable", "ann"], ["reset-password", "ann"]):
        result = users(str(tmp_path / "none.sqlite"), *args, stdin=PASSWORD)
        assert result.exit_code == 2
        assert "no store at" in result.output
    assert not (tmp_path / "none.sqlite").exists()


def test_the_real_hash_parameters(tmp_path: Path) -> None:
    db = str(tmp_path / "store.sqlite")
    env = dict.fromkeys(PRIVATE_ENV)
    added = CliRunner().invoke(
        cli, ["--db", db, "users", "add", "ann", "--role", "la"], input=PASSWORD, env=env
    )
    assert added.exit_code == 0, added.output
    import sqlite3

    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM ehcp_users").fetchone()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize("encrypted", [False, True])
def test_verify_and_the_cipher_key_with_users_beside_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "store.sqlite")
    key = base64.b64encode(os.urandom(32)).decode() if encrypted else None
    env = {KEY_ENV: key}
    assert run(db, "import", "actions", generated(tmp_path, 6), env=env).exit_code == 0
    before = run(db, "verify", env=env)
    assert users(db, "add", "ann", "--role", "la", stdin=PASSWORD, key=key).exit_code == 0
    after = run(db, "verify", env=env)
    assert after.exit_code == 0 and after.output.startswith("intact: ")
    assert after.output.split("(")[0] == before.output.split("(")[0]
    if encrypted:
        refused = users(db, "list")
        assert refused.exit_code == 1
        assert "this store is encrypted: set EHCP_AUDIT_CIPHER_KEY" in refused.output
