-- The same password under new hashing settings: the account is not changed (its sessions go on).
UPDATE ehcp_users SET password_hash = ? WHERE name = ?
