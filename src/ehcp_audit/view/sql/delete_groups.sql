-- The base rows of some groups of rows (rules.facts): each (child, cycle number) group is the
-- cycle's measure rows, the ($transfers) group the child's phase-transfer rows, whatever the
-- cycle they carry.
DELETE FROM base_rows
USING (
    SELECT unnest(CAST($children AS VARCHAR[])) AS child_id,
           unnest(CAST($groups AS INTEGER[])) AS grp
) AS gone
WHERE base_rows.child_id = gone.child_id
  AND CASE WHEN base_rows.measure = $transfer THEN $transfers ELSE base_rows.cycle END = gone.grp;
