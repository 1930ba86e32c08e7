//! `linli admin`: accounts and API tokens from the command line (tokens: `cli::tokens`).

use std::io::Read;

use clap::Subcommand;

use crate::auth::service::accounts;
use crate::auth::{Actor, Role};
use crate::config::Settings;
use crate::state::AppState;

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Write a consistent backup of the database (SQLite: VACUUM INTO; PostgreSQL: pg_dump).
    Backup(super::backup::BackupArgs),
    /// Add many generated demands over the roster (for benchmarks).
    Generate(super::bench::GenerateArgs),
    /// Recount the measures' rollups from the demands table (after a restore from an old
    /// backup, or to check them: the rates never change by it).
    RebuildRollups {
        #[arg(long)]
        database: Option<String>,
    },
    /// The keys of the personal fields sealed at rest: rotate, status.
    #[command(subcommand)]
    Keys(super::keys::KeysCommand),
    /// The audit log's hash chains: verify, prune.
    #[command(subcommand)]
    Audit(super::audit::AuditCommand),
    #[command(flatten)]
    Accounts(AccountCommand),
}

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Create an account. Without --password-stdin a random password is generated and shown.
    CreateUser {
        #[arg(long)]
        username: String,
        /// resident, grid_worker, volunteer, staff, secretary, street, unit or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        street_id: Option<i64>,
        #[arg(long)]
        community_id: Option<i64>,
        #[arg(long)]
        unit_id: Option<i64>,
        #[arg(long)]
        resident_id: Option<i64>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        database: Option<String>,
    },
    /// Set a new password (and unlock the account).
    ResetPassword {
        #[arg(long)]
        username: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        database: Option<String>,
    },
    /// End an account's second factor (TOTP), e.g. the only admin's lost phone: it then
    /// signs in with its password and, if its role requires one, enrols again.
    ResetTotp {
        #[arg(long)]
        username: String,
        #[arg(long)]
        database: Option<String>,
    },
    /// Issue an API token for an account (shown once).
    IssueToken {
        #[arg(long)]
        username: String,
        /// What the token is for, e.g. "12345 hotline bridge".
        #[arg(long, default_value = "api")]
        label: String,
        /// Days until it expires (1-3650); without it, the `api_token_days` setting (90).
        #[arg(long)]
        days: Option<i64>,
        #[arg(long)]
        database: Option<String>,
    },
    /// List the live tokens of an account (API tokens and sessions), newest first: id,
    /// kind, label, created, expires, last used. Never the tokens themselves.
    ListTokens {
        #[arg(long)]
        username: String,
        #[arg(long)]
        database: Option<String>,
    },
    /// Revoke a token by its id (from list-tokens): it stops working at once.
    RevokeToken {
        #[arg(long)]
        id: i64,
        #[arg(long)]
        database: Option<String>,
    },
}

pub async fn run(settings: Settings, c: AdminCommand) -> Result<(), String> {
    match c {
        AdminCommand::Backup(a) => super::backup::run(settings, a).await,
        AdminCommand::Generate(a) => super::bench::generate(settings, a).await,
        AdminCommand::RebuildRollups { database } => rebuild_rollups(settings, database).await,
        AdminCommand::Keys(k) => super::keys::run(settings, k).await,
        AdminCommand::Audit(a) => super::audit::run(settings, a).await,
        AdminCommand::Accounts(a) => accounts(settings, a).await,
    }
}

async fn rebuild_rollups(mut settings: Settings, database: Option<String>) -> Result<(), String> {
    if let Some(d) = database {
        settings.database = d.into();
    }
    let db = super::open(&settings, false).await?;
    let e = |e: crate::db::DbError| format!("cannot rebuild the rollups: {e}");
    let started = std::time::Instant::now();
    let mut tx = db.begin().await.map_err(e)?;
    let rows = crate::measures::rollups::rebuild(&mut tx)
        .await
        .map_err(e)?;
    tx.commit().await.map_err(e)?;
    println!(
        "rebuilt {rows} rollup rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    Ok(())
}

async fn accounts(mut settings: Settings, c: AccountCommand) -> Result<(), String> {
    let database = match &c {
        AccountCommand::CreateUser { database, .. }
        | AccountCommand::ResetPassword { database, .. }
        | AccountCommand::ResetTotp { database, .. }
        | AccountCommand::IssueToken { database, .. }
        | AccountCommand::ListTokens { database, .. }
        | AccountCommand::RevokeToken { database, .. } => database.clone(),
    };
    if let Some(d) = database {
        settings.database = d.into();
    }
    let db = super::open(&settings, false).await?;
    let result = match c {
        AccountCommand::CreateUser {
            username,
            role,
            display_name,
            street_id,
            community_id,
            unit_id,
            resident_id,
            password_stdin,
            ..
        } => {
            let link = Link {
                street_id,
                community_id,
                unit_id,
                resident_id,
            };
            let st = AppState::new(db.clone(), settings);
            create_user(&st, &username, &role, display_name, link, password_stdin).await
        }
        AccountCommand::ResetPassword {
            username,
            password_stdin,
            ..
        } => {
            let st = AppState::new(db.clone(), settings);
            reset_password(&st, &username, password_stdin).await
        }
        AccountCommand::ResetTotp { username, .. } => {
            let st = AppState::new(db.clone(), settings);
            reset_totp(&st, &username).await
        }
        AccountCommand::IssueToken {
            username,
            label,
            days,
            ..
        } => {
            let st = AppState::new(db.clone(), settings);
            super::tokens::issue(&st, &username, &label, days).await
        }
        AccountCommand::ListTokens { username, .. } => {
            let st = AppState::new(db.clone(), settings);
            super::tokens::list(&st, &username).await
        }
        AccountCommand::RevokeToken { id, .. } => {
            let st = AppState::new(db.clone(), settings);
            super::tokens::revoke(&st, id).await
        }
    };
    db.close().await;
    result
}

/// What a new account is attached to.
struct Link {
    street_id: Option<i64>,
    community_id: Option<i64>,
    unit_id: Option<i64>,
    resident_id: Option<i64>,
}

/// The service's refusal as a sentence (the command line speaks English).
fn said(e: crate::error::Error) -> String {
    crate::web::error::message_in(crate::web::i18n::Lang::En, &e)
}

/// Creates the account through the same door as the admin's pages and API, acting as the
/// system (an admin).
async fn create_user(
    st: &AppState,
    username: &str,
    role: &str,
    display_name: Option<String>,
    link: Link,
    password_stdin: bool,
) -> Result<(), String> {
    let role = Role::parse(role).ok_or_else(|| {
        format!(
            "unknown role {role:?}; one of: {}",
            Role::ALL.map(Role::as_str).join(", ")
        )
    })?;
    let password = if password_stdin {
        Some(read_password()?)
    } else {
        None
    };
    let new = accounts::NewAccount {
        username: Some(username.to_string()),
        display_name,
        role: Some(role),
        street_id: link.street_id,
        community_id: link.community_id,
        unit_id: link.unit_id,
        resident_id: link.resident_id,
        password,
    };
    let made = accounts::create_account(st, &Actor::system(), new)
        .await
        .map_err(said)?;
    let a = &made.account;
    println!(
        "created user {} (id {}, role {})",
        a.username,
        a.id,
        a.role.as_str()
    );
    if let Some(pw) = made.generated_password {
        println!("password: {pw}");
    }
    Ok(())
}

async fn reset_password(st: &AppState, username: &str, password_stdin: bool) -> Result<(), String> {
    let password = if password_stdin {
        Some(read_password()?)
    } else {
        None
    };
    let system = Actor::system();
    let id = accounts::id_of(st, &system, username)
        .await
        .map_err(|_| format!("no user {username:?}"))?;
    let done = accounts::reset_password(st, &system, id, password.as_deref())
        .await
        .map_err(said)?;
    println!("password of {username} reset; the account is unlocked");
    if let Some(pw) = done.generated_password {
        println!("password: {pw}");
    }
    Ok(())
}

async fn reset_totp(st: &AppState, username: &str) -> Result<(), String> {
    let system = Actor::system();
    let id = accounts::id_of(st, &system, username)
        .await
        .map_err(|_| format!("no user {username:?}"))?;
    crate::auth::service::totp::reset_by_admin(st, &system, id)
        .await
        .map_err(said)?;
    println!("two-step verification of {username} reset: it signs in with its password");
    Ok(())
}

/// The password from standard input (the service checks it).
fn read_password() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let pw = s.trim_end_matches(['\n', '\r']).to_string();
    if pw.is_empty() {
        return Err("no password on standard input".into());
    }
    Ok(pw)
}
