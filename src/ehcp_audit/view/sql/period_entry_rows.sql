-- The rows of entry_rows.sql that a month's data-quality checks read (reports/quality.py): the
-- entries recorded in [$start, $end] (recorded_on as entries_relation.sql reads it) or dated in
-- it; every void still applied (entry_rows' `voided_input` covers the whole log).
SELECT *
FROM ({entry_rows}) AS e
WHERE COALESCE(TRY_CAST(LEFT(NULLIF(e.recorded_at, ''), 10) AS DATE), CAST(e.imported_at AS DATE))
      BETWEEN $start AND $end
   OR e.occurred_on BETWEEN $start AND $end
ORDER BY e.position
