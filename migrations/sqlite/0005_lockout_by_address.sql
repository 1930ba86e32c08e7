-- Signing in (issue 12). Failures are limited per client address as well as per account,
-- and a locked account can still sign in from an address it signed in from before, so
-- nobody locks anybody out by failing on purpose. Both live here, not in a node's memory:
-- every node sharing the database counts the same failures.

-- Failures of one client address within the current window, and until when it is locked.
CREATE TABLE login_address_failures (
    address            TEXT PRIMARY KEY,
    failures           INTEGER NOT NULL,
    window_started_at  INTEGER NOT NULL,
    locked_until       INTEGER
);
-- Old windows are dropped as new failures come.
CREATE INDEX login_address_failures_window ON login_address_failures (window_started_at);

-- The addresses an account signed in from, and when it last did.
CREATE TABLE known_addresses (
    user_id       INTEGER NOT NULL REFERENCES users(id),
    address       TEXT NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, address)
);

-- Every token expires: tokens issued without an expiry last 90 days from this upgrade
-- (`linli admin list-tokens` shows them; issue new ones before then).
UPDATE tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * 86400000
    WHERE expires_at IS NULL;
-- A person's tokens, newest first, page by page.
DROP INDEX tokens_user;
CREATE INDEX tokens_user ON tokens (user_id, id);
