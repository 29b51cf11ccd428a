-- Every compliance row as of today with `closed`: a step of a review the child has moved past (a
-- later cycle's annual meeting is held), as in view/sql/overdue_items.sql; a phase transfer is
-- owed whatever the cycle, so it is never closed.
CREATE OR REPLACE TEMP VIEW web_all_items AS
WITH held AS (
    SELECT child_id, max(cycle) AS latest_held
    FROM compliance
    WHERE meeting_on IS NOT NULL
    GROUP BY child_id
)
SELECT c.child_id, c.cycle, c.school_urn, c.measure, c.deadline, c.done_on, c.status,
       coalesce(c.measure <> 'phase_transfer_deadline' AND c.cycle < h.latest_held, false)
           AS closed
FROM compliance AS c
LEFT JOIN held AS h USING (child_id);
