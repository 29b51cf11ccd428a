"""Where every command module is attached to the group (one list, easy to find)."""

from __future__ import annotations

import importlib

import click

_MODULES = (
    "ehcp_audit.cli.import_cmds",
    "ehcp_audit.cli.tracker_cmds",
    "ehcp_audit.cli.export_cmds",
    "ehcp_audit.cli.record_cmds",
    "ehcp_audit.cli.samples_cmds",
    "ehcp_audit.cli.report_cmds",
    "ehcp_audit.cli.demo_cmd",
    "ehcp_audit.cli.integrity_cmds",
)


def register(group: click.Group) -> None:
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for command in module.COMMANDS:
            group.add_command(command)
