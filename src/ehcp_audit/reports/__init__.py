"""Self-contained HTML reports built from the compliance rows and the entry log."""
