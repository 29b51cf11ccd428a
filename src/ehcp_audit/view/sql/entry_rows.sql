-- The entry log up to $at as the reports read it (reports.data.ReportData.entries): each entry
-- with whether a void cancels it and the void's reason (the relation `voided_input`, judged by
-- the rules for the children with a void), in log order.
SELECT e.position, e.child_id, e.action, e.occurred_on, e.details, e.recorded_by, e.recorded_at,
       e.imported_at, e.source, e.source_row,
       v.child_id IS NOT NULL AS voided, v.reason AS void_reason
FROM entries e
LEFT JOIN voided_input v ON v.child_id = e.child_id AND v.version = e.version
WHERE e.position <= $at
ORDER BY e.position
