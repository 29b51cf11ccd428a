-- A past day's base rows judged again (compliance_view._judge), sent as text
-- (the rows of cycle_text_rows.sql), into the temporary table that
-- compliance_judged.sql reads.
CREATE OR REPLACE TEMP TABLE judged_rows AS
{rows}
