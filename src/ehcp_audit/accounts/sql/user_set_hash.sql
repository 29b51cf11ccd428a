UPDATE ehcp_users SET password_hash = ?, must_change = ?, changed_at = ? WHERE name = ?
