"""The compliance view: a DuckDB file kept up to date from the event log (catch-up projector)."""
