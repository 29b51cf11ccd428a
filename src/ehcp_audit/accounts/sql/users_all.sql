SELECT name, role, urn, password_hash, active, must_change FROM ehcp_users ORDER BY name
