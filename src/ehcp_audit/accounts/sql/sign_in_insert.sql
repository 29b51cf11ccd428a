INSERT INTO ehcp_sign_ins (name, at, outcome, source) VALUES (?, ?, ?, ?)
