"""Where every command is attached to the group (one table, easy to find).

A command's module is imported only when that command runs (or `--help` lists them all): the
modules bring pandas, DuckDB and the web stack, and `ehcp-audit report school` should not pay
for `import tracker`'s or `serve`'s imports before it starts."""

from __future__ import annotations

import importlib
from typing import Any

import click

# Each top-level command, and the module (in ehcp_audit.cli) whose COMMANDS holds it.
COMMANDS: dict[str, str] = {
    "demo": "demo_cmd",
    "export": "export_cmds",
    "import": "import_cmds",
    "keygen": "integrity_cmds",
    "project": "export_cmds",
    "reconcile": "reconcile_cmds",
    "record": "record_cmds",
    "report": "report_cmds",
    "samples": "samples_cmds",
    "serve": "serve_cmd",
    "users": "users_cmds",
    "verify": "integrity_cmds",
    "void": "record_cmds",
}


def commands_of(module_name: str) -> list[click.Command]:
    module: Any = importlib.import_module(f"ehcp_audit.cli.{module_name}")
    return list(module.COMMANDS)


class LazyCommands(click.Group):
    """A group whose commands are loaded from COMMANDS on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for command in commands_of(COMMANDS[cmd_name]):
                self.add_command(command)
        return self.commands.get(cmd_name)
