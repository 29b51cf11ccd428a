"""`ehcp-audit export annex-a`: Ofsted's Annex A, List 1 as of a day, with its validation checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ehcp_audit import clock
from ehcp_audit.cli.outputs import check_outputs
from ehcp_audit.cli.params import DAY
from ehcp_audit.cli.wiring import wiring
from ehcp_audit.config import Settings

if TYPE_CHECKING:
    from ehcp_audit.exports.annex_a import AnnexA
    from ehcp_audit.exports.people_csv import People

SHOWN_IDS = 5


@click.command("annex-a")
@click.option("--as-of", "as_of", type=DAY, help="Plans in force on this day (default: today).")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .xlsx file."
)
@click.option(
    "--people",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of the columns the log does not hold (UPN, gender, need...), by child_id; "
    "read, never stored. Columns: docs/formats.md.",
)
@click.pass_obj
def export_annex_a(settings: Settings, as_of: date | None, out: Path, people: Path | None) -> None:
    """Ofsted's Annex A List 1 (every plan in force), the step each child is owed, and checks."""
    from ehcp_audit.exports.annex_a import extract, write_annex_a
    from ehcp_audit.exports.people_csv import read_people

    check_outputs(settings, [("--out", out)], reads=[people] if people else [])
    boot = wiring()
    boot.require_store()
    day = as_of or clock.today()
    known = read_people(people) if people is not None else None
    with boot.checked_view()[0] as view:
        result = extract(view, day, known)
    write_annex_a(result, out)
    _summary(result, known, people, out)


def _ids(ids: list[str]) -> str:
    more = f" and {len(ids) - SHOWN_IDS:,} more" if len(ids) > SHOWN_IDS else ""
    return ", ".join(ids[:SHOWN_IDS]) + more


def _summary(result: AnnexA, known: People | None, people: Path | None, out: Path) -> None:
    def say(text: str) -> None:
        click.echo(text, err=True)

    say(
        f"Annex A List 1 as of {result.day:%d/%m/%Y}: {len(result.rows):,} children with a plan "
        f"in force; written to {out}"
    )
    if known is None or people is None:
        say("no --people file: UPN, ULN, gender, ethnicity, need and the other person columns "
            "are blank")  # fmt: skip
    else:
        for problem in known.problems:
            say(f"{people.name}: {problem}")
        if result.unmatched:
            say(f"{people.name}: {len(result.unmatched):,} child_id(s) have no plan in force on "
                f"the day, so are not on the list: {_ids(result.unmatched)}")  # fmt: skip
        if result.without_people:
            say(f"{people.name}: {result.without_people:,} children on the list have no row")
    by_rule: dict[str, list[str]] = {}
    for found in result.findings:
        by_rule.setdefault(f"{found.code} ({found.severity}) {found.message}", []).append(
            found.child_id
        )
    if not by_rule:
        say("validation: no rule found anything")
        return
    say(f"validation: {len(result.findings):,} findings (every one on the sheet Validation):")
    for rule, ids in by_rule.items():
        say(f"  {rule}: {len(ids):,} ({_ids(ids)})")
