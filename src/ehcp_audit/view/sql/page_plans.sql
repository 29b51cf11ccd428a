-- The plans opened in a page of the log: stream id (as the store gives it) -> child id.
INSERT INTO plans (plan_id, child_id)
SELECT plan_id, json_extract_string(state, '$.child_id')
FROM page_events
WHERE topic = $opened
ORDER BY position;
