-- A kept day's rows of the children whose rows may no longer hold (kept_changed.sql):
-- they are judged again, or, with no entry after the day left (a void), read as settled.
DELETE FROM kept_rows
WHERE as_of = $as_of
  AND child_id IN ({changed});
