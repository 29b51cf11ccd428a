-- The steps still open as of today (overdue or pending), with `closed` (items.sql): what every
-- list, count and the dashboard read unless a status that is settled is asked for.
SELECT * FROM web_all_items WHERE status IN ('overdue', 'pending')
