-- Give the compliance rows fixed column types whatever pandas inferred (an all-empty date column
-- arrives as type NULL), so that every query sees DATE, VARCHAR and INTEGER.
CREATE OR REPLACE TEMP TABLE compliance AS
SELECT
    CAST(child_id AS VARCHAR) AS child_id,
    CAST(cycle AS INTEGER) AS cycle,
    CAST(due_on AS DATE) AS due_on,
    CAST(meeting_on AS DATE) AS meeting_on,
    NULLIF(TRIM(CAST(school_urn AS VARCHAR)), '') AS school_urn,
    CAST(measure AS VARCHAR) AS measure,
    CAST(deadline AS DATE) AS deadline,
    CAST(done_on AS DATE) AS done_on,
    CAST(status AS VARCHAR) AS status
FROM compliance_input;
