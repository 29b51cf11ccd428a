-- The children whose kept rows for a day may no longer hold (kept_answers.py): those with an
-- entry after the log position the day was judged at that is dated on or before the day, or
-- is a void (whatever its own date, it may remove an entry dated on or before the day). An
-- entry dated after the day changes nothing as of the day.
SELECT child_id
FROM entries
WHERE position > $kept
  AND (occurred_on <= $as_of OR action = 'void')
