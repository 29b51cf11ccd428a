-- The entries of the children with something dated after today (their rows are judged here, not
-- read from base_rows), as rule inputs (projector.ENTRY_FIELDS), by child and version.
SELECT child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on
FROM entries
WHERE child_id IN (SELECT child_id FROM children WHERE last_on > $today)
ORDER BY child_id, version;
