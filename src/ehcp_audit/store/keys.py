"""Cipher keys: make one (`ehcp-audit keygen`), and fail clearly when a store's key is wrong."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper

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


def plain_state(mapper: Mapper[Any], state: bytes) -> bytes:
    """A stored event's state decrypted and decompressed, as the mapper would."""
    if mapper.cipher is not None:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor is not None:
        state = mapper.compressor.decompress(state)
    return state


def check_key(app: Application[Any]) -> None:
    """Decode the first stored entry's state, so a wrong or missing key fails before any work
    is done. Its event class is not needed for that, so it is not loaded."""
    first = app.recorder.select_notifications(None, 1)
    if not first:
        return
    try:
        app.mapper.transcoder.decode(plain_state(app.mapper, first[0].state))
    except Exception as exc:  # the cipher, compressor and transcoder raise many kinds
        raise StoreError(unreadable(bool(app.env.get("CIPHER_KEY")))) from exc
