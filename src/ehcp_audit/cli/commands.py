"""Where every command module is attached to the group (one list, easy to find)."""

from __future__ import annotations

import click

from ehcp_audit.cli import (
    demo_cmd,
    export_cmds,
    import_cmds,
    integrity_cmds,
    reconcile_cmds,
    record_cmds,
    report_cmds,
    samples_cmds,
    serve_cmd,
    tracker_cmds,
    users_cmds,
)

_MODULES = (
    import_cmds,
    tracker_cmds,
    export_cmds,
    record_cmds,
    samples_cmds,
    serve_cmd,
    report_cmds,
    demo_cmd,
    integrity_cmds,
    reconcile_cmds,
    users_cmds,
)


def register(group: click.Group) -> None:
    for module in _MODULES:
        for command in module.COMMANDS:
            group.add_command(command)
