-- Where each child is placed on $today: its latest placement (plan issued or placement changed)
-- dated on or before the day, voided ones left out. A void removes the earliest recorded entry of
-- its action and date that no other void removed (rules/effective.py): the first k such entries,
-- k being the number of voids naming them.
WITH placed AS (
    SELECT child_id, action, occurred_on, version,
           json_extract_string(details, '$.school_urn') AS school_urn,
           row_number() OVER (PARTITION BY child_id, action, occurred_on ORDER BY version) AS nth
    FROM entries
    WHERE action IN ('plan_issued', 'placement_changed') AND occurred_on <= $today
), voids AS (
    SELECT child_id,
           json_extract_string(details, '$.void_action') AS action,
           TRY_CAST(json_extract_string(details, '$.void_occurred_on') AS DATE) AS occurred_on,
           count(*) AS voids
    FROM entries
    WHERE action = 'void'
    GROUP BY ALL
), kept AS (
    SELECT p.*, row_number() OVER (
        PARTITION BY p.child_id ORDER BY p.occurred_on DESC, p.version DESC) AS latest
    FROM placed p
    LEFT JOIN voids v USING (child_id, action, occurred_on)
    WHERE p.nth > coalesce(v.voids, 0)
)
SELECT child_id, school_urn FROM kept WHERE latest = 1;
