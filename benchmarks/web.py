"""Latency of the web application's pages on a large authority (issue 20: under 300 ms median).

    python benchmarks/web.py [--workdir DIR] [--children 20000] [--rounds 30]

Builds the store in DIR as benchmarks/run.py does (`samples generate`, `import actions`,
`project`) unless DIR already holds store.sqlite; starts `ehcp-audit serve` on a free local port
in its own process, signs in as an `la` user and requests the dashboard, a setting's page and a
child's page `--rounds` times each, round-robin (after one warm-up round), over one HTTP
connection; prints the median and 95th percentile of each page's time to the last byte.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CLI = [sys.executable, "-m", "ehcp_audit.cli"]


def cli(db: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [*CLI, "--db", str(db), *args], input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout + done.stderr


def build(work: Path, children: int) -> Path:
    store = work / "store.sqlite"
    if store.exists():
        return store
    log = work / "actions.csv"
    subprocess.run(
        [
            *CLI,
            "samples",
            "generate",
            "--children",
            str(children),
            "--schools",
            "400",
            "--years",
            "3",
            "--seed",
            "1",
            "--end",
            "2026-10-31",
            "--out",
            str(log),
        ],
        check=True,
    )
    cli(store, "import", "actions", str(log))
    cli(store, "project")
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            httpx.get(url + "/login", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not answer within a minute")


def sign_in(client: httpx.Client, name: str, password: str) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no sign-in form"
    answer = client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303, answer.status_code


def pages(client: httpx.Client) -> dict[str, str]:
    """The busiest setting (most children placed there) and its first listed child."""
    schools = client.get("/schools").text
    urn = re.search(r'href="/schools/(\d+)"', schools)
    assert urn, "no settings listed"
    school = f"/schools/{urn.group(1)}"
    child = re.search(r'href="(/children/[^"]+)"', client.get(school).text)
    assert child, "no child listed"
    return {"dashboard": "/", "school": school, "child": child.group(1)}


def measure(client: httpx.Client, paths: dict[str, str], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in paths}
    for round_ in range(rounds + 1):
        for name, path in paths.items():
            start = time.perf_counter()
            answer = client.get(path)
            elapsed = time.perf_counter() - start
            assert answer.status_code == 200, (path, answer.status_code)
            if round_:  # the first round warms up (last month's figures, the kept tables)
                times[name].append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ehcp-web-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    store = build(work, args.children)
    name, password = f"bench-{secrets.token_hex(3)}", secrets.token_urlsafe(18)
    cli(store, "users", "add", name, "--role", "la", stdin=f"{password}\n{password}\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*CLI, "--db", str(store), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "EHCP_AUDIT_SESSION_KEY": secrets.token_hex(32)},
    )
    try:
        wait_until_up(url, server)
        with httpx.Client(base_url=url, timeout=120.0) as client:
            sign_in(client, name, password)
            paths = pages(client)
            times = measure(client, paths, args.rounds)
    finally:
        server.terminate()
        server.wait(timeout=30)
        cli(store, "users", "disable", name)
    print(f"\n{args.children:,} children; {args.rounds} requests per page after one warm-up\n")
    print(f"{'page':12} {'median ms':>10} {'p95 ms':>8}")
    for page, seconds in times.items():
        ordered = sorted(seconds)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(f"{page:12} {statistics.median(ordered) * 1000:10.0f} {p95 * 1000:8.0f}")


if __name__ == "__main__":
    main()
