"""Helpers for the store tests (both stores, concurrency, crashes, integrity, encryption):
sample files, the CLI in-process or as a real OS process, and what a store holds."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from ehcp_audit.bootstrap import open_app, open_view
from ehcp_audit.cli.main import _register, cli
from ehcp_audit.config import Settings
from ehcp_audit.domain.import_log import ImportLog
from ehcp_audit.domain.plan import Plan
from ehcp_audit.samples import DEFAULT_END, SampleConfig, write_sample

_register()

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LA = REPO / "data" / "samples" / "sample_la.csv"
AS_OF = DEFAULT_END.isoformat()
# Variables a test must set itself, never inherit from whoever runs the suite.
PRIVATE_ENV = ("EHCP_AUDIT_DB", "EHCP_AUDIT_CIPHER_KEY", "EHCP_AUDIT_PSEUDONYM_KEY")


def generated(directory: Path, children: int, seed: int = 11, name: str = "") -> Path:
    """A generated action log (deterministic for the same arguments)."""
    path = directory / (name or f"sample_{children}_{seed}.csv")
    if not path.exists():
        write_sample(SampleConfig(children=children, schools=6, years=3, seed=seed), path)
    return path


def standard_sample(directory: Path) -> Path:
    """data/samples/sample_la.csv when the project has one, else a small generated log."""
    return SAMPLE_LA if SAMPLE_LA.exists() else generated(directory, 80)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def child_ids(path: Path) -> list[str]:
    """The file's children in order of first appearance."""
    return list(dict.fromkeys(r["child_id"] for r in read_rows(path)[1]))


# -- the CLI, in this process -------------------------------------------------------------------
def run(db: str, *args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """`ehcp-audit --db DB ARGS` in this process; a variable set to None in `env` is unset."""
    environment: dict[str, str | None] = dict.fromkeys(PRIVATE_ENV)
    environment.update(env or {})
    return CliRunner().invoke(cli, ["--db", db, *map(str, args)], env=environment)


def export(db: str, out: Path, *extra: str, env: dict[str, str] | None = None) -> str:
    result = run(db, "export", "compliance", "--as-of", AS_OF, "--out", out, *extra, env=env)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


# -- the CLI as a real OS process -----------------------------------------------------------------
def command(db: str, *args: str | Path, prelude: str = "") -> list[str]:
    """`ehcp-audit --db DB ARGS` as a process; `prelude` is Python run first (a test's patch)."""
    code = f"{prelude}\nfrom ehcp_audit.cli import main\nmain()\n"
    return [sys.executable, "-c", code, "--db", db, *map(str, args)]


def process_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.update(extra or {})
    return env


def spawn(
    db: str, *args: str | Path, prelude: str = "", cwd: Path, **env: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(db, *args, prelude=prelude),
        cwd=cwd,
        env=process_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_process(
    db: str, *args: str | Path, prelude: str = "", cwd: Path, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(db, *args, prelude=prelude),
        cwd=cwd,
        env=process_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# -- what a store holds ------------------------------------------------------------------------
def events_per_child(db: str, cipher_key: str | None = None) -> tuple[Counter[str], int]:
    """Stored events per child (its plan's Opened event included) and the number of import logs."""
    app = open_app(Settings(db=db, cipher_key=cipher_key))
    children: dict[str, str] = {}
    counts: Counter[str] = Counter()
    import_logs = 0
    for page in app.notifications_after(0):
        for _, event in page:
            if isinstance(event, ImportLog.Completed):
                import_logs += 1
                continue
            if isinstance(event, Plan.Opened):
                children[str(event.originator_id)] = event.child_id
            counts[children[str(event.originator_id)]] += 1
    app.close()
    return counts, import_logs


def compliance_csv(db: str, out: Path, cipher_key: str | None = None) -> str:
    """The compliance export as of AS_OF, computed in this process (view caught up first)."""
    settings = Settings(db=db, cipher_key=cipher_key)
    with open_view(settings) as view:
        view.catch_up()
        frame = view.compliance(DEFAULT_END)
        view.app.close()
    frame.to_csv(out, index=False, na_rep="", date_format="%Y-%m-%d", lineterminator="\n")
    return out.read_text(encoding="utf-8")
