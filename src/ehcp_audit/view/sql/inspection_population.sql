-- The children an inspection pack can sample: any compliance row whose period date falls between
-- $start and $end. With each, what the pack samples by: the setting of its latest row in the period
-- (its stratum; '' for none), every setting of its rows in the period, whether any of them is
-- missed or overdue ("late"), and whether a phase transfer falls in the period.
WITH dated AS (
    SELECT child_id, cycle, measure, status, COALESCE(school_urn, '') AS school_urn,
           COALESCE(deadline, done_on, meeting_on) AS period_date
    FROM compliance
)
SELECT child_id,
       arg_max(school_urn, (period_date, cycle, school_urn)) AS stratum,
       list_sort(list_distinct(list(school_urn))) AS settings,
       bool_or(status IN ('missed', 'overdue')) AS late,
       bool_or(measure = 'phase_transfer_deadline' AND status <> 'n/a') AS phase_transfer
FROM dated
WHERE period_date BETWEEN $start AND $end
GROUP BY child_id
ORDER BY child_id;
