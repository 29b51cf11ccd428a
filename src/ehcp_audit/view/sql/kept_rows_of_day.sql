-- A kept day's rows (kept_answers.py): every child with entries after the day. (A child whose
-- latest entry was voided since has had its rows forgotten, and is not judged again.)
SELECT child_id, cycle, due_on, meeting_on, school_urn, measure, deadline, done_on, status
FROM kept_rows
WHERE as_of = $as_of
