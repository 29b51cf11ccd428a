-- Entries recorded in the period more than $lag_days after the date they happened.
SELECT position, child_id, action, occurred_on, recorded_on,
       date_diff('day', occurred_on, recorded_on) AS lag_days, recorded_by, source, source_row
FROM entries
WHERE recorded_on >= $start AND recorded_on <= $end
  AND date_diff('day', occurred_on, recorded_on) > $lag_days
ORDER BY lag_days DESC, position;
