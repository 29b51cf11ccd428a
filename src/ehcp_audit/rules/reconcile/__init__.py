"""Reconciliation of an authority's own return with the log, as pure functions: what the log
says for each item of a return (log_side.py) and the differences (compare.py); docs/formats.md,
"Reconciliation"."""
