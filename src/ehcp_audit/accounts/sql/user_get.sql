SELECT name, role, urn, password_hash, active, must_change, changed_at FROM ehcp_users WHERE name = ?
