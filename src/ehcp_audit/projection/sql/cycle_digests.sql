-- The stored base rows of some children, one digest per (child, cycle): what a new judgement
-- is compared with, so that only changed cycles are rewritten. records.cycle_digests makes the
-- same text in Python: each row's fields after (child_id, cycle), NULL as '', joined by
-- chr(31); the lines sorted and joined by chr(10). A difference in the text only costs a
-- rewrite of rows that had not changed.
SELECT child_id, cycle, md5(string_agg(line, chr(10) ORDER BY line)) AS digest
FROM (
    SELECT child_id, cycle,
           concat(due_on, chr(31), meeting_on, chr(31), school_urn, chr(31), measure, chr(31),
                  deadline, chr(31), done_on, chr(31), base, chr(31), visible_from) AS line
    FROM base_rows
    WHERE child_id IN (SELECT unnest(CAST($children AS VARCHAR[])))
)
GROUP BY child_id, cycle;
