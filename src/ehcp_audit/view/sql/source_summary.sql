-- Provenance: what each imported file contributed to the log.
SELECT source,
       count(*) AS entries,
       count(*) FILTER (WHERE voided) AS voided,
       count(*) FILTER (WHERE action = 'void') AS voids,
       count(DISTINCT child_id) AS children,
       min(imported_at) AS first_imported_at,
       max(imported_at) AS last_imported_at
FROM entries
GROUP BY source
ORDER BY first_imported_at, source;
