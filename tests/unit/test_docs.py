"""Every command and every option is documented: it appears in README.md or a file of docs/
(as sqlite-utils' test_commands_are_documented)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from ehcp_audit.cli.main import _register, cli

ROOT = Path(__file__).resolve().parents[2]


def _documentation() -> str:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text("utf-8") for page in pages)


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{path} ")


_register()
COMMANDS = dict(_commands(cli))


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_is_documented(path: str) -> None:
    assert f"ehcp-audit {path}" in _documentation()


@pytest.mark.parametrize(
    ("path", "option"),
    sorted(
        (path, max(parameter.opts, key=len))
        for path, command in {"": cli, **COMMANDS}.items()
        for parameter in command.params
        if isinstance(parameter, click.Option) and parameter.opts != ["--help"]
    ),
)
def test_every_option_is_documented(path: str, option: str) -> None:
    assert option in _documentation(), f"`ehcp-audit {path} {option}` is in no document"
