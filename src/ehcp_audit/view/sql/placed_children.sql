-- The children ever placed at a setting: a row's setting is always one of its child's placements
-- (rules/cycles.py: a plan issued or a placement changed), so these children hold every row that
-- can name the setting as of any day. Voided placements are included (a superset is enough).
CREATE OR REPLACE TEMPORARY TABLE placed_children AS
SELECT DISTINCT child_id
FROM entries
WHERE action IN ('plan_issued', 'placement_changed')
  AND json_extract_string(details, '$.school_urn') = $school_urn;
