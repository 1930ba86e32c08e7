-- The last start (or rotation) whose pass left nothing unsealed: with which key, over
-- which sealed columns. A later start with the same key and columns skips counting what
-- is left, which scans every sealed column (seconds over ten million demands).
CREATE TABLE vault_pass (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    active_key   BIGINT NOT NULL,
    sealed       TEXT NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL
);
