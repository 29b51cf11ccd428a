-- Where each entry of some children sits in the log (reconciliation names the entries behind
-- the log's values by their log position).
SELECT child_id, version, position
FROM entries
WHERE list_contains($children, child_id);
