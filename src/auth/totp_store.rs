//! The rows of the second factor and of the password policy (migration 0011): an account's
//! TOTP secret (sealed by the vault), its recovery codes' hashes, the login page's sign-ins
//! waiting for their code, and the hashes of an account's last passwords.
//!
//! Accepting a code is one conditional update (the step only moves forward, a recovery
//! code is used only while unused), so two requests with the same code, on one node or
//! two, accept it once.

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};

crate::sealed!(pub TotpSecret = "totp_secrets"."secret");

/// An account's secret, opened.
#[derive(Clone, sqlx::FromRow)]
pub struct SecretRow {
    #[sqlx(try_from = "crate::vault::sql::Opened<TotpSecret>")]
    pub secret: String,
    pub created_at: Millis,
    pub confirmed_at: Option<Millis>,
    pub last_step: i64,
}

impl std::fmt::Debug for SecretRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("SecretRow")
            .field("confirmed_at", &self.confirmed_at)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// The account's secret, confirmed or pending, if it has one.
pub async fn secret_of(ex: &mut impl Exec, user_id: i64) -> DbResult<Option<SecretRow>> {
    Q::new(
        "SELECT secret, created_at, confirmed_at, last_step FROM totp_secrets \
         WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(ex)
    .await
}

/// A new pending secret for the account, in place of any it had.
pub async fn set_pending(
    ex: &mut impl Exec,
    user_id: i64,
    secret: &str,
    now: Millis,
) -> DbResult<()> {
    delete_secret(ex, user_id).await?;
    Q::new(
        "INSERT INTO totp_secrets (user_id, secret, created_at, last_step) \
         VALUES ($1, $2, $3, 0)",
    )
    .bind(user_id)
    .bind(crate::vault::sql::seal::<TotpSecret>(Some(secret)))
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// The pending secret is confirmed by a code of `step`; says whether it was still pending.
pub async fn confirm(ex: &mut impl Exec, user_id: i64, step: i64, now: Millis) -> DbResult<bool> {
    Ok(Q::new(
        "UPDATE totp_secrets SET confirmed_at = $1, last_step = $2 \
         WHERE user_id = $3 AND confirmed_at IS NULL",
    )
    .bind(now)
    .bind(step)
    .bind(user_id)
    .execute(ex)
    .await?
        == 1)
}

/// Accepts a code of `step` once: false when a code of this step (or a later one) was
/// accepted already.
pub async fn use_step(ex: &mut impl Exec, user_id: i64, step: i64) -> DbResult<bool> {
    Ok(Q::new(
        "UPDATE totp_secrets SET last_step = $1 WHERE user_id = $2 \
         AND confirmed_at IS NOT NULL AND last_step < $1",
    )
    .bind(step)
    .bind(user_id)
    .execute(ex)
    .await?
        == 1)
}

/// The account has no second factor any more: its secret and recovery codes go.
pub async fn delete_secret(ex: &mut impl Exec, user_id: i64) -> DbResult<u64> {
    Q::new("DELETE FROM totp_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(ex)
        .await?;
    Q::new("DELETE FROM totp_secrets WHERE user_id = $1")
        .bind(user_id)
        .execute(ex)
        .await
}

/// The account's recovery codes are these (by their hashes), the old ones gone.
pub async fn set_recovery_codes(
    ex: &mut impl Exec,
    user_id: i64,
    hashes: &[String],
    now: Millis,
) -> DbResult<()> {
    Q::new("DELETE FROM totp_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(ex)
        .await?;
    for h in hashes {
        Q::new(
            "INSERT INTO totp_recovery_codes (user_id, code_hash, created_at) \
             VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(h.as_str())
        .bind(now)
        .execute(ex)
        .await?;
    }
    Ok(())
}

/// Uses the recovery code with this hash, if the account has it unused.
pub async fn use_recovery_code(
    ex: &mut impl Exec,
    user_id: i64,
    hash: &str,
    now: Millis,
) -> DbResult<bool> {
    Ok(Q::new(
        "UPDATE totp_recovery_codes SET used_at = $1 WHERE user_id = $2 \
         AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(hash)
    .execute(ex)
    .await?
        == 1)
}

/// How many unused recovery codes the account has.
pub async fn recovery_codes_left(ex: &mut impl Exec, user_id: i64) -> DbResult<i64> {
    Ok(
        Q::new("SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one::<(i64,)>(ex)
            .await?
            .0,
    )
}

/// A sign-in waiting for its code.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChallengeRow {
    pub id: i64,
    pub user_id: i64,
    pub failures: i64,
}

pub async fn insert_challenge(
    ex: &mut impl Exec,
    token_hash: &str,
    user_id: i64,
    now: Millis,
    expires_at: Millis,
) -> DbResult<()> {
    Q::new("DELETE FROM sign_in_challenges WHERE expires_at <= $1")
        .bind(now)
        .execute(ex)
        .await?;
    Q::new(
        "INSERT INTO sign_in_challenges (token_hash, user_id, created_at, expires_at, failures) \
         VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// The live sign-in behind a token hash.
pub async fn find_challenge(
    ex: &mut impl Exec,
    token_hash: &str,
    now: Millis,
) -> DbResult<Option<ChallengeRow>> {
    Q::new(
        "SELECT id, user_id, failures FROM sign_in_challenges \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(ex)
    .await
}

/// Counts a wrong code against the sign-in; it ends at `max` of them.
pub async fn challenge_failed(ex: &mut impl Exec, id: i64, max: i64) -> DbResult<()> {
    Q::new("UPDATE sign_in_challenges SET failures = failures + 1 WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Q::new("DELETE FROM sign_in_challenges WHERE id = $1 AND failures >= $2")
        .bind(id)
        .bind(max)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn delete_challenge(ex: &mut impl Exec, id: i64) -> DbResult<()> {
    Q::new("DELETE FROM sign_in_challenges WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// The hashes of the account's last `n` passwords, newest first.
pub async fn recent_passwords(ex: &mut impl Exec, user_id: i64, n: i64) -> DbResult<Vec<String>> {
    let rows: Vec<(String,)> = Q::new(
        "SELECT password_hash FROM password_history WHERE user_id = $1 \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(n)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Keeps the hash of a password just set, and only the last `keep` of the account's.
pub async fn remember_password(
    ex: &mut impl Exec,
    user_id: i64,
    hash: &str,
    now: Millis,
    keep: i64,
) -> DbResult<()> {
    Q::new("INSERT INTO password_history (user_id, password_hash, set_at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(hash)
        .bind(now)
        .execute(ex)
        .await?;
    Q::new(
        "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(keep)
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets the account's old password hashes (a policy that keeps none).
pub async fn forget_passwords(ex: &mut impl Exec, user_id: i64) -> DbResult<()> {
    Q::new("DELETE FROM password_history WHERE user_id = $1")
        .bind(user_id)
        .execute(ex)
        .await?;
    Ok(())
}
