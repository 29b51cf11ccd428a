SELECT name, role, urn, password_hash, active FROM ehcp_users ORDER BY name
