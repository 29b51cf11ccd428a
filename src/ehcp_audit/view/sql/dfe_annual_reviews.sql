-- DfE "Number of annual reviews of EHC plans" for the calendar year [$start, $end], from the
-- compliance rows as of $end and the entries (docs/formats-dfe.md gives each reading).
-- A review is expected when a statutory 12-month period (review_decided_12_months) ends in the
-- year; it is completed by the LA's decision, as in SEN2's LastReview. One review per plan, as
-- DfE counts plans: the first period ending in the year that was still open when the year began
-- (after an early review the next period, which is owed, is not hidden), else the first one.
WITH in_force AS (
    SELECT child_id
    FROM entries
    WHERE NOT voided
    GROUP BY child_id
    HAVING min(occurred_on) FILTER (action = 'plan_issued') <= $end
       AND coalesce(min(occurred_on) FILTER (action = 'plan_ceased') >= $start, TRUE)
),
expected AS (
    SELECT child_id, cycle, deadline, done_on
    FROM compliance
    WHERE measure = 'review_decided_12_months' AND status <> 'n/a'
      AND deadline BETWEEN $start AND $end
      -- a period completed before its plan ceased stays done: no review is owed once it ceased
      AND child_id IN (SELECT child_id FROM in_force)
    QUALIFY row_number() OVER (
        PARTITION BY child_id ORDER BY coalesce(done_on < $start, FALSE), deadline, cycle
    ) = 1
),
completed AS (
    SELECT child_id, cycle, done_on FROM expected WHERE done_on BETWEEN $start AND $end
),
-- The decision that completed the period is the first one of cycle `cycle` or a later cycle,
-- so it is the done date of that cycle's decision_4_weeks row.
timeliness AS (
    SELECT c.child_id, arg_min(r.status, r.cycle) AS status
    FROM completed AS c
    JOIN compliance AS r
      ON r.child_id = c.child_id AND r.measure = 'decision_4_weeks'
     AND r.cycle >= c.cycle AND r.done_on = c.done_on
    GROUP BY c.child_id
),
outcomes AS (
    SELECT c.child_id,
           arg_min(json_extract_string(e.details, '$.decision'), e.position) AS decision
    FROM completed AS c
    JOIN entries AS e
      ON e.child_id = c.child_id AND e.action = 'decision_issued' AND NOT e.voided
     AND e.occurred_on = c.done_on
    GROUP BY c.child_id
)
SELECT
    (SELECT count(*) FROM in_force) AS total_ehc_plans,
    (SELECT count(*) FROM expected) AS review_expected,
    (SELECT count(*) FROM in_force WHERE child_id NOT IN (SELECT child_id FROM expected))
        AS review_not_expected,
    (SELECT count(*) FROM completed) AS review_completed,
    (SELECT count(*) FROM expected WHERE done_on < $start) AS review_completed_prior,
    (SELECT count(*) FROM expected WHERE done_on IS NULL) AS review_not_completed,
    (SELECT count(*) FROM outcomes WHERE decision = 'amend') AS outcome_amended,
    (SELECT count(*) FROM outcomes WHERE decision = 'cease') AS outcome_ceased,
    (SELECT count(*) FROM outcomes WHERE decision = 'maintain') AS outcome_maintained,
    (SELECT count(*) FROM completed WHERE child_id NOT IN (
        SELECT child_id FROM outcomes WHERE decision IN ('amend', 'cease', 'maintain')))
        AS no_outcome_recorded,
    (SELECT count(*) FROM timeliness WHERE status = 'met') AS decision_4_weeks,
    (SELECT count(*) FROM completed WHERE child_id NOT IN (
        SELECT child_id FROM timeliness WHERE status = 'met')) AS decision_over_4_weeks;
