"""One import of a file: what it was, and what happened to each of its rows (provenance)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ehcp_audit.domain.streams import IMPORT_COMPLETED


class ImportLog(Aggregate):
    TOPIC = "ehcp_audit:ImportLog"

    class Event(Aggregate.Event):
        TOPIC = "ehcp_audit:ImportLog.Event"

    class Completed(Aggregate.Created):
        TOPIC = IMPORT_COMPLETED
        kind: str
        file_name: str
        sha256: str
        rows: int
        imported: int
        duplicates: int
        rejected: list[dict[str, Any]]

    def __init__(
        self,
        kind: str,
        file_name: str,
        sha256: str,
        rows: int,
        imported: int,
        duplicates: int,
        rejected: list[dict[str, Any]],
    ) -> None:
        self.kind = kind
        self.file_name = file_name
        self.sha256 = sha256
        self.rows = rows
        self.imported = imported
        self.duplicates = duplicates
        self.rejected = rejected

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return uuid4()
