-- Rows of the children judged again as of a day, resolved as in compliance_settled.sql: the
-- groups of rows judged just now (judged_rows, base rows) and the groups whose facts as of the
-- day are those their stored base rows were judged from (reused_groups: child_id and group,
-- a cycle's number or $transfers for the phase transfers, as in delete_groups.sql).
SELECT child_id, cycle, due_on, meeting_on, school_urn, measure, deadline, done_on,
       CASE WHEN base <> 'open' THEN base
            WHEN deadline IS NOT NULL AND deadline < $as_of THEN 'overdue'
            ELSE 'pending' END AS status
FROM (
    SELECT b.child_id, b.cycle, b.due_on, b.meeting_on, b.school_urn, b.measure, b.deadline,
           b.done_on, b.base, b.visible_from
    FROM base_rows b
    JOIN reused_groups r
      ON b.child_id = r.child_id
     AND CASE WHEN b.measure = $transfer THEN $transfers ELSE b.cycle END = r.cycle
    UNION ALL
    SELECT child_id, cycle, due_on, meeting_on, school_urn, measure, deadline, done_on, base,
           visible_from
    FROM judged_rows
)
WHERE visible_from IS NULL OR visible_from <= $as_of
