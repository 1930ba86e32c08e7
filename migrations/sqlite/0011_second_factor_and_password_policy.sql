-- Issue 14: a second factor (TOTP) and the password policies.

-- An account's TOTP secret, sealed by the vault (`enc1:…`, never plain): pending until a
-- code from the authenticator confirms it. `last_step` is the 30-second step of the last
-- code accepted, so no code is accepted twice.
CREATE TABLE totp_secrets (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL UNIQUE REFERENCES users(id),
    secret        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    confirmed_at  INTEGER,
    last_step     INTEGER NOT NULL DEFAULT 0
);

-- One-time recovery codes, only as the SHA-256 of each (80 random bits: a hash of a guess
-- is as good as a guess); used once.
CREATE TABLE totp_recovery_codes (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    code_hash   TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX totp_recovery_codes_user ON totp_recovery_codes (user_id);

-- A login page's sign-in between the password and the code: the SHA-256 of the random
-- token in its cookie, lasting minutes, ended after a few wrong codes.
CREATE TABLE sign_in_challenges (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);

-- When the password was last set (rotation under the 等保 policy); an account from before
-- counts from its creation.
ALTER TABLE users ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = created_at;

-- The Argon2 hashes of an account's last passwords (no reuse under the 等保 policy).
CREATE TABLE password_history (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    password_hash  TEXT NOT NULL,
    set_at         INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
