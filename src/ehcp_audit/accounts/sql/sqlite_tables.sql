-- Users and sign-in attempts, beside the events in the store's own database (not in the log).
-- Times are UTC, ISO 8601 with microseconds, so text order is time order.
CREATE TABLE IF NOT EXISTS ehcp_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('la', 'school', 'viewer')),
    urn TEXT CHECK ((role = 'school') = (urn IS NOT NULL)),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL,
    must_change INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ehcp_sign_ins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ehcp_sign_ins_name_at ON ehcp_sign_ins (name, at);
