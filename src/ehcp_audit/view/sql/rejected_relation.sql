CREATE OR REPLACE TEMP TABLE rejected_rows AS
SELECT
    CAST(imported_at AS VARCHAR) AS imported_at,
    TRY_CAST(LEFT(CAST(imported_at AS VARCHAR), 10) AS DATE) AS imported_on,
    CAST(source AS VARCHAR) AS source,
    CAST("row" AS BIGINT) AS "row",
    CAST(error AS VARCHAR) AS error
FROM rejected_input;
