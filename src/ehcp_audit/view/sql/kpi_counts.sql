-- Headline counts (RULES.md section 3 "Headline rates"): a row's period date is its deadline, else
-- its done date, else its meeting date; rows with none belong to no period.
WITH dated AS (
    SELECT
        COALESCE(deadline, done_on, meeting_on) AS period_date,
        CASE WHEN $by_school THEN COALESCE(school_urn, '') ELSE '' END AS school_urn,
        measure,
        status
    FROM compliance
    WHERE $school_urn IS NULL OR school_urn = $school_urn
)
SELECT
    strftime(period_date, '%Y-%m') AS period,
    school_urn,
    measure,
    count(*) FILTER (WHERE status = 'met') AS met,
    count(*) FILTER (WHERE status = 'missed') AS missed,
    count(*) FILTER (WHERE status = 'overdue') AS overdue,
    count(*) FILTER (WHERE status = 'pending') AS pending,
    count(*) FILTER (WHERE status = 'n/a') AS na
FROM dated
WHERE period_date >= $start AND period_date <= $end
GROUP BY ALL
ORDER BY period, school_urn, measure;
