-- Where each entry of some children sits in the log (reconciliation names the entries behind
-- the log's values by their log position and the import file row they came from).
SELECT child_id, version, position, source, source_row
FROM entries
WHERE list_contains($children, child_id);
