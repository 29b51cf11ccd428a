-- Rows of children with nothing dated after the as-of day: stored base rows, resolved.
SELECT b.child_id, b.cycle, b.due_on, b.meeting_on, b.school_urn, b.measure, b.deadline, b.done_on,
       CASE WHEN b.base <> 'open' THEN b.base
            WHEN b.deadline IS NOT NULL AND b.deadline < $as_of THEN 'overdue'
            ELSE 'pending' END AS status
FROM base_rows b
JOIN children c USING (child_id)
WHERE c.last_on <= $as_of
  AND (b.visible_from IS NULL OR b.visible_from <= $as_of)
