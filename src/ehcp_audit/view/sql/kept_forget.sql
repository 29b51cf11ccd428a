-- A kept day's rows of the children with entries after the position they were judged at: they
-- are judged again (kept_answers.py).
DELETE FROM kept_rows
WHERE as_of = $as_of
  AND child_id IN (SELECT child_id FROM entries WHERE position > $kept);
