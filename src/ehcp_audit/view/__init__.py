"""The compliance view: a DuckDB file kept up to date from the event log (catch-up projector),
and the named SQL files (sql/) that answer the reports' questions from it."""
