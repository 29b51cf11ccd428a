-- Every compliance row as of today, for the pages: the stored base rows of the children with nothing
-- dated after today, resolved as compliance_settled.sql does, and the rows judged for the others
-- (`web_open_rows`, a few children with a booking ahead). A view, so each page's filter reaches
-- base_rows: nothing of the whole authority is copied per request.
CREATE OR REPLACE TEMP VIEW compliance AS
SELECT b.child_id, b.cycle, b.due_on, b.meeting_on, NULLIF(TRIM(b.school_urn), '') AS school_urn,
       b.measure, b.deadline, b.done_on,
       CASE WHEN b.base <> 'open' THEN b.base
            WHEN b.deadline IS NOT NULL AND b.deadline < t.as_of THEN 'overdue'
            ELSE 'pending' END AS status
FROM base_rows b
JOIN children c USING (child_id)
CROSS JOIN web_today t
WHERE c.last_on <= t.as_of
  AND (b.visible_from IS NULL OR b.visible_from <= t.as_of)
UNION ALL
SELECT child_id, cycle, due_on, meeting_on, NULLIF(TRIM(school_urn), ''), measure, deadline,
       done_on, status
FROM web_open_rows;
