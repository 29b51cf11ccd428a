-- Provenance (source_summary.sql) read on the view's entry log up to $at, without copying it:
-- each entry voided when `voided_input` (the rules' verdict for the children with a void) names
-- it; imported_at as the text the reports' entries relation gives.
WITH log AS (
    SELECT e.source, e.action, e.child_id, CAST(e.imported_at AS VARCHAR) AS imported_at,
           v.child_id IS NOT NULL AS voided
    FROM entries e
    LEFT JOIN voided_input v ON v.child_id = e.child_id AND v.version = e.version
    WHERE e.position <= $at
)
SELECT source,
       count(*) AS entries,
       count(*) FILTER (WHERE voided) AS voided,
       count(*) FILTER (WHERE action = 'void') AS voids,
       count(DISTINCT child_id) AS children,
       min(imported_at) AS first_imported_at,
       max(imported_at) AS last_imported_at
FROM log
GROUP BY source
ORDER BY first_imported_at, source;
