//! `linli admin`: accounts and API tokens from the command line (tokens: `cli::tokens`).

use std::io::Read;

use clap::Subcommand;

use crate::auth::{Role, password, store, tokens};
use crate::clock::system_now;
use crate::config::Settings;
use crate::db::Db;
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
            create_user(&db, &username, &role, display_name, link, password_stdin).await
        }
        AccountCommand::ResetPassword {
            username,
            password_stdin,
            ..
        } => reset_password(&db, &username, password_stdin).await,
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

fn db_error(e: crate::db::DbError) -> String {
    e.to_string()
}

async fn create_user(
    db: &Db,
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
    let (pw, generated) = new_password(password_stdin)?;
    let hash = password::hash(&pw)?;
    let mut tx = db.begin().await.map_err(db_error)?;
    // Street and community follow from the community when only it is given.
    let street_id = match (link.street_id, link.community_id) {
        (Some(s), _) => Some(s),
        (None, Some(c)) => crate::db::Q::new("SELECT street_id FROM communities WHERE id = $1")
            .bind(c)
            .fetch_optional::<(i64,)>(&mut tx)
            .await
            .map_err(db_error)?
            .map(|r| r.0),
        _ => None,
    };
    let id = store::insert(
        &mut tx,
        &store::NewUser {
            username,
            display_name: display_name.as_deref().unwrap_or(username),
            role,
            password_hash: &hash,
            password_is_demo: false,
            street_id,
            community_id: link.community_id,
            unit_id: link.unit_id,
            resident_id: link.resident_id,
            phone: None,
        },
        system_now(),
    )
    .await
    .map_err(|err| match err {
        crate::db::DbError::Duplicate(_) | crate::db::DbError::Dangling(_) => {
            format!("username {username:?} is taken, or a referenced id does not exist")
        }
        other => other.to_string(),
    })?;
    tx.commit().await.map_err(db_error)?;
    println!("created user {username} (id {id}, role {})", role.as_str());
    if generated {
        println!("password: {pw}");
    }
    Ok(())
}

async fn reset_password(db: &Db, username: &str, password_stdin: bool) -> Result<(), String> {
    let (pw, generated) = new_password(password_stdin)?;
    let hash = password::hash(&pw)?;
    let mut tx = db.begin().await.map_err(db_error)?;
    let user = store::find_by_username(&mut tx, username)
        .await
        .map_err(db_error)?
        .ok_or_else(|| format!("no user {username:?}"))?;
    store::set_password(&mut tx, user.id, &hash, system_now())
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    println!("password of {username} reset; the account is unlocked");
    if generated {
        println!("password: {pw}");
    }
    Ok(())
}

/// The password from standard input, or a generated one (and whether it was generated).
fn new_password(from_stdin: bool) -> Result<(String, bool), String> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let pw = s.trim_end_matches(['\n', '\r']).to_string();
        if let Some(why) = password::weakness(&pw) {
            return Err(match why {
                "password_is_demo" => "that is the published demo password; choose another".into(),
                _ => format!(
                    "the password must have at least {} characters",
                    password::MIN_LENGTH
                ),
            });
        }
        Ok((pw, false))
    } else {
        let (t, _) = tokens::generate();
        Ok((t[3..19].to_string(), true))
    }
}
