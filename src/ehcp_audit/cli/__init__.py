"""Command line: a thin layer over the importable API (see bootstrap.py)."""

from __future__ import annotations

from ehcp_audit.cli.main import main

__all__ = ["main"]
