-- Steps still pending whose deadline falls after the as-of date and on or before $until.
SELECT child_id, cycle, school_urn, measure, deadline, status,
       date_diff('day', $as_of, deadline) AS days_left
FROM compliance
WHERE status = 'pending'
  AND deadline > $as_of AND deadline <= $until
  AND ($school_urn IS NULL OR school_urn = $school_urn)
ORDER BY deadline, child_id, cycle, measure;
