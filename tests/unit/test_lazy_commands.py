"""Commands load on first use: the table names every command, and a command's start-up does not
pay for the others' imports."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import ehcp_audit.cli
from ehcp_audit.cli.commands import COMMANDS, commands_of


def test_the_table_names_every_command_of_every_module() -> None:
    declared: dict[str, str] = {}
    for info in pkgutil.iter_modules(ehcp_audit.cli.__path__):
        if info.name == "__main__":
            continue
        module = importlib.import_module(f"ehcp_audit.cli.{info.name}")
        if isinstance(getattr(module, "COMMANDS", None), list):
            for command in commands_of(info.name):
                assert command.name is not None
                declared[command.name] = info.name
    assert declared == COMMANDS


def _modules_loaded_by(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "from ehcp_audit.cli.main import main\n"
        f"sys.argv = ['ehcp-audit', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    return set(done.stderr.split())


def test_a_command_loads_only_its_own_module() -> None:
    loaded = _modules_loaded_by("verify", "--help")
    assert "ehcp_audit.cli.integrity_cmds" in loaded
    assert "ehcp_audit.cli.serve_cmd" not in loaded
    assert "ehcp_audit.cli.import_cmds" not in loaded
    assert "pandas" not in loaded
