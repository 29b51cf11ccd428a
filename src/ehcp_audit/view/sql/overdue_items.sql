-- Steps not done whose deadline has passed, as of the compliance rows' as-of date, oldest first.
-- `closed`: the step belongs to a review the child has moved past (a later cycle's annual meeting
-- is held); a phase transfer is owed whatever the cycle, so it is never closed.
WITH held AS (
    SELECT child_id, max(cycle) AS latest_held
    FROM compliance
    WHERE meeting_on IS NOT NULL
    GROUP BY child_id
)
SELECT c.child_id, c.cycle, c.school_urn, c.measure, c.deadline, c.status,
       date_diff('day', c.deadline, $as_of) AS days_late,
       coalesce(c.measure <> 'phase_transfer_deadline' AND c.cycle < h.latest_held, false) AS closed
FROM compliance AS c
LEFT JOIN held AS h USING (child_id)
WHERE c.status = 'overdue'
  AND ($school_urn IS NULL OR c.school_urn = $school_urn)
ORDER BY days_late DESC, c.deadline, c.child_id, c.cycle, c.measure;
