-- Base rows sent as text, a text per (child, cycle) (row_tuples.cycle_texts: a line per row,
-- split by chr(10); in a line the fields after child_id and cycle, split by chr(31), '' for
-- NULL), typed here by DuckDB rather than value by value from Python: a catch-up's changed
-- cycles (insert_cycle_texts.sql), a past day's judged ones (judged_texts.sql).
SELECT child_id, cycle,
       CAST(NULLIF(f[1], '') AS DATE) AS due_on, CAST(NULLIF(f[2], '') AS DATE) AS meeting_on,
       NULLIF(f[3], '') AS school_urn, f[4] AS measure,
       CAST(NULLIF(f[5], '') AS DATE) AS deadline, CAST(NULLIF(f[6], '') AS DATE) AS done_on,
       f[7] AS base, CAST(NULLIF(f[8], '') AS DATE) AS visible_from
FROM (
    SELECT child_id, cycle, string_split(line, chr(31)) AS f
    FROM (
        SELECT child_id, cycle, unnest(string_split(text, chr(10))) AS line
        FROM (
            SELECT unnest(CAST($children AS VARCHAR[])) AS child_id,
                   unnest(CAST($cycles AS INTEGER[])) AS cycle,
                   unnest(CAST($texts AS VARCHAR[])) AS text
        )
    )
)
