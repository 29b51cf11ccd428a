"""The plan aggregate and the vocabulary of RULES.md section 1 (no I/O here)."""
