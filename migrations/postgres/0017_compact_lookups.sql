-- Residents are lighter to write and to keep (docs/performance.md, issue 14):
-- * the UNIQUE on id_number goes: since 0008 the column holds sealed values, each with a
--   nonce of its own, so the index over it checked nothing; the unique index on
--   id_number_hash is what keeps an ID number once;
-- * the lookup hashes (id_number_hash, phone_hash, phone_tail, child_name_hash) are kept as
--   their 16 bytes instead of 32 hex digits, in the table and in each of their indexes. A
--   value that is not hex stops the migration (decode fails) rather than being lost.
ALTER TABLE residents DROP CONSTRAINT residents_id_number_key;
ALTER TABLE residents
    ALTER COLUMN id_number_hash TYPE BYTEA USING decode(id_number_hash, 'hex'),
    ALTER COLUMN phone_hash TYPE BYTEA USING decode(phone_hash, 'hex'),
    ALTER COLUMN phone_tail TYPE BYTEA USING decode(phone_tail, 'hex'),
    ALTER COLUMN child_name_hash TYPE BYTEA USING decode(child_name_hash, 'hex');
