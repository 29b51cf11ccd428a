-- The children a page of the log touched: their rows are recomputed.
INSERT INTO dirty (child_id)
SELECT DISTINCT p.child_id
FROM page_events AS e
JOIN topic_actions AS a ON a.topic = e.topic
JOIN plans AS p ON p.plan_id = e.plan_id
ORDER BY 1;
