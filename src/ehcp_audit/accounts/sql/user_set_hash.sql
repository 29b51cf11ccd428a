UPDATE ehcp_users SET password_hash = ?, changed_at = ? WHERE name = ?
