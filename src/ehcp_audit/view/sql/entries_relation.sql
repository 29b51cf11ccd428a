-- Typed copy of the entry log; recorded_on is the date part of the source's recorded time, else of
-- the import time (RULES.md section 3: "an entry's recorded time").
CREATE OR REPLACE TEMP TABLE entries AS
SELECT
    CAST(position AS BIGINT) AS position,
    CAST(child_id AS VARCHAR) AS child_id,
    CAST(action AS VARCHAR) AS action,
    CAST(occurred_on AS DATE) AS occurred_on,
    NULLIF(CAST(recorded_by AS VARCHAR), '') AS recorded_by,
    NULLIF(CAST(recorded_at AS VARCHAR), '') AS recorded_at,
    CAST(imported_at AS VARCHAR) AS imported_at,
    CAST(source AS VARCHAR) AS source,
    CAST(source_row AS BIGINT) AS source_row,
    CAST(details AS VARCHAR) AS details,
    CAST(voided AS BOOLEAN) AS voided,
    NULLIF(CAST(void_reason AS VARCHAR), '') AS void_reason,
    COALESCE(
        TRY_CAST(LEFT(NULLIF(CAST(recorded_at AS VARCHAR), ''), 10) AS DATE),
        TRY_CAST(LEFT(CAST(imported_at AS VARCHAR), 10) AS DATE)
    ) AS recorded_on,
    TRY_CAST(LEFT(CAST(imported_at AS VARCHAR), 10) AS DATE) AS imported_on
FROM entries_input;
