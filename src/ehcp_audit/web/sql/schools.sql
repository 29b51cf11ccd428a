-- One page of settings: children placed there today and their current reviews' overdue steps,
-- filtered by URN or name ($text, case-insensitive).
WITH held AS (
    SELECT child_id, max(cycle) AS latest_held
    FROM compliance
    WHERE meeting_on IS NOT NULL
    GROUP BY child_id
), overdue AS (
    SELECT p.school_urn, count(*) AS overdue
    FROM compliance AS c
    JOIN web_placements AS p USING (child_id)
    LEFT JOIN held AS h USING (child_id)
    WHERE c.status = 'overdue'
      AND NOT coalesce(c.measure <> 'phase_transfer_deadline' AND c.cycle < h.latest_held, false)
    GROUP BY 1
), settings AS (
    SELECT school_urn, count(*) AS children FROM web_placements GROUP BY 1
)
SELECT s.school_urn, n.name, s.children, coalesce(o.overdue, 0) AS overdue,
       count(*) OVER () AS total
FROM settings AS s
LEFT JOIN overdue AS o USING (school_urn)
LEFT JOIN web_names AS n ON n.urn = s.school_urn
WHERE ($text = '' OR contains(lower(s.school_urn), $text)
       OR contains(lower(coalesce(n.name, '')), $text))
  AND ($school_urn IS NULL OR s.school_urn = $school_urn)
ORDER BY overdue DESC, s.school_urn
LIMIT $limit OFFSET $offset;
