-- The latest name recorded for each setting (a placement's school_name), by URN.
SELECT json_extract_string(details, '$.school_urn') AS urn,
       arg_max(json_extract_string(details, '$.school_name'), position) AS name
FROM entries
WHERE action IN ('plan_issued', 'placement_changed')
  AND coalesce(json_extract_string(details, '$.school_name'), '') <> ''
GROUP BY 1;
