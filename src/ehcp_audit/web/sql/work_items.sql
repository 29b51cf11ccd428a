-- One page of a work list: compliance rows as of today filtered by setting, child scope, measures
-- and statuses; current reviews first (a step of a review the child has moved past is `closed`,
-- as in view/sql/overdue_items.sql), then overdue before pending, then by deadline.
WITH held AS (
    SELECT child_id, max(cycle) AS latest_held
    FROM compliance
    WHERE meeting_on IS NOT NULL
    GROUP BY child_id
), rows AS (
    SELECT c.*,
           coalesce(c.measure <> 'phase_transfer_deadline' AND c.cycle < h.latest_held, false)
               AS closed
    FROM compliance AS c
    LEFT JOIN held AS h USING (child_id)
    WHERE ($school_urn IS NULL OR c.child_id IN (
               SELECT child_id FROM web_placements WHERE school_urn = $school_urn))
      AND ($child_id IS NULL OR c.child_id = $child_id)
      AND c.measure IN (SELECT unnest($measures))
      AND c.status IN (SELECT unnest($statuses))
)
SELECT child_id, cycle, school_urn, measure, deadline, done_on, status, closed,
       count(*) OVER () AS total
FROM rows
ORDER BY closed, CASE status WHEN 'overdue' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END,
         deadline NULLS LAST, child_id, cycle, measure
LIMIT $limit OFFSET $offset;
