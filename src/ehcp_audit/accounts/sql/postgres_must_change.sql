-- Tables made before the one-time passwords: the column, set for the users who never signed in
-- (their password is still the one someone else chose for them). Under the tables' lock.
SELECT count(*) AS n FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = 'ehcp_users' AND column_name = 'must_change';
ALTER TABLE ehcp_users ADD COLUMN must_change boolean NOT NULL DEFAULT false;
UPDATE ehcp_users SET must_change = true
WHERE name NOT IN (SELECT name FROM ehcp_sign_ins WHERE outcome = 'success')
