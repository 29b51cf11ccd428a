"""The web application over HTTP (Starlette's TestClient): who may see and do what on every route,
CSRF, sign-in lockout, headers, error pages, and a web write equal to the same row imported."""

from __future__ import annotations

import re
import time
import warnings
from datetime import timedelta
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette prefers httpx2 for its test client
    from starlette.testclient import TestClient

from ehcp_audit import clock
from ehcp_audit.bootstrap import Bootstrap
from ehcp_audit.exports.pseudonyms import pseudonym
from ehcp_audit.ingest.importer import import_actions
from ehcp_audit.web.app import create_app
from tests.store_helpers import write_rows
from tests.web_helpers import (
    ALPHA,
    BETA,
    HEADER,
    PASSWORD,
    WebStore,
    csrf_of,
    make_store,
    meeting_row,
)

KEY = "k" * 32


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> WebStore:
    return make_store(tmp_path_factory.mktemp("web"))


def client_for(store: WebStore) -> TestClient:
    from dataclasses import replace

    settings = replace(store.settings, pseudonym_key=KEY)
    return TestClient(create_app(settings), raise_server_exceptions=False)


def signed_in(store: WebStore, user: str | None) -> TestClient:
    client = client_for(store)
    if user is not None:
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={"username": user, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    return client


def token(client: TestClient, path: str = "/login") -> str:
    return csrf_of(client.get(path).text)


def position(store: WebStore) -> int:
    return Bootstrap(store.settings).open_app().log_position()


GETS = [
    "/",
    "/work",
    "/schools",
    f"/schools/{ALPHA}",
    f"/schools/{BETA}",
    "/children/LA-0001",
    "/children/LA-0002",
    "/children/LA-0003",
    "/imports",
    "/reports",
]
# Expected status of each GET, by user (the viewer is asked for pseudonyms instead of ids).
EXPECTED_GETS = {
    None: [303] * 10,
    "quality": [200] * 10,
    "inspector": [200] * 8 + [403, 403],
    "senco": [303, 200, 200, 200, 404, 200, 404, 404, 403, 403],
}


def viewer_path(path: str) -> str:
    if path.startswith("/children/"):
        return "/children/" + pseudonym(path.rsplit("/", 1)[1], KEY.encode())
    return path


@pytest.mark.parametrize("user", list(EXPECTED_GETS))
def test_every_page_by_role(store: WebStore, user: str | None) -> None:
    client = signed_in(store, user)
    got = []
    for path in GETS:
        answer = client.get(
            viewer_path(path) if user == "inspector" else path, follow_redirects=False
        )
        got.append(answer.status_code)
    assert got == EXPECTED_GETS[user]


def test_anonymous_goes_to_sign_in_and_back(store: WebStore) -> None:
    client = signed_in(store, None)
    answer = client.get("/work?status=overdue", follow_redirects=False)
    assert answer.headers["location"] == "/login?next=%2Fwork%3Fstatus%3Doverdue"


def test_viewer_sees_pseudonyms_not_ids(store: WebStore) -> None:
    page = signed_in(store, "inspector").get("/work").text
    assert "LA-0001" not in page
    assert pseudonym("LA-0001", KEY.encode()) in page
    assert signed_in(store, "inspector").get("/children/LA-0001").status_code == 404
    child = signed_in(store, "inspector").get(viewer_path("/children/LA-0001"))
    assert child.status_code == 200 and "LA-0001" not in child.text
    assert "Record the next action" not in child.text


def test_school_lists_hold_only_its_children(store: WebStore) -> None:
    client = signed_in(store, "senco")
    for path in ("/work", f"/work?school={BETA}", f"/schools/{ALPHA}", "/schools"):
        page = client.get(path).text
        assert "LA-0001" in page or path == "/schools"
        assert "LA-0002" not in page and "LA-0003" not in page
        assert BETA not in page.replace(f"school={BETA}", "")


def _record(client: TestClient, child: str, row: dict[str, str], csrf: str | None) -> int:
    data: dict[str, object] = {k: v for k, v in row.items() if k not in ("child_id",)}
    for column in ("attendees", "topics"):
        if column in row:
            data[column] = row[column].split(";")
    if csrf is not None:
        data["csrf_token"] = csrf
    answer = client.post(f"/children/{child}/record", data=data, follow_redirects=False)
    return answer.status_code


WRITES = [
    ("LA-0001", "meeting_held"),  # a setting's own step, for its own child
    ("LA-0002", "meeting_held"),  # another setting's child
    ("LA-0001", "decision_issued"),  # the local authority's step
]
EXPECTED_WRITES = {
    "quality": [303, 303, 303],
    "inspector": [403, 403, 403],
    "senco": [303, 403, 403],
}


@pytest.mark.parametrize("user", list(EXPECTED_WRITES))
def test_every_write_by_role(tmp_path: Path, user: str) -> None:
    store = make_store(tmp_path)
    client = signed_in(store, user)
    csrf = token(client, "/schools")
    got = []
    for child, action in WRITES:
        row = (
            meeting_row(child)
            if action == "meeting_held"
            else {
                "action": "decision_issued",
                "occurred_on": meeting_row()["occurred_on"],
                "decision": "maintain",
            }
        )
        before = position(store)
        status = _record(client, child, {**row, "action": action}, csrf)
        got.append(status)
        if status == 403:
            assert position(store) == before, "a refused write recorded something"
    assert got == EXPECTED_WRITES[user]


def test_void_by_a_school_of_its_own_step_only(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    client = signed_in(store, "senco")
    csrf = token(client, "/schools")
    assert _record(client, "LA-0001", meeting_row(), csrf) == 303
    void = {"csrf_token": csrf, "reason": "wrong child"}
    plan_entry = "plan_issued|" + meeting_row()["occurred_on"]
    refused = client.post(
        "/children/LA-0001/void", data={**void, "entry": plan_entry}, follow_redirects=False
    )
    assert refused.status_code == 403
    through_record = {
        **void,
        "action": "void",
        "occurred_on": meeting_row()["occurred_on"],
        "void_action": "plan_issued",
        "void_occurred_on": plan_entry[12:],
    }
    sideways = client.post("/children/LA-0001/record", data=through_record, follow_redirects=False)
    assert sideways.status_code == 403
    meeting = "meeting_held|" + meeting_row()["occurred_on"]
    done = client.post(
        "/children/LA-0001/void", data={**void, "entry": meeting}, follow_redirects=False
    )
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert "voided: wrong child" in page


@pytest.mark.parametrize("csrf", [None, "not-the-token"])
def test_a_form_without_its_token_is_refused_and_records_nothing(
    store: WebStore, csrf: str | None
) -> None:
    client = signed_in(store, "quality")
    before = position(store)
    assert _record(client, "LA-0001", meeting_row(), csrf) == 403
    assert position(store) == before
    login = client.post("/login", data={"username": "quality", "password": PASSWORD})
    assert login.status_code == 403


def test_sign_out_is_a_form_and_ends_the_session(store: WebStore) -> None:
    client = signed_in(store, "quality")
    assert client.get("/logout").status_code == 405
    csrf = token(client, "/schools")
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_lockout_after_repeated_failures(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    client = client_for(store)
    csrf = token(client)
    for attempt in range(1, 6):
        wrong = client.post(
            "/login", data={"username": "quality", "password": "nope" * 4, "csrf_token": csrf}
        )
        assert wrong.status_code == (429 if attempt == 5 else 400)
        assert "Wrong user name or password." in wrong.text or attempt == 5
    right = client.post(
        "/login",
        data={"username": "quality", "password": PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert right.status_code == 429
    assert "Too many failed sign-ins" in right.text
    assert PASSWORD not in right.text


def test_session_cookie_and_security_headers(store: WebStore) -> None:
    client = client_for(store)
    answer = client.get("/login")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    csp = answer.headers["content-security-policy"]
    assert "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    secure = TestClient(create_app(store.settings), base_url="https://testserver")
    assert "Secure" in secure.get("/login").headers["set-cookie"]


def test_a_forged_cookie_is_not_a_session(store: WebStore) -> None:
    client = client_for(store)
    client.cookies.set("ehcp_session", "eyJ1c2VyIjoicXVhbGl0eSJ9.forged.sig")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_errors_show_an_id_never_a_traceback(
    store: WebStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from ehcp_audit.web import questions

    client = signed_in(store, "quality")

    def broken(*_: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(questions, "work_page", broken)
    answer = client.get("/work")
    assert answer.status_code == 500
    assert "secret internals" not in answer.text and "Traceback" not in answer.text
    error_id = answer.text.split("error id <code>")[1].split("<")[0]
    assert error_id in caplog.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_a_web_write_is_the_event_an_import_makes(tmp_path: Path) -> None:
    web_store = make_store(tmp_path / "web")
    csv_store = make_store(tmp_path / "csv", users=False)
    client = signed_in(web_store, "quality")
    assert _record(client, "LA-0001", meeting_row(), token(client, "/schools")) == 303
    log = write_rows(tmp_path / "one.csv", HEADER, [meeting_row()])
    assert import_actions(Bootstrap(csv_store.settings).open_app(), log).imported == 1

    def last_event(store: WebStore) -> dict[str, object]:
        timeline = Bootstrap(store.settings).open_app().timeline("LA-0001")
        return timeline[-1]

    from_web, from_csv = last_event(web_store), last_event(csv_store)
    assert from_web["recorded_by"] == "quality"
    assert str(from_web["recorded_at"]).startswith(clock.today().isoformat())
    assert str(from_web["source"]).startswith("web form")
    provenance = ("recorded_by", "recorded_at", "imported_at", "source", "source_row")
    assert {k: v for k, v in from_web.items() if k not in provenance} == {
        k: v for k, v in from_csv.items() if k not in provenance
    }


def test_a_rejected_form_shows_the_import_message_beside_the_field(store: WebStore) -> None:
    client = signed_in(store, "quality")
    csrf = token(client, "/schools")
    row = {**meeting_row(), "topics": ""}
    data = {
        "action": "meeting_held",
        "occurred_on": row["occurred_on"],
        "attendees": ["parent_carer"],
        "csrf_token": csrf,
    }
    answer = client.post("/children/LA-0001/record", data=data)
    assert answer.status_code == 400
    assert 'id="err-record-topics"' in answer.text


def test_an_upload_is_checked_then_imported_with_its_rejects(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    client = signed_in(store, "quality")
    csrf = token(client, "/imports")
    bad = {"child_id": "LA-0002", "action": "meeting_held", "occurred_on": "2024-13-40"}
    log = write_rows(tmp_path / "upload.csv", HEADER, [meeting_row(), bad])
    before = position(store)
    with log.open("rb") as handle:
        checked = client.post(
            "/imports",
            data={"csrf_token": csrf, "kind": "actions"},
            files={"file": ("upload.csv", handle, "text/csv")},
        )
    assert checked.status_code == 200, checked.text
    assert "would import 1, 0 duplicates skipped, 1 rejected" in checked.text
    assert "row 2: occurred_on:" in checked.text
    assert position(store) == before, "a dry run recorded something"
    upload = checked.text.split('name="upload" value="')[1].split('"')[0]
    rejects = client.get(f"/imports/{upload}/rejects.csv")
    assert rejects.status_code == 200 and "2024-13-40" in rejects.text
    done = client.post("/imports/confirm", data={"csrf_token": csrf, "upload": upload})
    assert "1 imported, 0 duplicates skipped, 1 rejected" in done.text
    assert position(store) > before
    child = client.get("/children/LA-0001").text
    assert "meeting_held" in child
    assert signed_in(store, "senco").get(f"/imports/{upload}/rejects.csv").status_code == 403


def test_a_report_is_made_and_downloaded(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    client = signed_in(store, "quality")
    csrf = token(client, "/reports")
    month = (clock.today() - timedelta(days=30)).strftime("%Y-%m")  # the placement's month
    made = client.post("/reports", data={"csrf_token": csrf, "kind": "monthly", "month": month})
    assert made.status_code == 200, made.text
    name = f"monthly-{month}.html"
    assert f"/reports/files/{name}" in made.text
    report = client.get(f"/reports/files/{name}")
    assert report.status_code == 200 and "LA-0001" in report.text
    assert client.get("/reports/files/..%2Fstore.sqlite").status_code == 404
    refused = client.post(
        "/reports", data={"csrf_token": csrf, "kind": "school", "month": month, "urn": "999999"}
    )
    assert refused.status_code == 400 and "no setting" in refused.text


def test_an_empty_month_is_refused_in_the_pages_words_then_made_anyway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ehcp_audit.view.report_source import ViewReportData

    def whole_log(self: ViewReportData) -> None:
        raise AssertionError("the coverage check loaded the whole entry log")

    monkeypatch.setattr(ViewReportData, "entries", whole_log)
    store = make_store(tmp_path)
    client = signed_in(store, "quality")
    csrf = token(client, "/reports")
    month = (clock.today() - timedelta(days=90)).strftime("%Y-%m")  # nothing recorded then
    asked = {"csrf_token": csrf, "kind": "monthly", "month": month}
    refused = client.post("/reports", data=asked)
    assert refused.status_code == 400, refused.text
    assert "Nothing is recorded with a date in" in refused.text
    assert "--allow-empty" not in refused.text
    assert "tick “Make it even if nothing is recorded for that period”" in refused.text
    assert 'id="anyway"' in refused.text and f'name="month" value="{month}"' in refused.text
    made = client.post("/reports", data={**asked, "anyway": "yes"})
    assert made.status_code == 200, made.text
    assert f"/reports/files/monthly-{month}.html" in made.text


def test_a_case_reference_with_a_slash_has_its_page_and_forms(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    client = signed_in(store, "senco")
    page = client.get("/children/LA/0004")
    assert page.status_code == 200 and 'action="/children/LA/0004/record"' in page.text
    assert _record(client, "LA/0004", meeting_row("LA/0004"), csrf_of(page.text)) == 303
    assert "meeting_held" in client.get("/children/LA/0004").text


def test_commands_run_beside_a_running_server(tmp_path: Path) -> None:
    """The server holds the view's file only during a request: a command that needs the view
    runs while the server is up, and a page asked while a command holds the view waits for it
    and then shows what the command's import recorded."""
    from tests.store_helpers import run_process, spawn

    store = make_store(tmp_path)
    client = signed_in(store, "quality")
    assert client.get("/work").status_code == 200
    done = run_process(
        store.settings.db, "project", cwd=tmp_path, timeout=120, EHCP_AUDIT_VIEW_WAIT="10"
    )
    assert done.returncode == 0, done.stderr
    log = write_rows(tmp_path / "late.csv", HEADER, [meeting_row("LA-0002")])
    holding = "import time\n" + (
        "from ehcp_audit.view import compliance_view as cv\n"
        "_open = cv.ComplianceView.__init__\n"
        "def slow(self, *a, **k):\n"
        "    _open(self, *a, **k)\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(2)\n"
        "cv.ComplianceView.__init__ = slow\n"
    )
    assert import_actions(Bootstrap(store.settings).open_app(), log).imported == 1
    command = spawn(store.settings.db, "project", prelude=holding, cwd=tmp_path)
    try:
        assert command.stdout is not None
        assert command.stdout.readline().strip() == "holding"
        started = time.monotonic()
        page = client.get("/children/LA-0002")
        waited = time.monotonic() - started
    finally:
        command.wait(timeout=120)
    assert command.returncode == 0, command.stderr.read() if command.stderr else ""
    assert page.status_code == 200 and "meeting_held" in page.text
    assert waited > 0.5, "the page did not wait for the command holding the view"


def test_a_meeting_recorded_on_either_store_shows_met(
    tmp_path: Path, store_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a PostgreSQL store's view lives in the working directory
    store = make_store(tmp_path, db=store_db)
    client = signed_in(store, "senco")
    page = client.get("/children/LA-0001")
    assert "overdue" in page.text.split("Review meeting held by the due date")[1][:300]
    assert _record(client, "LA-0001", meeting_row(), csrf_of(page.text)) == 303
    page = client.get("/children/LA-0001")
    review_1 = page.text.split("Review 1,")[1].split("</table>")[0]
    row = review_1.split("Review meeting held by the due date")[1][:300]
    assert "tag--met" in row


def test_a_child_with_an_entry_dated_ahead_keeps_its_rows(tmp_path: Path) -> None:
    """The view's stored rows answer a day on or after a child's last entry; a child with an
    entry dated after the server's today (recorded where the day had already begun: an import
    whose day of import was later) is judged as of today instead: still listed, still overdue."""
    store = make_store(tmp_path)
    ahead = (clock.today() + timedelta(days=3)).isoformat()
    booking = {
        "child_id": "LA-0001",
        "action": "review_scheduled",
        "occurred_on": ahead,
        "meeting_on": ahead,
    }
    log = write_rows(tmp_path / "ahead.csv", [*HEADER, "meeting_on"], [booking])
    app = Bootstrap(store.settings).open_app()
    later = clock.today() + timedelta(days=3)
    assert import_actions(app, log, today=later).imported == 1
    client = signed_in(store, "quality")
    page = client.get("/children/LA-0001").text
    row = page.split("Review meeting held by the due date")[1][:300]
    assert "tag--overdue" in row
    assert "LA-0001" in client.get("/work?status=overdue").text


def test_a_tracker_upload_with_its_mapping(tmp_path: Path) -> None:
    from tests.store_helpers import run

    store = make_store(tmp_path)
    tracker = tmp_path / "tracker.xlsx"
    made = run(
        store.settings.db,
        "samples",
        "generate",
        "--children",
        "10",
        "--schools",
        "2",
        "--out",
        tmp_path / "sample.csv",
        "--tracker",
        tracker,
    )
    assert made.exit_code == 0, made.output
    client = signed_in(store, "quality")
    csrf = token(client, "/imports")
    before = position(store)
    with tracker.open("rb") as sheet, tracker.with_suffix(".toml").open("rb") as mapping:
        checked = client.post(
            "/imports",
            data={"csrf_token": csrf, "kind": "tracker"},
            files={"file": ("tracker.xlsx", sheet), "mapping": ("tracker.toml", mapping)},
        )
    assert checked.status_code == 200, checked.text
    assert "would record" in checked.text and position(store) == before
    upload = checked.text.split('name="upload" value="')[1].split('"')[0]
    done = client.post("/imports/confirm", data={"csrf_token": csrf, "upload": upload})
    assert ": recorded " in done.text and position(store) > before


def test_the_work_list_filters_and_pages(store: WebStore) -> None:
    client = signed_in(store, "quality")
    everything = client.get("/work?status=overdue").text
    assert "LA-0001" in everything and "LA-0002" in everything
    setting = client.get(f"/work?status=overdue&school={BETA}").text
    assert "LA-0002" in setting and "LA-0001" not in setting

    def listed(path: str) -> str:
        page = client.get(path).text
        return page.split("<tbody>")[1] if "<tbody>" in page else ""

    the_la = listed("/work?status=overdue&owner=la")
    assert "Review decided within 12 months" in the_la
    assert "Review meeting held by the due date" not in the_la
    one = listed("/work?status=overdue&measure=review_on_time")
    assert one.count("Review meeting held by the due date") >= 2 and "Invitations sent" not in one
    early = (clock.today() - timedelta(days=400)).isoformat()
    assert "Nothing matches these filters." in client.get(f"/work?until={early}").text
    assert "Page 1 of" not in everything  # fewer than a page: no pager
    assert "Nothing matches" in client.get("/work?status=overdue&page=2").text


def test_a_long_list_is_paged_in_order(store: WebStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from ehcp_audit.web import filters, questions

    monkeypatch.setattr(filters, "PAGE_SIZE", 2)
    monkeypatch.setattr(questions, "PAGE_SIZE", 2)
    client = signed_in(store, "quality")
    first = client.get("/work?status=overdue").text
    assert "Showing 1–2 of" in first and "Page 1 of" in first
    assert 'href="/work?status=overdue&amp;page=2">Next page' in first
    second = client.get("/work?status=overdue&page=2").text
    assert "Showing 3–4 of" in second and "Previous page" in second
    rows = [page.split("<tbody>")[1].split("</tbody>")[0] for page in (first, second)]
    assert rows[0] != rows[1]


def test_the_record_form_offers_the_most_urgent_step_the_user_owns(store: WebStore) -> None:
    selected = re.compile(r'<option value="([a-z_]+)" selected>')
    for user in ("quality", "senco"):
        page = signed_in(store, user).get("/children/LA-0001").text
        # Nothing was done: the invitations (4 weeks before the due date) are the oldest step.
        assert selected.findall(page.split('id="action"')[1])[:1] == ["invitations_sent"], user
