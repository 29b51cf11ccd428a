-- Children with any compliance row whose period date falls between $start and $end.
SELECT DISTINCT child_id
FROM compliance
WHERE COALESCE(deadline, done_on, meeting_on) BETWEEN $start AND $end
ORDER BY child_id;
