"""Where a report's figures come from: log position, integrity head, files, reproduce line."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from ehcp_audit.reports.data import ReportData, entry_rows, period_entry_rows, rejected_rows
from ehcp_audit.view.frames import register_entries, register_rejected
from ehcp_audit.view.queries import records

NOT_YET = "not yet available"
NOT_CHAINED = "not available: this store keeps no hash chain"


@dataclass(frozen=True)
class Source:
    name: str
    entries: int
    voided: int
    voids: int
    children: int
    first_imported_at: str
    last_imported_at: str


@dataclass(frozen=True)
class Provenance:
    as_of: date
    log_position: int
    head_hash: str
    entries: int
    voided: int
    rejected: int
    sources: tuple[Source, ...]
    reproduce: str
    verification: str = ""


def load_log(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    """Put the entry log and the rejected rows beside the compliance rows."""
    register_entries(con, entry_rows(data))
    register_rejected(con, rejected_rows(data))


def load_month_log(
    con: duckdb.DuckDBPyConnection, data: ReportData, start: date, end: date
) -> None:
    """load_log for a month's report, which reads of the entry log only its data-quality checks
    of [start, end] and provenance: where the store summarises its own sources, only the
    entries recorded or dated in the period are loaded (at authority scale a whole log is
    about a million rows copied twice)."""
    summarised = getattr(data, "source_summary", None) is not None
    register_entries(con, period_entry_rows(data, start, end) if summarised else entry_rows(data))
    register_rejected(con, rejected_rows(data))


def load_for_provenance(con: duckdb.DuckDBPyConnection, data: ReportData) -> None:
    """What `provenance` reads and nothing more (the school report): the rejected rows, and the
    entry log only where the store cannot summarise its own (source_rows)."""
    if getattr(data, "source_summary", None) is None:
        register_entries(con, entry_rows(data))
    register_rejected(con, rejected_rows(data))


def source_rows(con: duckdb.DuckDBPyConnection, data: ReportData) -> list[dict[str, Any]]:
    """What each imported file contributed to the log: read by the store where it offers it
    (`source_summary()`, optional: the view's reads its own log, no copy), else from the
    entries in `con` (load_log)."""
    cheaper = getattr(data, "source_summary", None)
    if cheaper is not None:
        rows: list[dict[str, Any]] = cheaper()
        return rows
    return records(con, "source_summary")


def reproduce_line(words: list[str], position: int) -> str:
    return shlex.join(["ehcp-audit", "report", *words, "--at-position", str(position)])


def provenance(
    con: duckdb.DuckDBPyConnection,
    data: ReportData,
    as_of: date,
    command: list[str],
    verify: bool = False,
) -> Provenance:
    """`command`: the report sub-command and its options, e.g. ['monthly', '--month', '2025-03'];
    `verify`: also check the whole log against its hash chain (the inspection pack)."""
    sources = tuple(
        Source(
            name=r["source"] or "",
            entries=r["entries"],
            voided=r["voided"],
            voids=r["voids"],
            children=r["children"],
            first_imported_at=r["first_imported_at"] or "",
            last_imported_at=r["last_imported_at"] or "",
        )
        for r in source_rows(con, data)
    )
    position = data.log_position()
    return Provenance(
        as_of=as_of,
        log_position=position,
        head_hash=data.head_hash() or NOT_YET,
        entries=sum(s.entries for s in sources),
        voided=sum(s.voided for s in sources),
        rejected=records(con, "rejected_count")[0]["rejected"],
        sources=sources,
        reproduce=reproduce_line(command, position),
        verification=(data.verification() or NOT_CHAINED) if verify else "",
    )
