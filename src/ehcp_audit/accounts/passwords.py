"""Argon2id hashes (argon2-cffi's RFC 9106 defaults), and a dummy hash that an unknown name is
checked against, so that a wrong name costs the same time as a wrong password."""

from __future__ import annotations

import secrets
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)

    @cached_property
    def dummy_hash(self) -> str:
        return self.hasher.hash(secrets.token_urlsafe(24))

    def verify_dummy(self, password: str) -> bool:
        """Spend the time of a verification, for a name with no usable hash; always False."""
        self.verify(self.dummy_hash, password)
        return False
