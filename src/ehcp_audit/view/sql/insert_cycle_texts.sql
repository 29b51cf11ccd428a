-- Base rows sent as text, a text per (child, cycle) (records.cycle_texts: a line per row, split
-- by chr(10); in a line the fields after child_id and cycle, split by chr(31), '' for NULL): a
-- catch-up's changed cycles, typed here by DuckDB rather than value by value from Python.
INSERT INTO base_rows
SELECT child_id, cycle,
       CAST(NULLIF(f[1], '') AS DATE), CAST(NULLIF(f[2], '') AS DATE), NULLIF(f[3], ''), f[4],
       CAST(NULLIF(f[5], '') AS DATE), CAST(NULLIF(f[6], '') AS DATE), f[7],
       CAST(NULLIF(f[8], '') AS DATE)
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
);
