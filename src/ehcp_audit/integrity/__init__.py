"""Tamper evidence: a hash chain over the event log, written with each save, and its check.

See docs/integrity.md. The chained recorders (sqlite_recorder, postgres_recorder) are chosen
by `EhcpAudit.construct_env`; check.py recomputes the chain; `head_hash` is for reports.
"""

from __future__ import annotations

from ehcp_audit.integrity.check import (
    Problem,
    Verdict,
    check_anchor,
    head_hash,
    rechain,
    verify,
)

__all__ = ["Problem", "Verdict", "check_anchor", "head_hash", "rechain", "verify"]
