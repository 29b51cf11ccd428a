-- One name's attempts since a moment, oldest first (the lockout reads them).
SELECT at, outcome FROM ehcp_sign_ins WHERE name = ? AND at >= ? ORDER BY at, id
