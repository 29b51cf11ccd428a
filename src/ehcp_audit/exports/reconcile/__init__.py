"""Reconciliation's files: the authority's own returns read in (their_list1.py, blade.py), the
differences with the log written out (differences.py); docs/formats.md, "Reconciliation"."""
