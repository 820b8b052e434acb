-- TingJi visit store, schema version 1 (migration step 1 in app/store/db.py).
-- Patient identity, transcripts and records are AES-GCM blobs (app/store/crypto.py); times are UTC ISO 8601.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE visits (
    id               TEXT PRIMARY KEY,              -- uuid4 hex, also bound into every blob of the visit
    owner            TEXT NOT NULL,                 -- OS user who recorded the visit; queries filter on it
    doctor           TEXT NOT NULL,
    patient          BLOB NOT NULL,                 -- encrypted JSON {name, id, sex, age}
    department       TEXT NOT NULL DEFAULT '',
    template_id      TEXT NOT NULL DEFAULT '',
    template_version TEXT NOT NULL DEFAULT '',
    template_hash    TEXT NOT NULL DEFAULT '',
    kind             TEXT NOT NULL CHECK (kind IN ('初诊', '复诊')),
    status           TEXT NOT NULL CHECK (status IN ('recording', 'processing', 'draft', 'signed')),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE transcripts (
    visit_id   TEXT PRIMARY KEY REFERENCES visits(id),
    body       BLOB NOT NULL,                       -- encrypted labelled transcript JSON
    updated_at TEXT NOT NULL
);

CREATE TABLE record_versions (
    visit_id   TEXT NOT NULL REFERENCES visits(id),
    version    INTEGER NOT NULL,
    body       BLOB NOT NULL,                       -- encrypted record JSON
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN ('generate', 'edit', 'regenerate-section', 'sign')),
    PRIMARY KEY (visit_id, version)
);

CREATE TABLE signoffs (
    visit_id    TEXT NOT NULL REFERENCES visits(id),
    signed_by   TEXT NOT NULL,
    signed_at   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    record_hash TEXT NOT NULL,                      -- sha256 of the signed record's canonical JSON
    PRIMARY KEY (visit_id, version)
);

CREATE TABLE qc_reviews (
    id          INTEGER PRIMARY KEY,
    visit_id    TEXT NOT NULL REFERENCES visits(id),
    finding_id  TEXT NOT NULL,
    reviewed_by TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);

CREATE TABLE audio (
    visit_id   TEXT PRIMARY KEY REFERENCES visits(id),
    path       TEXT NOT NULL,                       -- encrypted file, relative to the database's folder
    duration_s REAL,
    created_at TEXT NOT NULL,
    deleted_at TEXT                                 -- set by retention; the file is gone, the row stays
);

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    time      TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    doctor    TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    visit_id  TEXT,
    details   TEXT NOT NULL DEFAULT '{}',           -- models, template version, backend; never patient data
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL                         -- sha256 over all the fields above (app/store/audit.py)
);

-- Kept versions and the audit log are append-only inside SQLite; raw file edits are caught by audit verify.
CREATE TRIGGER record_versions_no_update BEFORE UPDATE ON record_versions
BEGIN SELECT RAISE(ABORT, 'record versions are kept as written'); END;
CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
BEGIN SELECT RAISE(ABORT, 'record versions are kept as written'); END;
CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
BEGIN SELECT RAISE(ABORT, 'sign-offs are kept as written'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_extends_chain BEFORE INSERT ON audit
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit)
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1),
                                   '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'an audit entry must extend the chain'); END;
