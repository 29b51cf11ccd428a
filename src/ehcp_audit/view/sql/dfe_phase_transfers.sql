-- DfE "Number of phase transfers for EHC plans": the transfers whose reg 18 deadline (15 Feb or
-- 31 Mar) falls in the calendar year [$start, $end], from the compliance rows as of $end, and
-- the calendar year in which each one's final plan was issued (docs/formats-dfe.md).
WITH due AS (
    SELECT child_id, deadline, done_on, status
    FROM compliance
    WHERE measure = 'phase_transfer_deadline' AND status <> 'n/a'
      AND deadline BETWEEN $start AND $end
)
SELECT
    count(*) AS due,
    count(*) FILTER (done_on < $start) AS final_before,
    count(*) FILTER (done_on BETWEEN $start AND $end) AS final_in,
    count(*) FILTER (status = 'met') AS final_by_deadline,
    count(*) FILTER (status = 'missed' AND done_on IS NOT NULL) AS final_after_deadline,
    count(*) FILTER (done_on IS NULL) AS no_final_plan
FROM due;
