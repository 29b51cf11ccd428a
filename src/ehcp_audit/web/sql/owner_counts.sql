-- Steps of current reviews by measure: overdue, and due after $today up to $until (the
-- dashboard's "who owes what"); steps of reviews the child has moved past are not counted.
SELECT measure,
       count(*) FILTER (WHERE status = 'overdue') AS overdue,
       count(*) FILTER (WHERE status = 'pending' AND deadline > $today
                        AND deadline <= $until) AS due_soon
FROM web_open_items
WHERE NOT closed
GROUP BY measure;
