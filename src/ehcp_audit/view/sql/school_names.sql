-- Each setting's name as the log gives it up to $at (reports.data.ReportData.school_names): the
-- latest plan or placement entry naming both the URN and a school name, in the order each URN
-- was first named.
WITH named AS (
    SELECT position,
           json_extract_string(details, '$.school_urn') AS urn,
           json_extract_string(details, '$.school_name') AS name
    FROM entries
    WHERE action IN ('plan_issued', 'placement_changed') AND position <= $at
)
SELECT urn, arg_max(name, position) AS name
FROM named
WHERE urn <> '' AND name <> ''
GROUP BY urn
ORDER BY min(position);
