-- Personal fields sealed at rest (src/vault). The keys live in a key file outside the
-- database; here only a check value per key (a known text sealed with it; id 0: the index
-- key's check hash), so that a server started with another key file stops and says so.
CREATE TABLE vault_keys (
    id           BIGINT PRIMARY KEY,
    algorithm    TEXT NOT NULL,
    check_value  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

-- A resident's ID number, phone and health note are sealed; lookups go through keyed
-- hashes: the ID number (unique, as the ID number was), the phone, and its last four
-- digits (the counter's 尾号 search).
ALTER TABLE residents ADD COLUMN id_number_hash TEXT;
ALTER TABLE residents ADD COLUMN phone_hash TEXT;
ALTER TABLE residents ADD COLUMN phone_tail TEXT;
CREATE UNIQUE INDEX residents_id_number_hash ON residents (id_number_hash);
CREATE INDEX residents_phone_hash ON residents (community_id, phone_hash);
CREATE INDEX residents_phone_tail ON residents (community_id, phone_tail);
