-- The audit log becomes a hash chain per community (chain 0: what belongs to none), so
-- that a row deleted or edited is found by `linli admin audit verify`: each row carries
-- its place in its chain and the hash of itself and the row before; the head of each
-- chain is kept with a seal only the key file can make. The client address says from
-- where an action came.
ALTER TABLE audit_log ADD COLUMN client TEXT;
ALTER TABLE audit_log ADD COLUMN chain BIGINT;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (chain, seq);
-- Rows written before the chain, chained at the next start.
CREATE INDEX audit_log_unchained ON audit_log (id) WHERE seq IS NULL;
-- The audit page's filters: by actor, by kind, by period, newest first.
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_street ON audit_log (street_id, id);

CREATE TABLE audit_heads (
    chain  BIGINT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL,
    seal   TEXT NOT NULL
);

-- Where pruning (rows past the retention period) last cut each chain: the last pruned
-- row's place and hash, sealed, so the rest of the chain still verifies.
CREATE TABLE audit_checkpoints (
    chain      BIGINT PRIMARY KEY,
    seq        BIGINT NOT NULL,
    hash       TEXT NOT NULL,
    pruned     BIGINT NOT NULL,
    pruned_at  TIMESTAMPTZ NOT NULL,
    seal       TEXT NOT NULL
);
