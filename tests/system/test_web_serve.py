"""`ehcp-audit serve` and `ehcp-audit demo --serve` as real processes: the proxy's https makes
cookies Secure only behind --behind-proxy; the demo's printed password signs in."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.store_helpers import spawn
from tests.web_helpers import csrf_of, make_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {process.stderr.read() if process.stderr else ''}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("the server did not answer")


@contextmanager
def running(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_secure_cookies_only_behind_a_proxy_saying_https(
    tmp_path: Path, behind_proxy: bool
) -> None:
    store = make_store(tmp_path)
    port = free_port()
    flags = ["--behind-proxy"] if behind_proxy else []
    server = spawn(store.settings.db, "serve", "--port", str(port), *flags, cwd=tmp_path)
    with running(server):
        url = f"http://127.0.0.1:{port}/login"
        wait_for(url, server)
        plain = httpx.get(url).headers["set-cookie"]
        proxied = httpx.get(url, headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]
    assert "Secure" not in plain
    assert ("Secure" in proxied) is behind_proxy


def test_demo_serve_prints_a_password_that_signs_in(tmp_path: Path) -> None:
    port = free_port()
    db = str(tmp_path / "ehcp_audit.sqlite")
    demo = spawn(db, "demo", "--children", "10", "--serve", "--port", str(port), cwd=tmp_path)
    with running(demo):
        assert demo.stdout is not None
        lines = []
        for line in demo.stdout:
            lines.append(line)
            if line.startswith("(made for this run"):
                break
        password = lines[-2].strip()
        assert re.fullmatch(r"[A-Za-z0-9_-]{20}", password), lines
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/login", demo)
        with httpx.Client(base_url=url) as client:
            token = csrf_of(client.get("/login").text)
            signed = client.post(
                "/login", data={"username": "demo-la", "password": password, "csrf_token": token}
            )
            assert signed.status_code == 303
            first = client.get("/")  # a one-time password: chosen anew before anything else
            assert (first.status_code, first.headers["location"]) == (303, "/account/password")
            token = csrf_of(client.get("/account/password").text)
            own = "the demo user's own passphrase"
            changed = client.post(
                "/account/password",
                data={"current": password, "new": own, "again": own, "csrf_token": token},
            )
            assert changed.status_code == 303
            assert "Review compliance this month" in client.get("/").text
