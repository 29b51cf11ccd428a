-- The plans opened in a page of the log: stream id -> child id.
INSERT INTO plans (plan_id, child_id)
SELECT CAST(CAST(plan_id AS UUID) AS VARCHAR), json_extract_string(state, '$.child_id')
FROM page_events
WHERE topic = $opened
ORDER BY position;
