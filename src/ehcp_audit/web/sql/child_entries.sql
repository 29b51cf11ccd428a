-- One child's entries, in business-date order (ties: log position), voids included.
SELECT child_id, version, action, occurred_on, details, recorded_by, recorded_at, known_on,
       position, imported_at, source, source_row
FROM entries
WHERE child_id = $child_id
ORDER BY occurred_on, position;
