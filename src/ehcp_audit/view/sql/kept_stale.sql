-- The children a kept day's answer judges again (kept_answers.py): those with entries after
-- the day whose kept rows may no longer hold (kept_changed.sql), and those with no kept rows
-- for the day (nothing after the day when it was kept, or no rows as of the day: a plan
-- issued later).
SELECT child_id
FROM children
WHERE last_on > $as_of
  AND (child_id IN ({changed})
       OR child_id NOT IN (SELECT child_id FROM kept_rows WHERE as_of = $as_of))
