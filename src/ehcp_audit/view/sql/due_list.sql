-- Every step of the cycles whose review is due (review_on_time deadline) between $start and $end.
WITH due AS (
    SELECT child_id, cycle, school_urn, deadline AS due_on
    FROM compliance
    WHERE measure = 'review_on_time' AND deadline >= $start AND deadline <= $end
)
SELECT due.child_id, due.cycle, due.school_urn, due.due_on,
       c.measure, c.deadline, c.done_on, c.status
FROM due
JOIN compliance AS c ON c.child_id = due.child_id AND c.cycle = due.cycle
WHERE c.measure IN (SELECT unnest($measures))
ORDER BY due.school_urn, due.due_on, due.child_id, due.cycle, c.measure;
