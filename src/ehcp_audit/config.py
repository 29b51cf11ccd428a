"""One Settings object: where the store and the analytics files live, and the cipher key."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ehcp_audit.store.env import display_url, is_postgres_url


@dataclass(frozen=True)
class Settings:
    db: str = "ehcp_audit.sqlite"
    cipher_key: str | None = None
    pseudonym_key: str | None = None

    @classmethod
    def from_cli(cls, db: str) -> Settings:
        return cls(
            db=db,
            cipher_key=os.environ.get("EHCP_AUDIT_CIPHER_KEY") or None,
            pseudonym_key=os.environ.get("EHCP_AUDIT_PSEUDONYM_KEY") or None,
        )

    @property
    def is_postgres(self) -> bool:
        return is_postgres_url(self.db)

    @property
    def display_db(self) -> str:
        """The store as shown to users: a PostgreSQL password is never printed."""
        return display_url(self.db)

    @property
    def analytics_path(self) -> Path:
        """The DuckDB compliance view lives beside a SQLite store, or in the working directory.

        With a cipher key it lives in memory only: it holds child ids in clear, and DuckDB here
        cannot write an encrypted file without its httpfs extension (docs/integrity.md).
        """
        if self.cipher_key:
            return Path(":memory:")
        if self.is_postgres:
            digest = hashlib.sha256(self.db.encode()).hexdigest()[:12]
            return Path(f"ehcp_audit_view_{digest}.duckdb")
        return Path(self.db).with_suffix(".view.duckdb")
