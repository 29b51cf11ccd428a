INSERT INTO ehcp_users (name, role, urn, password_hash, active, must_change, created_at, changed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
