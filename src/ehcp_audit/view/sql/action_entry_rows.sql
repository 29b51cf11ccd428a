-- The rows of entry_rows.sql with one of the actions $actions (the DfE figures read three).
SELECT *
FROM ({entry_rows}) AS e
WHERE e.action IN (SELECT unnest(CAST($actions AS VARCHAR[])))
ORDER BY e.position
