-- guotu store, SQLite: typed records of the services (plans, maintenance, reviews, supply
-- records, indicators, accounts ...) and the hash-chained, append-only audit trail.

CREATE TABLE records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    jurisdiction TEXT,
    year INTEGER,
    status TEXT,
    data TEXT NOT NULL,          -- canonical JSON
    geometry BLOB,               -- WKB as given
    crs INTEGER,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, key),
    CHECK ((geometry IS NULL) = (crs IS NULL))
);
CREATE INDEX records_scope ON records (kind, jurisdiction, year, status);

-- Each event's hash covers the previous event's hash (guotu.store.audit): removing,
-- reordering or editing an event breaks the chain, which `guotu audit verify` detects.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,            -- ISO 8601, UTC, microseconds (hashed as stored)
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'denied')),
    body TEXT NOT NULL,          -- canonical JSON: inputs, result, before, after
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);
CREATE INDEX audit_events_target ON audit_events (target, seq);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'guotu.immutable: audit events cannot change');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'guotu.immutable: audit events cannot be deleted');
END;
