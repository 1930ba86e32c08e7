-- A child under 14 (PIPL art. 28: all of a minor's personal information is sensitive):
-- their name, gender and birth date are sealed here; `name` keeps only the masked form
-- (surname and stars) that lists show, gender and birth_date stay empty. The name is found
-- again by its keyed hash, whole. When the child turns 14 the daily job moves the fields
-- back to the open columns.
ALTER TABLE residents ADD COLUMN child_name TEXT;
ALTER TABLE residents ADD COLUMN child_name_hash TEXT;
ALTER TABLE residents ADD COLUMN child_gender TEXT;
ALTER TABLE residents ADD COLUMN child_birth_date TEXT;
CREATE INDEX residents_child_name ON residents (community_id, child_name_hash)
    WHERE child_name_hash IS NOT NULL;
CREATE INDEX residents_children ON residents (id) WHERE child_name IS NOT NULL;

-- A guardian's consent to the processing of a child's personal information (PIPL art.
-- 31), recorded on the household: which child, which guardian (an adult of the same
-- household), how it was given, who recorded it, and when it was withdrawn.
CREATE TABLE guardian_consents (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    household_id  INTEGER NOT NULL REFERENCES households(id),
    child_id      INTEGER NOT NULL REFERENCES residents(id),
    guardian_id   INTEGER NOT NULL REFERENCES residents(id),
    method        TEXT NOT NULL CHECK (method IN ('written','in_person','online')),
    given_at      INTEGER NOT NULL,
    recorded_by   INTEGER REFERENCES users(id),
    withdrawn_at  INTEGER,
    withdrawn_by  INTEGER REFERENCES users(id)
);
CREATE INDEX guardian_consents_household ON guardian_consents (household_id, id);
CREATE INDEX guardian_consents_child ON guardian_consents (child_id, id);
CREATE UNIQUE INDEX guardian_consents_in_force ON guardian_consents (child_id)
    WHERE withdrawn_at IS NULL;
