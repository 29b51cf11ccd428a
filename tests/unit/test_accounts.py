"""Users and sign-in (issue 20): names, passwords, roles, no user enumeration, lockout timing,
every attempt recorded and logged without the password, re-hashing; SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from ehcp_audit import clock
from ehcp_audit.accounts import AccountError, Accounts, LockedOut, User
from ehcp_audit.accounts.passwords import Passwords
from tests.accounts_helpers import PASSWORD, accounts_at, cheap_hasher, run_sql, sign_ins

WRONG = "Wrong user name or password."


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "store.sqlite")


@pytest.fixture
def accounts(db: str) -> Iterator[Accounts]:
    opened = accounts_at(db)
    yield opened
    opened.close()


@pytest.fixture
def at_noon() -> Iterator[datetime]:
    """The clock runs from a known moment (put back afterwards)."""
    before = clock.now()
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    clock.shift_to(start)
    yield start
    clock.shift_to(before)


def test_add_get_and_list(accounts: Accounts) -> None:
    accounts.add("Senco.One@school.example", "school", PASSWORD, urn="123456")
    accounts.add("quality", "la", PASSWORD)
    assert accounts.get("SENCO.one@school.example") == User(
        "senco.one@school.example", "school", "123456", True, must_change=True
    )
    assert [u.name for u in accounts.all()] == ["quality", "senco.one@school.example"]
    assert accounts.get("nobody") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "urn", "reason"),
    [
        ("a b", "la", PASSWORD, None, "user name 'a b' refused"),
        ("x" * 65, "la", PASSWORD, None, "1 to 64 letters"),
        ("", "la", PASSWORD, None, "user name '' refused"),
        ("ann", "la", "eleven char", None, "it has 11 characters, at least 12"),
        ("longusername", "la", "LongUserName", None, "it is the user name"),
        ("ann", "school", PASSWORD, None, "needs the school's URN"),
        ("ann", "school", PASSWORD, "012345", "'012345' is not a 6-digit school URN"),
        ("ann", "la", PASSWORD, "123456", "an LA user sees every school"),
        ("ann", "viewer", PASSWORD, "123456", "a viewer user sees every school"),
        ("ann", "admin", PASSWORD, None, "role 'admin' refused"),
    ],
)
def test_refusals_give_a_reason(
    accounts: Accounts, name: str, role: str, password: str, urn: str | None, reason: str
) -> None:
    with pytest.raises(AccountError, match=reason) as refused:
        accounts.add(name, role, password, urn)  # type: ignore[arg-type]
    assert refused.value.exit_code == 2
    assert accounts.all() == []


def test_twelve_characters_of_one_class_are_enough(accounts: Accounts) -> None:
    assert accounts.add("ann", "viewer", "aaaaaaaaaaaa").active


def test_an_existing_name_is_refused(accounts: Accounts) -> None:
    accounts.add("ann", "la", PASSWORD)
    with pytest.raises(AccountError, match="a user named 'ann' already exists"):
        accounts.add("ANN", "viewer", "another long password")
    assert accounts.get("ann") == User("ann", "la", None, True, must_change=True)


def test_sign_in_refusals_all_read_alike(accounts: Accounts, db: str) -> None:
    accounts.add("ann", "la", PASSWORD)
    accounts.add("bob", "viewer", PASSWORD)
    accounts.disable("bob")
    signed_in = accounts.sign_in("Ann", PASSWORD, "10.0.0.1")
    assert signed_in == User("ann", "la", None, True, must_change=True)
    for name, password in [("ann", "wrong password!"), ("nobody", PASSWORD), ("bob", PASSWORD)]:
        with pytest.raises(AccountError) as refused:
            accounts.sign_in(name, password, "10.0.0.2")
        assert str(refused.value) == WRONG
        assert not isinstance(refused.value, LockedOut)
    assert sign_ins(db) == [
        ("ann", "success", "10.0.0.1"),
        ("ann", "wrong password", "10.0.0.2"),
        ("nobody", "unknown user", "10.0.0.2"),
        ("bob", "disabled user", "10.0.0.2"),
    ]


class _Spy(Passwords):
    def __init__(self) -> None:
        super().__init__(cheap_hasher())
        self.checked: list[str] = []

    def verify(self, stored: str, password: str) -> bool:
        self.checked.append(stored)
        return super().verify(stored, password)


def test_an_unknown_name_is_checked_against_the_dummy_hash(db: str) -> None:
    spy = _Spy()
    accounts = accounts_at(db, spy)
    try:
        for name in ("nobody", "not a valid name!"):
            with pytest.raises(AccountError, match=WRONG):
                accounts.sign_in(name, PASSWORD)
    finally:
        accounts.close()
    assert spy.checked == [spy.dummy_hash, spy.dummy_hash]


def test_a_longer_name_is_not_its_first_64_characters(accounts: Accounts) -> None:
    accounts.add("a" * 64, "la", PASSWORD)
    with pytest.raises(AccountError, match=WRONG):
        accounts.sign_in("a" * 65, PASSWORD)
    assert accounts.sign_in("A" * 64, PASSWORD).name == "a" * 64


def _fail(accounts: Accounts, name: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AccountError, match=WRONG):
            accounts.sign_in(name, "not the password")


def test_five_failures_in_fifteen_minutes_lock_the_name_for_fifteen_minutes(
    accounts: Accounts, db: str, at_noon: datetime
) -> None:
    accounts.add("ann", "la", PASSWORD)
    _fail(accounts, "ann", 4)
    clock.shift_to(at_noon + timedelta(minutes=10))
    with pytest.raises(LockedOut) as locked:
        accounts.sign_in("ann", "not the password")
    until = locked.value.until
    assert at_noon + timedelta(minutes=25) <= until < at_noon + timedelta(minutes=25, seconds=5)
    clock.shift_to(until - timedelta(seconds=2))
    with pytest.raises(LockedOut):
        accounts.sign_in("ann", PASSWORD)  # the right password is refused too
    clock.shift_to(until + timedelta(seconds=1))
    assert accounts.sign_in("ann", PASSWORD).name == "ann"
    outcomes = [outcome for _, outcome, _ in sign_ins(db)]
    assert outcomes == [*["wrong password"] * 5, "lockout", "refused: locked out", "success"]


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    accounts: Accounts, at_noon: datetime
) -> None:
    accounts.add("ann", "la", PASSWORD)
    _fail(accounts, "ann", 4)
    clock.shift_to(at_noon + timedelta(minutes=15, seconds=5))
    _fail(accounts, "ann", 1)
    assert accounts.sign_in("ann", PASSWORD).name == "ann"


def test_a_success_starts_the_count_again(accounts: Accounts, at_noon: datetime) -> None:
    accounts.add("ann", "la", PASSWORD)
    _fail(accounts, "ann", 4)
    accounts.sign_in("ann", PASSWORD)
    _fail(accounts, "ann", 4)
    assert accounts.sign_in("ann", PASSWORD).name == "ann"


def test_unknown_names_lock_alike_and_a_reset_unlocks(
    accounts: Accounts, at_noon: datetime
) -> None:
    _fail(accounts, "nobody", 4)
    with pytest.raises(LockedOut):
        accounts.sign_in("nobody", PASSWORD)
    accounts.add("ann", "la", PASSWORD)
    _fail(accounts, "ann", 4)
    with pytest.raises(LockedOut):
        accounts.sign_in("ann", "not the password")
    accounts.reset_password("ann", "a brand new password")
    assert accounts.sign_in("ann", "a brand new password").name == "ann"


def test_no_password_reaches_the_log(
    accounts: Accounts, at_noon: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ehcp_audit.accounts")
    accounts.add("ann", "la", PASSWORD)
    accounts.sign_in("ann", PASSWORD, "192.0.2.7")
    _fail(accounts, "ann", 4)
    with pytest.raises(LockedOut):
        accounts.sign_in("ann", "secret-guess-5")
    text = caplog.text
    assert "sign-in success: user 'ann' from '192.0.2.7'" in text
    assert text.count("sign-in wrong password: user 'ann'") == 5
    assert "sign-in lockout: user 'ann'" in text
    assert "not the password" not in text and "secret-guess" not in text
    assert PASSWORD not in text


def test_an_outdated_hash_is_replaced_at_sign_in(db: str) -> None:
    old = accounts_at(db)
    old.add("ann", "la", PASSWORD)
    old.close()
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    accounts = accounts_at(db, Passwords(stronger))
    try:
        accounts.sign_in("ann", PASSWORD)
    finally:
        accounts.close()
    import sqlite3

    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM ehcp_users").fetchone()
    assert stored.startswith("$argon2id$") and "m=16,t=2,p=1" in stored
    assert stronger.verify(stored, PASSWORD)


def test_disable_and_reset_name_an_unknown_user(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="no user named 'ghost'"):
        accounts.disable("ghost")
    with pytest.raises(AccountError, match="no user named 'ghost'"):
        accounts.reset_password("ghost", PASSWORD)


def test_both_stores_keep_users_and_lock_out(store_db: str, at_noon: datetime) -> None:
    accounts = accounts_at(store_db)
    try:
        accounts.add("senco", "school", PASSWORD, urn="100001")
        accounts.add("quality", "la", PASSWORD)
        assert accounts.sign_in("senco", PASSWORD, "10.0.0.9").urn == "100001"
        accounts.disable("quality")
        _fail(accounts, "quality", 4)
        with pytest.raises(LockedOut):
            accounts.sign_in("quality", PASSWORD)
        assert [(u.name, u.active) for u in accounts.all()] == [
            ("quality", False),
            ("senco", True),
        ]
        assert set(accounts.last_sign_ins()) == {"senco"}
    finally:
        accounts.close()
    again = accounts_at(store_db)
    try:
        clock.shift_to(at_noon + timedelta(minutes=1))
        with pytest.raises(LockedOut):  # the lockout is kept in the database, not in memory
            again.sign_in("quality", PASSWORD)
    finally:
        again.close()
    assert sign_ins(store_db)[0] == ("senco", "success", "10.0.0.9")


NEW = "my own long passphrase"


def test_a_password_set_for_the_user_is_changed_by_the_user(accounts: Accounts, db: str) -> None:
    assert accounts.add("quality", "la", PASSWORD).must_change
    assert accounts.sign_in("quality", PASSWORD).must_change  # signs in, then must change it
    changed = accounts.change_password("quality", PASSWORD, NEW, "10.0.0.9")
    assert not changed.must_change
    assert accounts.get("quality") == changed
    with pytest.raises(AccountError, match=WRONG):
        accounts.sign_in("quality", PASSWORD)
    assert not accounts.sign_in("quality", NEW).must_change
    assert accounts.reset_password("quality", "a reset passphrase").must_change
    assert accounts.get("quality").must_change  # type: ignore[union-attr]
    assert ("quality", "password changed", "10.0.0.9") in sign_ins(db)


@pytest.mark.parametrize(
    ("current", "new", "reason"),
    [
        ("not the password", NEW, "The current password is wrong."),
        (PASSWORD, "too short", "it has 9 characters, at least 12"),
        (PASSWORD, "QUALITYQUALI", "password refused"),
        (PASSWORD, PASSWORD, "not the one you were given"),
    ],
)
def test_a_change_is_refused_with_a_reason(
    accounts: Accounts, current: str, new: str, reason: str
) -> None:
    accounts.add("qualityquali", "la", PASSWORD)
    with pytest.raises(AccountError, match=reason):
        accounts.change_password("qualityquali", current, new)
    assert accounts.get("qualityquali").must_change  # type: ignore[union-attr]
    assert accounts.sign_in("qualityquali", PASSWORD)


def test_wrong_current_passwords_lock_out_as_sign_ins_do(
    accounts: Accounts, db: str, at_noon: datetime
) -> None:
    accounts.add("quality", "la", PASSWORD)
    _fail(accounts, "quality", 3)
    with pytest.raises(AccountError, match="The current password is wrong"):
        accounts.change_password("quality", "not it", NEW)
    with pytest.raises(LockedOut):
        accounts.change_password("quality", "not it either", NEW)
    with pytest.raises(LockedOut):  # locked: even the right password is refused
        accounts.change_password("quality", PASSWORD, NEW)
    with pytest.raises(LockedOut):
        accounts.sign_in("quality", PASSWORD)
    outcomes = [outcome for _, outcome, _ in sign_ins(db)]
    refused = "refused: locked out"
    assert outcomes[-4:] == ["wrong password", "lockout", refused, refused]


def test_tables_made_before_the_flag_gain_it(store_db: str) -> None:
    """Users who never signed in still hold the password someone else chose: they change it."""
    accounts = accounts_at(store_db)
    try:
        accounts.add("settled", "la", PASSWORD, one_time=False)
        accounts.add("newcomer", "viewer", PASSWORD, one_time=False)
        accounts.sign_in("settled", PASSWORD)
    finally:
        accounts.close()
    run_sql(store_db, "ALTER TABLE ehcp_users DROP COLUMN must_change")
    again = accounts_at(store_db)
    try:
        assert [(u.name, u.must_change) for u in again.all()] == [
            ("newcomer", True),
            ("settled", False),
        ]
        again.change_password("newcomer", PASSWORD, NEW)
    finally:
        again.close()
    third = accounts_at(store_db)  # finds the column: changes nothing
    try:
        assert [u.must_change for u in third.all()] == [False, False]
    finally:
        third.close()


def test_new_hashing_settings_rehash_without_changing_the_account(db: str) -> None:
    # A rehash keeps the same password: it must not end the user's other web sessions.
    first = accounts_at(db)
    try:
        added = first.add("ann", "la", PASSWORD, one_time=False)
        before = stored_hash(db)
    finally:
        first.close()
    stronger_settings = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    stronger = accounts_at(db, Passwords(stronger_settings))
    try:
        signed_in = stronger.sign_in("ann", PASSWORD)
        assert stored_hash(db) != before
        assert signed_in.changed_at == added.changed_at != ""
        assert stronger.get("ann").changed_at == added.changed_at  # type: ignore[union-attr]
    finally:
        stronger.close()


def stored_hash(db: str) -> str:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT password_hash FROM ehcp_users").fetchone()[0])
