SELECT name, role, urn, password_hash, active FROM ehcp_users WHERE name = ?
