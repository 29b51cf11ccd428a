-- One page of settings: children placed there today and their current reviews' overdue steps,
-- filtered by URN or name ($text, lower case), most overdue first.
WITH overdue AS (
    SELECT p.school_urn, count(*) AS overdue
    FROM web_open_items AS i
    JOIN web_placements AS p USING (child_id)
    WHERE i.status = 'overdue' AND NOT i.closed
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
