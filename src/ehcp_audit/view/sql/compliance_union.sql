-- Compliance as of a day: the settled rows and the rows judged again (the queries the caller
-- puts in the FROMs below). Unsorted: an export sorts them per RULES.md (compliance_view's
-- RULES_ORDER); a report loads them into DuckDB and asks its own questions.
SELECT child_id, cycle, due_on, meeting_on, school_urn, measure, deadline, done_on, status
FROM (
    SELECT * FROM ({settled})
    UNION ALL
    SELECT child_id, CAST(cycle AS INTEGER), CAST(due_on AS DATE), CAST(meeting_on AS DATE),
           CAST(school_urn AS VARCHAR), measure, CAST(deadline AS DATE), CAST(done_on AS DATE),
           status
    FROM ({judged})
)
