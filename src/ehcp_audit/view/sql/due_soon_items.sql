-- Steps still pending whose deadline falls after the as-of date and on or before $until.
-- `closed` as in overdue_items.sql.
WITH held AS (
    SELECT child_id, max(cycle) AS latest_held
    FROM compliance
    WHERE meeting_on IS NOT NULL
    GROUP BY child_id
)
SELECT c.child_id, c.cycle, c.school_urn, c.measure, c.deadline, c.status,
       date_diff('day', $as_of, c.deadline) AS days_left,
       coalesce(c.measure <> 'phase_transfer_deadline' AND c.cycle < h.latest_held, false) AS closed
FROM compliance AS c
LEFT JOIN held AS h USING (child_id)
WHERE c.status = 'pending'
  AND c.deadline > $as_of AND c.deadline <= $until
  AND ($school_urn IS NULL OR c.school_urn = $school_urn)
ORDER BY c.deadline, c.child_id, c.cycle, c.measure;
