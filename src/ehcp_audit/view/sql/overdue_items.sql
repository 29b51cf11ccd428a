-- Steps not done whose deadline has passed, as of the compliance rows' as-of date.
SELECT child_id, cycle, school_urn, measure, deadline, status,
       date_diff('day', deadline, $as_of) AS days_late
FROM compliance
WHERE status = 'overdue'
  AND ($school_urn IS NULL OR school_urn = $school_urn)
ORDER BY days_late DESC, deadline, child_id, cycle, measure;
