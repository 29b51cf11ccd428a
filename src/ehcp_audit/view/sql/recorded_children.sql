-- Which of the case references $children have any entry in the log.
SELECT DISTINCT child_id
FROM entries
WHERE list_contains($children, child_id)
ORDER BY child_id;
