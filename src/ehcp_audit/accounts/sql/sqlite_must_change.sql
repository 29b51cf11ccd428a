-- Tables made before the one-time passwords: the column, set for the users who never signed in
-- (their password is still the one someone else chose for them).
SELECT count(*) AS n FROM pragma_table_info('ehcp_users') WHERE name = 'must_change';
ALTER TABLE ehcp_users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
UPDATE ehcp_users SET must_change = 1
WHERE name NOT IN (SELECT name FROM ehcp_sign_ins WHERE outcome = 'success')
