-- One child's audit trail in business-date order (ties: log position), voided entries included.
SELECT position, action, occurred_on, recorded_by, recorded_at, imported_at, source, source_row,
       details, voided, void_reason
FROM entries
WHERE child_id = $child_id
ORDER BY occurred_on, position;
