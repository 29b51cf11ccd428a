-- Steps of current reviews by status and measure, overdue ones and those due on or before $until
-- (the dashboard's "who owes what"); closed steps (view/sql/overdue_items.sql) are not counted.
WITH held AS (
    SELECT child_id, max(cycle) AS latest_held
    FROM compliance
    WHERE meeting_on IS NOT NULL
    GROUP BY child_id
)
SELECT c.measure,
       count(*) FILTER (WHERE c.status = 'overdue') AS overdue,
       count(*) FILTER (WHERE c.status = 'pending' AND c.deadline > $today
                        AND c.deadline <= $until) AS due_soon
FROM compliance AS c
LEFT JOIN held AS h USING (child_id)
WHERE NOT coalesce(c.measure <> 'phase_transfer_deadline' AND c.cycle < h.latest_held, false)
  AND c.status IN ('overdue', 'pending')
GROUP BY c.measure;
