"""File names built from identifiers that come from imported data."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_name(text: str) -> str:
    """Keep letters, digits, '-' and '_' so that an odd URN can never leave the output folder."""
    return _UNSAFE.sub("_", text).strip("_") or "none"
