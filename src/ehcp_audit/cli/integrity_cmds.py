"""`ehcp-audit verify` (the integrity chain) and `ehcp-audit keygen` (a cipher key)."""

from __future__ import annotations

import re
import sys

import click

from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings

EXIT_TAMPERED = 4


def _anchor(_: object, param: click.Parameter, value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    found = re.fullmatch(r"(\d+):([0-9a-fA-F]{64})", value.strip())
    if not found:
        raise click.BadParameter("use POSITION:HASH (a 64-digit hex head hash)", param=param)
    return int(found.group(1)), found.group(2)


@click.command("verify")
@click.option(
    "--expect",
    callback=_anchor,
    metavar="POSITION:HASH",
    help="Also check the chain still has this head hash at this position (one printed earlier, "
    "e.g. in an inspection pack): catches a log rewritten together with its chain.",
)
@click.option(
    "--rechain",
    is_flag=True,
    help="Chain the whole log as it is now (a store written before chaining existed). "
    "Accepts every entry as genuine: run a plain verify first.",
)
@click.pass_obj
def verify_command(settings: Settings, expect: tuple[int, str] | None, rechain: bool) -> None:
    """Check that no stored entry was altered, deleted or reordered.

    Recomputes the hash chain over every stored entry in log order. Exit status: 0 intact,
    4 not intact (the first entry that does not match is named), 1 the store cannot be read.
    """
    from ehcp_audit.store.check import check_anchor, not_intact, verify
    from ehcp_audit.store.check import rechain as rechain_log

    boot = wiring()
    boot.require_store()
    app = boot.open_app()
    if rechain:
        position = rechain_log(app)
        click.echo(
            f"notice: chained the whole log up to position {position} as it is now; "
            "changes made before this moment can no longer be detected",
            err=True,
        )
    verdict = verify(app)
    problem = verdict.problem
    if problem is None and expect is not None:
        problem = check_anchor(app, *expect)
    if problem is not None:
        click.echo(not_intact(problem, verdict.entries), err=True)
        sys.exit(EXIT_TAMPERED)
    head = verdict.head
    if head is None:
        click.echo("empty store: no entries are recorded yet, so there is nothing to verify")
        return
    where = f"head {head.hash.hex()} at position {head.position}"
    click.echo(f"intact: {verdict.entries} entries, {where} ({verdict.seconds:.1f} s)")


@click.command("keygen")
def keygen_command() -> None:
    """Print a new random cipher key for EHCP_AUDIT_CIPHER_KEY (keep it safe: without it the
    store cannot be read)."""
    from ehcp_audit.store.keys import new_key

    click.echo(new_key())


COMMANDS = [verify_command, keygen_command]
