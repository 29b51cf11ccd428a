-- One page of a work list from {items} (web_open_items: the still-open steps, kept per log
-- position and day; or web_all_items), filtered by setting (children placed there today), child,
-- measures, statuses and latest deadline; current reviews first, then overdue before pending,
-- then by deadline.
SELECT child_id, cycle, school_urn, measure, deadline, done_on, status, closed,
       count(*) OVER () AS total
FROM {items}
WHERE ($school_urn IS NULL OR child_id IN (
           SELECT child_id FROM web_placements WHERE school_urn = $school_urn))
  AND ($child_id IS NULL OR child_id = $child_id)
  AND measure IN (SELECT unnest($measures))
  AND status IN (SELECT unnest($statuses))
  AND ($until IS NULL OR deadline <= $until)
ORDER BY closed, CASE status WHEN 'overdue' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END,
         deadline NULLS LAST, child_id, cycle, measure
LIMIT $limit OFFSET $offset;
