"""`ehcp-audit demo`: a sample authority, imported and reported on, in the working directory."""

from __future__ import annotations

from pathlib import Path

import click

from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.config import Settings


@click.command("demo")
@click.option("--children", type=click.IntRange(10, 20_000), default=300, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"))
@click.option(
    "--serve",
    is_flag=True,
    help="Then serve the web application on it, with a new password for the user demo-la.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.pass_obj
def demo_command(
    settings: Settings, children: int, seed: int, out: Path, serve: bool, port: int
) -> None:
    """Generate a sample authority (no real children), import it, and write its reports.

    Writes the sample action log to sample_la.csv, records it in the store (--db), and
    writes the monthly LA report, a school report, the inspection pack and a due list.
    Running it again adds nothing: every row is already recorded.
    """
    from ehcp_audit.cli.demo import run_demo

    check_outputs(settings, [("--out", out)], folder=True)
    check_outputs(settings, [("the sample log", Path.cwd() / "sample_la.csv")])
    result = run_demo(settings, Path.cwd(), children=children, seed=seed, out_dir=out, echo=_say)
    click.echo("")
    click.echo("Reports written (open them in a web browser):")
    width = max(len(label) for label, _ in result.reports)
    for label, path in result.reports:
        click.echo(f"  {label:{width}}  {path}")
    if serve:
        _serve(settings, port)


DEMO_USER = "demo-la"


def _serve(settings: Settings, port: int) -> None:
    """A local `la` user with a password made for this run (printed once, never stored in
    clear), then the server on 127.0.0.1."""
    import secrets

    from ehcp_audit.cli.serve_cmd import run_server
    from ehcp_audit.cli.wiring import wiring

    password = secrets.token_urlsafe(15)
    accounts = wiring().open_accounts()
    try:
        if accounts.get(DEMO_USER) is None:
            accounts.add(DEMO_USER, "la", password)
        else:
            accounts.reset_password(DEMO_USER, password)
    finally:
        accounts.close()
    click.echo("")
    click.echo(f"Sign in at http://127.0.0.1:{port}/ as {DEMO_USER} with the password")
    click.echo(f"  {password}")
    click.echo("(made for this run only, and for one sign-in: you then choose your own)")
    run_server(settings, "127.0.0.1", port, behind_proxy=False, viewers_see_ids=False)


def _say(message: str) -> None:
    click.echo(message, err=True)


COMMANDS = [demo_command]
