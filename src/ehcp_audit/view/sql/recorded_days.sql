-- The business dates of the entries up to $at that stand (reports/coverage.recorded_days), each
-- once: an entry `voided_input` names is left out, a void is kept.
SELECT DISTINCT e.occurred_on
FROM entries e
ANTI JOIN voided_input v ON v.child_id = e.child_id AND v.version = e.version
WHERE e.position <= $at
ORDER BY e.occurred_on;
