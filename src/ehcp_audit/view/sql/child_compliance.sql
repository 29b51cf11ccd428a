SELECT cycle, due_on, meeting_on, school_urn, measure, deadline, done_on, status
FROM compliance
WHERE child_id = $child_id
ORDER BY cycle, measure, deadline NULLS FIRST;
