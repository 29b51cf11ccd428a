"""Tamper evidence: a hash chain over the event log, written with each save, and its check.

See docs/integrity.md. The chained recorders (sqlite_recorder, postgres_recorder) are chosen
by `EhcpAudit.construct_env`; check.py recomputes the chain (`verify`, `rechain`,
`check_anchor`) and gives `head_hash` for reports. Nothing is imported here: opening a store
loads its recorder, not the check (which loads the event classes).
"""
