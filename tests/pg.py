"""Throwaway PostgreSQL servers for tests (initdb + pg_ctl in a temp dir).

Used by the fixtures in conftest.py. A server listens on 127.0.0.1 on a free
port, trusts every local connection, keeps its Unix socket in its own temp
dir, runs with fsync off, and is stopped and deleted at the end of the session.
initdb refuses to run as root, so as root the server runs as the `postgres`
system user if there is one, else as `nobody`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SUPERUSER = "postgres"
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "300",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


class PostgresUnavailable(Exception):
    """No PostgreSQL server binaries on this machine (tests skip with this reason)."""


def find_bindir() -> Path:
    """The directory holding initdb, pg_ctl and postgres, newest version first."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        # /usr/local/bin/initdb may be a symlink into /usr/lib/postgresql/N/bin.
        candidates.append(Path(on_path).resolve().parent)
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    versions.sort(key=lambda p: _version_key(Path(p).parent.name), reverse=True)
    candidates += [Path(p) for p in versions]
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl, postgres) in PATH or "
        "/usr/lib/postgresql/*/bin: install the Debian package `postgresql` "
        "(scripts/run-tests.sh does so when run as root), or set "
        "EHCP_AUDIT_TEST_POSTGRES=postgresql://user:pass@host:port/dbname"
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


@dataclass
class _RunAs:
    """Whom to run the server as: ourselves, or an unprivileged user when we are root."""

    uid: int | None = None
    gid: int | None = None
    name: str = ""

    @classmethod
    def for_current_process(cls) -> _RunAs:
        if os.geteuid() != 0:
            return cls()
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                entry = pwd.getpwnam(name)
                return cls(uid=entry.pw_uid, gid=entry.pw_gid, name=name)
        raise PostgresUnavailable("running as root and there is no `postgres` or `nobody` user")

    def run(self, *args: str | Path, cwd: Path, timeout: float = 120) -> str:
        kwargs: dict[str, Any] = {}
        if self.uid is not None:
            kwargs = {"user": self.uid, "group": self.gid, "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
        done = subprocess.run(
            [str(a) for a in args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
            )
        return done.stdout


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _temp_parent(run_as: _RunAs) -> str | None:
    """A temp dir the server's user can reach (root's TMPDIR may be private)."""
    base = Path(tempfile.gettempdir())
    if run_as.uid is None:
        return None
    for part in [base, *base.parents]:
        if not part.stat().st_mode & stat.S_IXOTH:
            return "/tmp"
    return None


@dataclass
class Server:
    root: Path
    bindir: Path
    port: int
    run_as: _RunAs
    startup_seconds: float = 0.0

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.run_as.run(
                self.bindir / "pg_ctl",
                "-D",
                self.datadir,
                "-m",
                "immediate",
                "-w",
                "stop",
                cwd=self.root,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> Server:
    """initdb + pg_ctl start on a free port; raises PostgresUnavailable or RuntimeError."""
    started = time.monotonic()
    bindir = find_bindir()
    run_as = _RunAs.for_current_process()
    root = Path(tempfile.mkdtemp(prefix="ehcp-pg-", dir=_temp_parent(run_as)))
    if run_as.uid is not None:
        os.chown(root, run_as.uid, run_as.gid or 0)
    server = Server(root=root, bindir=bindir, port=0, run_as=run_as)
    try:
        run_as.run(
            bindir / "initdb",
            "-D",
            server.datadir,
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
            cwd=root,
        )
        for attempt in range(3):
            server.port = _free_port()
            _write_settings(server)
            try:
                run_as.run(
                    bindir / "pg_ctl",
                    "-D",
                    server.datadir,
                    "-l",
                    root / "server.log",
                    "-w",
                    "-t",
                    "60",
                    "start",
                    cwd=root,
                )
                break
            except RuntimeError as exc:
                if attempt == 2:  # the port may have been taken in the meantime: retry
                    log = (root / "server.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"{exc}\nserver.log:\n{log}") from None
    except BaseException:
        server.stop()
        raise
    server.startup_seconds = time.monotonic() - started
    return server


def _write_settings(server: Server) -> None:
    settings = {
        **_SERVER_SETTINGS,
        "port": str(server.port),
        "unix_socket_directories": f"'{server.root}'",
    }
    # The last setting of a name in postgresql.conf wins, so appending again on a retry is fine.
    with (server.datadir / "postgresql.conf").open("a") as conf:
        conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))


def with_dbname(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


def create_database(url: str, prefix: str = "t") -> str:
    """CREATE DATABASE with a unique name on the server of `url`; return its URL."""
    import psycopg

    dbname = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return with_dbname(url, dbname)


def drop_database(url: str, admin_url: str) -> None:
    """Drop the database of `url`, closing any connection a test left open."""
    import psycopg

    dbname = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        except psycopg.errors.SyntaxError:  # server older than 13
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
