"""The rulebook (RULES.md sections 2-3) as pure functions: no I/O, only the standard library."""
