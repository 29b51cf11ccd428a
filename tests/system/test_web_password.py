"""One-time passwords over HTTP: a user whose password someone else chose is sent to
/account/password from every page until they choose their own there (CSRF, the password rules,
the current password checked and counted as at sign-in)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette prefers httpx2 for its test client
    from starlette.testclient import TestClient

from ehcp_audit.bootstrap import open_accounts
from ehcp_audit.web.app import create_app
from tests.accounts_helpers import sign_ins
from tests.web_helpers import ALPHA, PASSWORD, WebStore, csrf_of, make_store

NEW = "a passphrase of my own"
PAGE = "/account/password"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> WebStore:
    return make_store(tmp_path_factory.mktemp("web-password"))


def newcomer(store: WebStore, name: str, role: str = "la", urn: str | None = None) -> TestClient:
    """A client signed in as a new user `name`, whose password was set by `users add`."""
    accounts = open_accounts(store.settings)
    try:
        accounts.add(name, role, PASSWORD, urn)  # type: ignore[arg-type]
    finally:
        accounts.close()
    return signed_in_again(store, name, PASSWORD)


def change(client: TestClient, current: str, new: str, again: str | None = None) -> Any:
    csrf = csrf_of(client.get(PAGE).text)
    data = {"current": current, "new": new, "again": new if again is None else again}
    return client.post(PAGE, data={**data, "csrf_token": csrf}, follow_redirects=False)


def test_every_page_but_the_change_leads_to_it(store: WebStore) -> None:
    client = newcomer(store, "new.la")
    for path in ("/", "/work", "/schools", f"/schools/{ALPHA}", "/children/LA-0001", "/reports"):
        answer = client.get(path, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, PAGE), path
    csrf = csrf_of(client.get(PAGE).text)
    write = client.post(
        "/children/LA-0001/record",
        data={"csrf_token": csrf, "action": "meeting_held", "occurred_on": "2026-01-05"},
        follow_redirects=False,
    )
    assert (write.status_code, write.headers["location"]) == (303, PAGE)
    assert client.get("/static/web.css").status_code == 200
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "chosen for you by someone else" in page.text
    assert 'href="/work"' not in page.text  # no way on but the change (and signing out)
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login")


def test_the_change_opens_the_pages_and_replaces_the_password(store: WebStore) -> None:
    client = newcomer(store, "new.senco", "school", ALPHA)
    answer = change(client, PASSWORD, NEW)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    school = client.get("/")
    assert school.url.path == f"/schools/{ALPHA}"
    assert "Your password is changed." in school.text
    assert "Your password is changed." not in client.get("/").text  # said once
    assert 'href="/account/password">Change password' in school.text
    fresh = TestClient(create_app(store.settings), raise_server_exceptions=False)
    csrf = csrf_of(fresh.get("/login").text)
    for password, status in ((PASSWORD, 400), (NEW, 303)):
        login = fresh.post(
            "/login",
            data={"username": "new.senco", "password": password, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert login.status_code == status
    assert fresh.get("/", follow_redirects=False).headers["location"] == f"/schools/{ALPHA}"
    assert ("new.senco", "password changed", "testclient") in sign_ins(store.settings.db)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("not my password", NEW, NEW, "current", "The current password is wrong."),
        (PASSWORD, "short one", "short one", "new", "Password refused: it has 9 characters"),
        (PASSWORD, "new.viewer.one", "new.viewer.one", "new", "it is the user name"),
        (PASSWORD, PASSWORD, PASSWORD, "new", "not the one you were given"),
        (PASSWORD, NEW, NEW + "x", "again", "The two new passwords differ"),
    ],
)
def test_a_refused_change_says_why_beside_the_field(
    tmp_path: Path, current: str, new: str, again: str, field: str, message: str
) -> None:
    client = newcomer(make_store(tmp_path, users=False), "new.viewer.one", "viewer")
    answer = change(client, current, new, again)
    assert answer.status_code == 400
    text: str = answer.text
    assert f'id="err-{field}"' in text
    assert message in text
    assert NEW not in text and PASSWORD not in text
    assert client.get("/", follow_redirects=False).headers["location"] == PAGE  # not changed


def test_wrong_current_passwords_lock_out_and_sign_out(tmp_path: Path) -> None:
    store = make_store(tmp_path, users=False)
    client = newcomer(store, "new.la")
    for attempt in range(1, 6):
        answer = change(client, f"guess number {attempt}", NEW)
        assert answer.status_code == (429 if attempt == 5 else 400)
    assert "Too many wrong passwords" in answer.text
    assert client.get(PAGE, follow_redirects=False).headers["location"].startswith("/login")
    outcomes = [o for name, o, _ in sign_ins(store.settings.db) if name == "new.la"]
    assert outcomes == ["success", *["wrong password"] * 5, "lockout"]


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_a_change_without_its_token_changes_nothing(store: WebStore, csrf: str | None) -> None:
    name = f"new.csrf.{csrf}"
    client = newcomer(store, name)
    data = {"current": PASSWORD, "new": NEW, "again": NEW}
    if csrf:
        data["csrf_token"] = csrf
    assert client.post(PAGE, data=data).status_code == 403
    assert client.get("/", follow_redirects=False).headers["location"] == PAGE


def test_a_settled_user_may_change_theirs_too(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    client = TestClient(create_app(store.settings), raise_server_exceptions=False)
    csrf = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "quality", "password": PASSWORD, "csrf_token": csrf})
    page = client.get(PAGE)
    assert "Your current password" in page.text and "chosen for you" not in page.text
    assert change(client, PASSWORD, NEW).status_code == 303


def signed_in_again(store: WebStore, name: str, password: str) -> TestClient:
    client = TestClient(create_app(store.settings), raise_server_exceptions=False)
    csrf = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return client


def test_a_changed_password_signs_out_every_other_browser(store: WebStore) -> None:
    # A password changed because it leaked must not leave a browser signed in with the old one.
    desk = newcomer(store, "two.desks")
    assert change(desk, PASSWORD, NEW).status_code == 303
    other = signed_in_again(store, "two.desks", NEW)
    assert other.get("/", follow_redirects=False).status_code == 200
    assert change(desk, NEW, NEW + " again").status_code == 303
    assert desk.get("/", follow_redirects=False).status_code == 200  # the changer carries on
    gone = other.get("/work", follow_redirects=False)
    assert (gone.status_code, gone.headers["location"]) == (303, "/login?next=%2Fwork")


def test_a_reset_password_signs_out_the_user_everywhere(store: WebStore) -> None:
    client = newcomer(store, "reset.me")
    assert change(client, PASSWORD, NEW).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200
    accounts = open_accounts(store.settings)
    try:
        accounts.reset_password("reset.me", PASSWORD + " reset")
    finally:
        accounts.close()
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
