-- A catch-up's changed cycles, sent as text (the rows of cycle_text_rows.sql).
INSERT INTO base_rows
{rows}
