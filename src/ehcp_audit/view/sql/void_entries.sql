-- Corrections recorded in the period: each void with the entry it cancels and its reason.
SELECT position, child_id, occurred_on, recorded_on, recorded_by, source, source_row,
       json_extract_string(details, '$.void_action') AS void_action,
       json_extract_string(details, '$.void_occurred_on') AS void_occurred_on,
       json_extract_string(details, '$.reason') AS reason
FROM entries
WHERE action = 'void' AND recorded_on >= $start AND recorded_on <= $end
ORDER BY position;
