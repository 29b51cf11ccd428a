-- The action entries of a page of the log, fields taken from each event's JSON state (parsed
-- once per event: one extraction of a list of paths; `details`, an object, comes back as its
-- JSON text). imported_at is the event's own timestamp (UTC); known_on is the date part of
-- recorded_at when the source gave one, else of imported_at (RULES.md "Status of a row",
-- --as-known-on).
INSERT INTO entries
WITH fields AS (
    SELECT e.position, p.child_id, e.version, a.action,
           json_extract_string(e.state, [
               '$.occurred_on', '$.recorded_by', '$.recorded_at', '$.timestamp._data_',
               '$.source', '$.source_row', '$.details'
           ]) AS f
    FROM page_events AS e
    JOIN topic_actions AS a ON a.topic = e.topic
    JOIN plans AS p ON p.plan_id = e.plan_id
), typed AS (
    SELECT position, child_id, version, action, f[7] AS details, f,
           COALESCE(f[3], '') AS recorded_at,
           make_timestamp(epoch_us(CAST(f[4] AS TIMESTAMPTZ))) AS imported_at
    FROM fields
)
SELECT position,
       child_id,
       version,
       action,
       CAST(f[1] AS DATE),
       details,
       f[2],
       recorded_at,
       imported_at,
       CASE WHEN recorded_at <> '' THEN CAST(substr(recorded_at, 1, 10) AS DATE)
            ELSE CAST(imported_at AS DATE) END,
       f[5],
       CAST(f[6] AS INTEGER)
FROM typed
ORDER BY position;
