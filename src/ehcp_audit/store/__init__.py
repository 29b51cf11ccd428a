"""The event store: its settings (env), cipher keys, the chained recorders (SQLite, PostgreSQL)
and the hash chain they write with each save, with its check (see docs/integrity.md).

Nothing is imported here: opening a store loads its recorder, not the check (which loads the
event classes).
"""
