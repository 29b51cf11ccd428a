"""Cipher keys: make one (`ehcp-audit keygen`), and fail clearly when a store's key is wrong."""

from __future__ import annotations

import base64
import secrets

from eventsourcing.application import Application
from eventsourcing.persistence import MapperDeserialisationError

from ehcp_audit.errors import StoreError

KEY_BYTES = 32  # AES-256-GCM


def new_key() -> str:
    """A fresh random key, base64-encoded, for EHCP_AUDIT_CIPHER_KEY."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def unreadable(has_key: bool) -> str:
    if has_key:
        return (
            "the cipher key (EHCP_AUDIT_CIPHER_KEY) does not open this store: it is the wrong "
            "key, or the store was written without encryption"
        )
    return "this store is encrypted: set EHCP_AUDIT_CIPHER_KEY to the key it was written with"


def check_key(app: Application) -> None:
    """Decode the first stored entry, so a wrong or missing key fails before any work is done."""
    first = app.recorder.select_notifications(None, 1)
    if not first:
        return
    try:
        app.mapper.to_domain_event(first[0])
    except MapperDeserialisationError as exc:
        raise StoreError(unreadable(bool(app.env.get("CIPHER_KEY")))) from exc
