-- The children a kept day's answer judges again (kept_answers.py): those with entries after
-- the day whose kept rows may no longer hold (kept_changed.sql), and those not judged when the
-- day was kept (they had nothing after it then).
SELECT child_id
FROM children
WHERE last_on > $as_of
  AND (child_id IN ({changed})
       OR child_id NOT IN (SELECT child_id FROM kept_children WHERE as_of = $as_of))
