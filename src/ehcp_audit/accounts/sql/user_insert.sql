INSERT INTO ehcp_users (name, role, urn, password_hash, active, created_at, changed_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
