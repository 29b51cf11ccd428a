"""Where a report's reader finds the rulebook (docs/rulebook.md): each measure under an anchor
named by its code."""

from __future__ import annotations

import os
from typing import Final

# Relative to a report written to `reports/` of a checkout (the default `--out`). An authority
# that hands reports on sets EHCP_AUDIT_RULEBOOK_URL to where its readers can open the rulebook.
RULEBOOK_URL: Final = "../docs/rulebook.md"
RULEBOOK_URL_VARIABLE: Final = "EHCP_AUDIT_RULEBOOK_URL"


def rulebook_url(anchor: str = "") -> str:
    """The rulebook's address, at `anchor` (a measure code or a section's anchor) if given."""
    base = os.environ.get(RULEBOOK_URL_VARIABLE, "").strip() or RULEBOOK_URL
    return f"{base}#{anchor}" if anchor else base
