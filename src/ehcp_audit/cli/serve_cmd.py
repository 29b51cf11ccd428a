"""`ehcp-audit serve`: the web application over the same store and compliance view."""

from __future__ import annotations

import logging
import os

import click

from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings

SESSION_KEY_ENV = "EHCP_AUDIT_SESSION_KEY"
PROXY_IPS_ENV = "EHCP_AUDIT_PROXY_IPS"


def run_server(
    settings: Settings, host: str, port: int, behind_proxy: bool, viewers_see_ids: bool
) -> None:
    import uvicorn

    from ehcp_audit.web.app import create_app

    boot = wiring()
    boot.require_store()
    key = os.environ.get(SESSION_KEY_ENV, "")
    app = create_app(
        settings,
        boot=boot,
        session_key=key.encode() if key else None,
        viewers_see_ids=viewers_see_ids,
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    click.echo("catching up the compliance view...", err=True)
    app.state.web.warm_up()
    click.echo(f"serving {settings.display_db} at http://{host}:{port}/ (Ctrl+C stops)", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=behind_proxy,
        forwarded_allow_ips=os.environ.get(PROXY_IPS_ENV, "127.0.0.1") if behind_proxy else None,
        server_header=False,
        log_level="info",
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="Trust X-Forwarded-For/-Proto from the reverse proxy (its address: "
    f"{PROXY_IPS_ENV}, default 127.0.0.1); cookies are Secure when it says https.",
)
@click.option(
    "--viewers-see-ids",
    is_flag=True,
    help="Show viewers the children's case references (default: pseudonyms).",
)
@click.pass_obj
def serve_command(
    settings: Settings, host: str, port: int, behind_proxy: bool, viewers_see_ids: bool
) -> None:
    """Serve the web application: the quality team's dashboard and each setting's work list.

    Users are added with `ehcp-audit users add`. Set EHCP_AUDIT_SESSION_KEY to keep users
    signed in across restarts (default: a new key each start).
    """
    run_server(settings, host, port, behind_proxy, viewers_see_ids)


COMMANDS = [serve_command]
