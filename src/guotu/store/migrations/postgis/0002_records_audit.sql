-- guotu store, PostGIS: typed records of the services (plans, maintenance, reviews, supply
-- records, indicators, accounts ...) and the hash-chained, append-only audit trail.

CREATE TABLE guotu.records (
    kind text NOT NULL,
    key text NOT NULL,
    jurisdiction text,
    year integer,
    status text,
    data jsonb NOT NULL,
    geometry bytea,              -- WKB as given
    crs integer,
    geom public.geometry GENERATED ALWAYS AS (
        CASE WHEN geometry IS NULL THEN NULL ELSE public.st_geomfromwkb(geometry, crs) END
    ) STORED,
    revision integer NOT NULL CHECK (revision >= 1),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (kind, key),
    CHECK ((geometry IS NULL) = (crs IS NULL))
);
CREATE INDEX records_scope ON guotu.records (kind, jurisdiction, year, status);
CREATE INDEX records_geom ON guotu.records USING gist (geom);

-- Each event's hash covers the previous event's hash (guotu.store.audit): removing,
-- reordering or editing an event breaks the chain, which `guotu audit verify` detects.
CREATE TABLE guotu.audit_events (
    seq bigint PRIMARY KEY,
    at text NOT NULL,            -- ISO 8601, UTC, microseconds (hashed as stored)
    actor text NOT NULL,
    action text NOT NULL,
    target text,
    outcome text NOT NULL CHECK (outcome IN ('ok', 'failed', 'denied')),
    body text NOT NULL,          -- canonical JSON (text, not jsonb: the bytes are hashed)
    prev_hash text NOT NULL,
    hash text NOT NULL UNIQUE
);
CREATE INDEX audit_events_actor ON guotu.audit_events (actor, seq);
CREATE INDEX audit_events_target ON guotu.audit_events (target, seq);

CREATE FUNCTION guotu.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'guotu.immutable: audit events cannot change or be deleted' USING ERRCODE = 'GU001';
END $$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON guotu.audit_events
FOR EACH ROW EXECUTE FUNCTION guotu.refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON guotu.audit_events
FOR EACH STATEMENT EXECUTE FUNCTION guotu.refuse_truncate();
