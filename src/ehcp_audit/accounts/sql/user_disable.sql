UPDATE ehcp_users SET active = ?, changed_at = ? WHERE name = ?
