-- The compliance view. Disposable: `ehcp-audit project --rebuild` recreates it from the log.
CREATE TABLE IF NOT EXISTS tracking (
    position BIGINT NOT NULL,    -- last notification of the event log applied here
    store VARCHAR NOT NULL       -- the view's format (projector.FORMAT); another one is rebuilt
);
CREATE TABLE IF NOT EXISTS plans (plan_id VARCHAR NOT NULL, child_id VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    position BIGINT NOT NULL,
    child_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,    -- order within the child's stream: import order, then row order
    action VARCHAR NOT NULL,
    occurred_on DATE NOT NULL,
    details VARCHAR NOT NULL,    -- JSON object of the detail columns
    recorded_by VARCHAR,
    recorded_at VARCHAR,
    imported_at TIMESTAMP NOT NULL,
    known_on DATE NOT NULL,
    source VARCHAR,
    source_row INTEGER
);
CREATE TABLE IF NOT EXISTS imports (
    position BIGINT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    kind VARCHAR, file_name VARCHAR, sha256 VARCHAR,
    rows INTEGER, imported INTEGER, duplicates INTEGER, rejected INTEGER
);
CREATE TABLE IF NOT EXISTS rejected_rows (
    position BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL, source VARCHAR, "row" INTEGER, error VARCHAR
);
-- Children whose rows must be recomputed (written with the entries, cleared with the rows).
CREATE TABLE IF NOT EXISTS dirty (child_id VARCHAR NOT NULL);
-- last_on: the latest business date of the child's effective entries. For any as-of day on or
-- after it, the stored base rows are the answer; earlier days are evaluated from `entries`.
CREATE TABLE IF NOT EXISTS children (child_id VARCHAR NOT NULL, last_on DATE);
CREATE TABLE IF NOT EXISTS base_rows (
    child_id VARCHAR NOT NULL,
    cycle INTEGER NOT NULL,
    due_on DATE,
    meeting_on DATE,
    school_urn VARCHAR,
    measure VARCHAR NOT NULL,
    deadline DATE,
    done_on DATE,
    base VARCHAR NOT NULL,       -- met, missed, n/a, or open (overdue/pending by the as-of day)
    visible_from DATE            -- phase transfers: the row exists once its school year began
);
-- The digest of each group of a child's rows' facts (rules.facts; `cycle` is the group: a cycle's
-- number, or 0 for its phase transfers), as judged into base_rows: a catch-up judges again only
-- the groups whose facts changed.
CREATE TABLE IF NOT EXISTS cycle_inputs (child_id VARCHAR NOT NULL, cycle INTEGER NOT NULL, digest VARCHAR NOT NULL);
-- The last point of the event log's hash chain a report or export found intact (integrity.guard):
-- the next check hashes only what came after it.
CREATE TABLE IF NOT EXISTS verified (position BIGINT NOT NULL, hash BLOB NOT NULL, entries BIGINT NOT NULL);
-- Past as-of answers kept (view/kept_answers.py): for each day, the rows of the children with
-- entries after it, judged at log position `position`; a later answer for that day judges again
-- only the children whose rows as of the day may have changed. `used`: order of last use.
CREATE TABLE IF NOT EXISTS kept_days (as_of DATE NOT NULL, position BIGINT NOT NULL, used BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS kept_rows (
    as_of DATE NOT NULL,
    child_id VARCHAR NOT NULL,
    cycle INTEGER NOT NULL,
    due_on DATE,
    meeting_on DATE,
    school_urn VARCHAR,
    measure VARCHAR NOT NULL,
    deadline DATE,
    done_on DATE,
    status VARCHAR NOT NULL
);
-- Each entry a void cancels (rules.effective.voided_by over the child's whole log), written with
-- the child's base rows by every recompute: the reports read the voided entries here.
CREATE TABLE IF NOT EXISTS voided_entries (
    child_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,    -- the voided entry
    void_version INTEGER NOT NULL,
    reason VARCHAR
);

-- The children judged for a kept day, with rows as of it or none (a plan issued after the day):
-- a child with entries after the day that is not here had none when the day was kept, and is
-- judged at the day's next answer (view/sql/kept_stale.sql).
CREATE TABLE IF NOT EXISTS kept_children (as_of DATE NOT NULL, child_id VARCHAR NOT NULL);
