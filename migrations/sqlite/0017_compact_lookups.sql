-- no-transaction
-- Residents are lighter to write and to keep (docs/performance.md, issue 14):
-- * the UNIQUE on id_number goes: since 0008 the column holds sealed values, each with a
--   nonce of its own, so the index over it checked nothing; the unique index on
--   id_number_hash is what keeps an ID number once;
-- * the lookup hashes (id_number_hash, phone_hash, phone_tail, child_name_hash) are kept as
--   their 16 bytes instead of 32 hex digits, in the table and in each of their indexes.
--
-- SQLite drops a column's UNIQUE only by building the table again. That runs outside the
-- migrator's transaction (the first line) so that foreign keys can be turned off: with them
-- on, dropping the old table would delete every resident's tags (ON DELETE CASCADE) and
-- leave demands and consents pointing at nothing. The rebuild is one transaction of its
-- own, which checks before it commits that every row and every hash came across and that
-- nothing refers to a resident that is not there; if either fails, the migration stops
-- and nothing is changed. Run twice (a stop between its commit and its record), it changes
-- nothing more: hashes already bytes stay as they are.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE residents_0017 (
    id                INTEGER PRIMARY KEY,
    street_id         INTEGER NOT NULL REFERENCES streets(id),
    community_id      INTEGER NOT NULL REFERENCES communities(id),
    household_id      INTEGER REFERENCES households(id),
    name              TEXT NOT NULL,
    gender            TEXT CHECK (gender IN ('male','female')),
    birth_date        TEXT,
    id_number         TEXT,
    phone             TEXT,
    relation          TEXT NOT NULL DEFAULT '',
    health_note       TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    id_number_hash    BLOB,
    phone_hash        BLOB,
    phone_tail        BLOB,
    anonymised_at     INTEGER,
    child_name        TEXT,
    child_name_hash   BLOB,
    child_gender      TEXT,
    child_birth_date  TEXT
);

INSERT INTO residents_0017 (id, street_id, community_id, household_id, name, gender,
    birth_date, id_number, phone, relation, health_note, created_at, updated_at,
    id_number_hash, phone_hash, phone_tail, anonymised_at, child_name, child_name_hash,
    child_gender, child_birth_date)
SELECT id, street_id, community_id, household_id, name, gender,
    birth_date, id_number, phone, relation, health_note, created_at, updated_at,
    CASE WHEN typeof(id_number_hash) = 'text' THEN unhex(id_number_hash) ELSE id_number_hash END,
    CASE WHEN typeof(phone_hash) = 'text' THEN unhex(phone_hash) ELSE phone_hash END,
    CASE WHEN typeof(phone_tail) = 'text' THEN unhex(phone_tail) ELSE phone_tail END,
    anonymised_at, child_name,
    CASE WHEN typeof(child_name_hash) = 'text' THEN unhex(child_name_hash) ELSE child_name_hash END,
    child_gender, child_birth_date
FROM residents;

-- The checks: a row of this table that is not 1 stops the migration before its commit.
CREATE TEMP TABLE residents_0017_checks (what TEXT NOT NULL, ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO residents_0017_checks
SELECT 'every resident copied',
    (SELECT COUNT(*) FROM residents_0017) = (SELECT COUNT(*) FROM residents);
INSERT INTO residents_0017_checks
SELECT 'every lookup hash kept',
    NOT EXISTS (SELECT 1 FROM residents_0017 n JOIN residents o ON o.id = n.id
        WHERE (o.id_number_hash IS NULL) <> (n.id_number_hash IS NULL)
           OR (o.phone_hash IS NULL) <> (n.phone_hash IS NULL)
           OR (o.phone_tail IS NULL) <> (n.phone_tail IS NULL)
           OR (o.child_name_hash IS NULL) <> (n.child_name_hash IS NULL));

DROP TABLE residents;
ALTER TABLE residents_0017 RENAME TO residents;

CREATE INDEX residents_household ON residents (household_id);
CREATE INDEX residents_community ON residents (community_id, id);
CREATE INDEX residents_birth ON residents (community_id, birth_date);
CREATE UNIQUE INDEX residents_id_number_hash ON residents (id_number_hash);
CREATE INDEX residents_phone_hash ON residents (community_id, phone_hash);
CREATE INDEX residents_phone_tail ON residents (community_id, phone_tail);
CREATE INDEX residents_child_name ON residents (community_id, child_name_hash)
    WHERE child_name_hash IS NOT NULL;
CREATE INDEX residents_children ON residents (id) WHERE child_name IS NOT NULL;

INSERT INTO residents_0017_checks
SELECT 'nothing refers to a resident that is not there',
    NOT EXISTS (SELECT 1 FROM pragma_foreign_key_check WHERE parent = 'residents');
DROP TABLE residents_0017_checks;

COMMIT;
PRAGMA foreign_keys = ON;
