-- Annual review meetings in the period whose attendees or topics the source did not record
-- (stored as the code not_recorded, as a one-code list, or left empty).
WITH meetings AS (
    SELECT position, child_id, occurred_on, source, source_row,
           COALESCE(json_extract_string(details, '$.attendees'), '') AS attendees,
           COALESCE(json_extract_string(details, '$.topics'), '') AS topics
    FROM entries
    WHERE action = 'meeting_held' AND NOT voided
      AND occurred_on >= $start AND occurred_on <= $end
)
SELECT position, child_id, occurred_on, source, source_row,
       attendees IN ('', 'not_recorded', '["not_recorded"]', '[]') AS attendees_not_recorded,
       topics IN ('', 'not_recorded', '["not_recorded"]', '[]') AS topics_not_recorded
FROM meetings
WHERE attendees IN ('', 'not_recorded', '["not_recorded"]', '[]')
   OR topics IN ('', 'not_recorded', '["not_recorded"]', '[]')
ORDER BY occurred_on, child_id, position;
