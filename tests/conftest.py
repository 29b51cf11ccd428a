"""Shared fixtures: PostgreSQL (a throwaway server, or EHCP_AUDIT_TEST_POSTGRES) and Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from ehcp_audit import clock
from tests import pg

# Every run starts at noon of the real (UTC) day, so a test never straddles midnight between
# computing "today" and the application reading it (a run that began at 23:55 failed that way).
clock.shift_to(datetime.combine(datetime.now(UTC).date(), time(12), tzinfo=UTC))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
POSTGRES_FIXTURES = {"postgres_server", "postgres_url", "fresh_postgres_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tag tests by the fixtures they use, so `-m "not postgres"` / `-m "not browser"` work."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg.Server]:
    """A throwaway PostgreSQL server on this machine (skips when there are no binaries)."""
    try:
        server = pg.start_server()
    except pg.PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> str:
    """A postgresql:// URL for the session: $EHCP_AUDIT_TEST_POSTGRES, else a throwaway server's."""
    external = os.environ.get("EHCP_AUDIT_TEST_POSTGRES")
    if external:
        return external
    server: pg.Server = request.getfixturevalue("postgres_server")
    return pg.create_database(server.url(), prefix="ehcp_test")


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A new, empty database on the session's server for this one test (dropped afterwards)."""
    url = pg.create_database(postgres_url)
    try:
        yield url
    finally:
        pg.drop_database(url, admin_url=postgres_url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store for this test: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite")
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium (the system one) driven by Playwright, shared by the session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install the Debian package `chromium`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
