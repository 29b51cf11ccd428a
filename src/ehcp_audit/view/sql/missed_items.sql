-- Missed steps of a period (the rows counted as `missed` in its headline figures): period date
-- as in kpi_counts.sql. days_late is empty when the step was never done or has no deadline.
SELECT child_id, cycle, school_urn, measure, deadline, done_on, meeting_on,
       CASE WHEN done_on IS NOT NULL AND deadline IS NOT NULL
            THEN date_diff('day', deadline, done_on) END AS days_late
FROM compliance
WHERE status = 'missed'
  AND COALESCE(deadline, done_on, meeting_on) >= $start
  AND COALESCE(deadline, done_on, meeting_on) <= $end
  AND ($school_urn IS NULL OR school_urn = $school_urn)
ORDER BY measure, days_late DESC NULLS FIRST, deadline, child_id, cycle;
