"""Pseudonymised output for sharing outside the authority: child ids become keyed hashes.

`P-` + the first 16 hex digits of HMAC-SHA256(key, child_id): the same key gives the same
pseudonym in every export (so files can be joined), and without the key a pseudonym cannot be
turned back into a child id, nor checked against a guessed one.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from ehcp_audit.errors import EhcpAuditError

ENV = "EHCP_AUDIT_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16


def pseudonym(child_id: str, key: bytes) -> str:
    return "P-" + hmac.new(key, child_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonym_key(value: str | None) -> bytes:
    """The key from EHCP_AUDIT_PSEUDONYM_KEY (required with --pseudonymise)."""
    if not value:
        raise EhcpAuditError(f"--pseudonymise needs a key: set {ENV} (e.g. `ehcp-audit keygen`)")
    if len(value) < MIN_KEY_LENGTH:
        raise EhcpAuditError(f"{ENV} is too short: use at least {MIN_KEY_LENGTH} characters")
    return value.encode("utf-8")


def pseudonymise(frame: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """A copy with `child_id` replaced by pseudonyms, rows ordered by pseudonym (a stable sort,
    so each child's rows keep their order; the original order would hint at the ids)."""
    if "child_id" not in frame.columns:
        return frame
    ids = frame["child_id"]
    mapping = {c: pseudonym(c, key) for c in ids.dropna().unique()}
    out = frame.assign(child_id=ids.map(mapping))
    return out.sort_values("child_id", kind="stable").reset_index(drop=True)
