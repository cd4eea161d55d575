-- guotu store, SQLite: jurisdictions, layers, immutable layer versions and their features.
-- Runs inside one transaction (BEGIN IMMEDIATE); the runner records it in schema_migrations.

CREATE TABLE jurisdictions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT,                 -- no foreign key: a tree may be loaded in any order
    name_en TEXT,
    boundary BLOB,               -- WKB as given
    boundary_crs INTEGER,
    CHECK ((boundary IS NULL) = (boundary_crs IS NULL))
);
CREATE INDEX jurisdictions_parent ON jurisdictions (parent);

CREATE TABLE layers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    jurisdiction TEXT REFERENCES jurisdictions (code),
    title TEXT,
    created_at TEXT NOT NULL
);

-- A version is written with staging = 1 (version NULL), then promoted by one UPDATE
-- that sets its number and staging = 0. Promoted content never changes (triggers below).
CREATE TABLE layer_versions (
    id INTEGER PRIMARY KEY,
    layer_id INTEGER NOT NULL REFERENCES layers (id),
    version INTEGER,
    parent INTEGER,
    staging INTEGER NOT NULL DEFAULT 1 CHECK (staging IN (0, 1)),
    staged_by TEXT,
    content_hash TEXT NOT NULL,
    crs INTEGER NOT NULL,
    feature_count INTEGER NOT NULL,
    area_m2 REAL NOT NULL,
    fields TEXT NOT NULL,
    field_aliases TEXT NOT NULL,
    source TEXT NOT NULL,
    findings TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    legal_status TEXT NOT NULL CHECK (legal_status IN ('在编', '现行', '已废止')),
    effective_date TEXT,
    repealed_on TEXT,
    approval_document TEXT,
    filed INTEGER NOT NULL DEFAULT 0 CHECK (filed IN (0, 1)),
    UNIQUE (layer_id, version),
    CHECK (staging = 1 OR version IS NOT NULL)
);

CREATE TABLE features (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES layer_versions (id),
    fid TEXT NOT NULL,
    wkb BLOB NOT NULL,           -- normalised WKB (guotu.store.content)
    attrs TEXT NOT NULL,         -- canonical JSON
    planar_m2 REAL NOT NULL,
    ellipsoidal_m2 REAL NOT NULL,
    hash TEXT NOT NULL,
    minx REAL NOT NULL,
    miny REAL NOT NULL,
    maxx REAL NOT NULL,
    maxy REAL NOT NULL,
    UNIQUE (version_id, fid)
);

-- Bounding boxes in three dimensions: x, y and the version id (exact as float32 up to
-- 2^24), so a query touches one version only. The R*Tree stores float32 rounded
-- outwards: a superset, refined with the exact bounds of the features table.
CREATE VIRTUAL TABLE features_rtree USING rtree (id, minx, maxx, miny, maxy, minv, maxv);

-- Immutability (R-24): rows of a promoted version never change; rows of a staged
-- version may be deleted (cleanup of an interrupted import).
CREATE TRIGGER features_insert_staged BEFORE INSERT ON features
WHEN (SELECT staging FROM layer_versions WHERE id = NEW.version_id) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'guotu.immutable: features can only be added to a version being staged');
END;

CREATE TRIGGER features_no_update BEFORE UPDATE ON features
BEGIN
    SELECT RAISE(ABORT, 'guotu.immutable: features cannot change');
END;

CREATE TRIGGER features_no_delete BEFORE DELETE ON features
WHEN (SELECT staging FROM layer_versions WHERE id = OLD.version_id) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'guotu.immutable: features of a version cannot be deleted');
END;

CREATE TRIGGER features_unindex AFTER DELETE ON features
BEGIN
    DELETE FROM features_rtree WHERE id = OLD.id;
END;

CREATE TRIGGER layer_versions_content BEFORE UPDATE ON layer_versions
WHEN OLD.staging = 0 AND (
    NEW.staging IS NOT 0 OR NEW.id IS NOT OLD.id OR NEW.layer_id IS NOT OLD.layer_id
    OR NEW.version IS NOT OLD.version OR NEW.parent IS NOT OLD.parent OR NEW.staged_by IS NOT OLD.staged_by
    OR NEW.content_hash IS NOT OLD.content_hash OR NEW.crs IS NOT OLD.crs
    OR NEW.feature_count IS NOT OLD.feature_count OR NEW.area_m2 IS NOT OLD.area_m2
    OR NEW.fields IS NOT OLD.fields OR NEW.field_aliases IS NOT OLD.field_aliases
    OR NEW.source IS NOT OLD.source OR NEW.findings IS NOT OLD.findings OR NEW.note IS NOT OLD.note
    OR NEW.created_at IS NOT OLD.created_at)
BEGIN
    SELECT RAISE(ABORT, 'guotu.immutable: the content of a layer version cannot change');
END;

CREATE TRIGGER layer_versions_no_delete BEFORE DELETE ON layer_versions
WHEN OLD.staging = 0
BEGIN
    SELECT RAISE(ABORT, 'guotu.immutable: a layer version cannot be deleted');
END;
