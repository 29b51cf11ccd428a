-- The rows just judged for a kept day (the relation the caller names, of compliance rows).
INSERT INTO kept_rows
SELECT $as_of, child_id, CAST(cycle AS INTEGER), CAST(due_on AS DATE), CAST(meeting_on AS DATE),
       CAST(school_urn AS VARCHAR), measure, CAST(deadline AS DATE), CAST(done_on AS DATE), status
FROM {rows};
