-- Users and sign-in attempts, beside the events in the store's own database (not in the log).
-- Times are UTC, ISO 8601 with microseconds, so text order is time order.
-- Two processes opening a new database at once would race on CREATE TABLE: one waits.
SELECT pg_advisory_xact_lock(7307199730066613618);  -- "ehcpuser"
CREATE TABLE IF NOT EXISTS ehcp_users (
    name text PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('la', 'school', 'viewer')),
    urn text CHECK ((role = 'school') = (urn IS NOT NULL)),
    password_hash text NOT NULL,
    active boolean NOT NULL,
    must_change boolean NOT NULL DEFAULT false,
    created_at text NOT NULL,
    changed_at text NOT NULL
);
CREATE TABLE IF NOT EXISTS ehcp_sign_ins (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    at text NOT NULL,
    outcome text NOT NULL,
    source text NOT NULL
);
CREATE INDEX IF NOT EXISTS ehcp_sign_ins_name_at ON ehcp_sign_ins (name, at);
