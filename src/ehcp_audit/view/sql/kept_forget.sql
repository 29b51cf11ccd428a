-- What a kept day holds (kept_rows or kept_children) of the children whose rows may no longer
-- hold (kept_changed.sql) and of those just judged again: the judged are written again; the
-- others have no entry after the day left (a void) and are read as settled.
DELETE FROM {table}
WHERE as_of = $as_of
  AND (child_id IN ({changed}) OR child_id IN (SELECT child_id FROM judged_children));
