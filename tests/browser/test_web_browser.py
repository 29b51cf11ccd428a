"""The web application in headless Chromium against a real uvicorn server: signing in and out, an
LA user's round from the dashboard to a child and a recorded meeting, a school user's scope,
CSRF, hostile text shown as text, axe-core and a phone-width screen on every page."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ehcp_audit.bootstrap import Bootstrap
from ehcp_audit.web.app import create_app
from tests.browser_helpers import ARTIFACTS, serious_axe_findings
from tests.web_helpers import ALPHA, BETA, PASSWORD, XSS_SCHOOL, WebStore, make_store, meeting_row

pytestmark = pytest.mark.browser

XSS_REASON = "<img src=x onerror=\"document.title='pwned'\"> wrong child"


@dataclass(frozen=True)
class Server:
    url: str
    store: WebStore


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import uvicorn

    store = make_store(tmp_path_factory.mktemp("web-browser"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        create_app(store.settings), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", store)
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def new_page(browser: Any, width: int = 1280) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    return page


def sign_in(page: Any, server: Server, user: str) -> None:
    page.goto(server.url + "/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def check_axe(page: Any, name: str) -> None:
    serious = serious_axe_findings(page)
    assert not serious, f"{name}: " + "\n".join(serious)


def test_sign_in_and_out(browser: Any, server: Server) -> None:
    page = new_page(browser)
    try:
        page.goto(server.url + "/")
        assert page.url.startswith(server.url + "/login")
        page.fill("#username", "quality")
        page.fill("#password", "not the password")
        page.click("button[type=submit]")
        assert "Wrong user name or password." in page.inner_text("main")
        sign_in(page, server, "quality")
        assert page.url == server.url + "/"
        assert page.locator("h1").inner_text() == "Review compliance this month"
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        assert page.url.startswith(server.url + "/login")
        page.goto(server.url + "/")
        assert page.url.startswith(server.url + "/login")
    finally:
        page.close()


def review_status(page: Any) -> str:
    first_review = page.locator("table", has=page.locator("caption", has_text="Review 1,"))
    row = first_review.locator("tr", has_text="Review meeting held by the due date")
    return str(row.locator(".tag").inner_text())


def test_la_records_a_meeting_and_the_row_turns_met(browser: Any, server: Server) -> None:
    page = new_page(browser)
    try:
        sign_in(page, server, "quality")
        page.click("a[href='/schools/100001']")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Alpha Primary"
        page.click("a[href='/children/LA-0001']")
        page.wait_for_load_state()
        assert review_status(page) == "overdue"
        page.select_option("#action", "meeting_held")
        page.fill("#occurred_on", meeting_row()["occurred_on"])
        page.click("summary")
        page.check("input[name=attendees][value=parent_carer]")
        page.check("input[name=attendees][value=senco]")
        page.check("input[name=topics][value=important_to_child_family]")
        page.check("input[name=topics][value=next_steps]")
        page.get_by_role("button", name="Record", exact=True).click()
        page.wait_for_load_state()
        assert "Recorded." in page.inner_text("main")
        assert review_status(page) == "met"
        timeline = page.locator("tr", has_text="meeting_held").first.inner_text()
        assert "attendees: parent_carer;senco" in timeline and "quality" in timeline
    finally:
        page.close()


def test_school_user_sees_only_its_setting(browser: Any, server: Server) -> None:
    page = new_page(browser)
    try:
        sign_in(page, server, "senco")
        assert page.url == f"{server.url}/schools/{ALPHA}"
        assert "LA-0002" not in page.content() and "LA-0003" not in page.content()
        for path in (f"/schools/{BETA}", "/children/LA-0002", "/children/LA-0003"):
            answer = page.goto(server.url + path)
            assert answer.status == 404, path
            assert page.locator("h1").inner_text() == "Page not found"
        page.goto(server.url + "/children/LA-0001")
        offered = page.locator("#action option").all_inner_texts()
        assert "meeting_held" in offered and "decision_issued" not in offered
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        forged = page.request.post(
            server.url + "/children/LA-0001/record",
            form={
                "csrf_token": token,
                "action": "decision_issued",
                "occurred_on": meeting_row()["occurred_on"],
                "decision": "maintain",
            },
            max_redirects=0,
        )
        assert forged.status == 403
        other = page.request.post(
            server.url + "/children/LA-0002/record",
            form={"csrf_token": token, **meeting_row("LA-0002")},
            max_redirects=0,
        )
        assert other.status == 403
    finally:
        page.close()


def test_a_form_without_its_token_records_nothing(browser: Any, server: Server) -> None:
    page = new_page(browser)
    try:
        sign_in(page, server, "quality")
        page.goto(server.url + "/children/LA-0002")
        before = Bootstrap(server.store.settings).open_app().log_position()
        page.evaluate(
            "document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())"
        )
        page.fill("#reason", "no token")
        page.get_by_role("button", name="Void the entry").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "You cannot do this"
        assert Bootstrap(server.store.settings).open_app().log_position() == before
    finally:
        page.close()


def test_hostile_text_is_shown_as_text(browser: Any, server: Server) -> None:
    page = new_page(browser)
    try:
        sign_in(page, server, "quality")
        page.goto(server.url + f"/schools/{BETA}")
        assert page.locator("h1").inner_text() == XSS_SCHOOL
        page.goto(server.url + "/children/LA-0002")
        page.select_option("#entry", index=0)
        page.fill("#reason", XSS_REASON)
        page.get_by_role("button", name="Void the entry").click()
        page.wait_for_load_state()
        assert f"voided: {XSS_REASON}" in page.inner_text("main")
        assert page.title() != "pwned"
        assert page.locator("main img").count() == 0
        page.goto(server.url + "/schools")
        assert XSS_SCHOOL in page.inner_text("main")
    finally:
        page.close()


PAGES = {
    "login": ("", "/login"),
    "dashboard": ("quality", "/"),
    "schools": ("quality", "/schools"),
    "school": ("quality", f"/schools/{ALPHA}"),
    "work": ("quality", "/work?status=overdue"),
    "child": ("quality", "/children/LA-0003"),
    "school-user-child": ("senco", "/children/LA-0001"),
    "viewer-work": ("inspector", "/work"),
    "not-found": ("quality", "/children/NOBODY"),
    "imports": ("quality", "/imports"),
    "reports": ("quality", "/reports"),
    "password": ("quality", "/account/password"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible_and_fits_a_phone(browser: Any, server: Server, name: str) -> None:
    user, path = PAGES[name]
    for width in (1280, 390):
        page = new_page(browser, width)
        try:
            if user:
                sign_in(page, server, user)
            page.goto(server.url + path)
            assert page.locator("h1").count() == 1
            check_axe(page, name)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"web-{name}-{width}.png"), full_page=True)
        finally:
            page.close()


def test_a_first_sign_in_chooses_a_password_first(browser: Any, server: Server) -> None:
    from ehcp_audit.bootstrap import open_accounts

    accounts = open_accounts(server.store.settings)
    try:
        accounts.add("newcomer", "la", PASSWORD)  # as `users add` does: a one-time password
    finally:
        accounts.close()
    page = new_page(browser, 390)
    try:
        sign_in(page, server, "newcomer")
        assert page.url == server.url + "/account/password"
        assert page.locator("h1").inner_text() == "Change your password"
        page.goto(server.url + f"/schools/{ALPHA}")
        assert page.url == server.url + "/account/password"
        check_axe(page, "first sign-in")
        new = "my very own passphrase"
        page.fill("#current", PASSWORD)
        page.fill("#new", new)
        page.fill("#again", new + "!")
        page.get_by_role("button", name="Change my password").click()
        page.wait_for_load_state()
        assert "The two new passwords differ" in page.inner_text(".web-error-summary")
        check_axe(page, "refused change")
        page.fill("#current", PASSWORD)
        page.fill("#new", new)
        page.fill("#again", new)
        page.get_by_role("button", name="Change my password").click()
        page.wait_for_load_state()
        assert page.url == server.url + "/"
        assert "Your password is changed." in page.inner_text("main")
        page.goto(server.url + f"/schools/{ALPHA}")
        assert page.locator("h1").inner_text() == "Alpha Primary"
    finally:
        page.close()


def test_a_phone_shows_every_cell_of_the_child_page(browser: Any, server: Server) -> None:
    page = new_page(browser, 390)
    try:
        sign_in(page, server, "quality")
        page.goto(server.url + "/children/LA-0003")
        outside = page.evaluate(
            "[...document.querySelectorAll('main td')]"
            ".filter(td => td.getBoundingClientRect().right > window.innerWidth)"
            ".map(td => td.innerText)"
        )
        assert outside == [], f"cells beyond the screen's edge: {outside[:5]}"
        status = page.locator("td[data-label=Status]").first
        assert status.is_visible() and "Status" in status.evaluate(
            "td => getComputedStyle(td, '::before').content"
        )
    finally:
        page.close()
