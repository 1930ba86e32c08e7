//! `linli admin backup`: a consistent copy of the database while it serves.
//! SQLite: `VACUUM INTO` a new file. PostgreSQL: `pg_dump --format=custom`.
//! Restoring is described in docs/operations.md.

use std::path::PathBuf;

use crate::config::Settings;
use crate::db::{ConnectOptions, Db, Engine, Q, engine_of};

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// The file to write (it must not exist yet).
    #[arg(long)]
    pub to: PathBuf,
    #[arg(long)]
    pub database: Option<String>,
}

pub async fn run(mut settings: Settings, a: BackupArgs) -> Result<(), String> {
    if let Some(d) = a.database {
        settings.database = d.into();
    }
    if a.to.exists() {
        return Err(format!(
            "{} exists already; choose a new file",
            a.to.display()
        ));
    }
    let url = settings.database.expose().to_string();
    match engine_of(&url)? {
        Engine::Sqlite => {
            let db = Db::connect(&ConnectOptions {
                url,
                create: false,
                max_connections: 1,
            })
            .await?;
            let mut c = db.conn().await.map_err(|e| e.to_string())?;
            Q::new("VACUUM INTO $1")
                .bind(a.to.display().to_string())
                .execute(&mut c)
                .await
                .map_err(|e| format!("backup failed: {e}"))?;
            drop(c);
            db.close().await;
        }
        Engine::Postgres => pg_dump(&url, &a.to)?,
    }
    let size = std::fs::metadata(&a.to).map(|m| m.len()).unwrap_or(0);
    println!("backup written to {} ({size} bytes)", a.to.display());
    Ok(())
}

/// Runs `pg_dump`, with the password (if any) in the environment rather than on the
/// command line where other users could read it.
fn pg_dump(url: &str, to: &std::path::Path) -> Result<(), String> {
    let (url_without_password, password) = split_password(url);
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.args(["--format=custom", "--no-owner", "--file"])
        .arg(to)
        .arg(&url_without_password);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().map_err(|e| {
        format!(
            "cannot run pg_dump ({e}); install the PostgreSQL client (Debian: postgresql-client)"
        )
    })?;
    if !out.status.success() {
        return Err(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, Some("secret")).
fn split_password(url: &str) -> (String, Option<String>) {
    if let (Some(s), Some(at)) = (url.find("://"), url.rfind('@'))
        && let Some((user, pass)) = url[s + 3..at].split_once(':')
    {
        return (
            format!("{}{user}{}", &url[..s + 3], &url[at..]),
            Some(pass.to_string()),
        );
    }
    (url.to_string(), None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_leave_the_url() {
        let (u, p) = super::split_password("postgres://linli:s3cret@db:5432/linli");
        assert_eq!(u, "postgres://linli@db:5432/linli");
        assert_eq!(p.as_deref(), Some("s3cret"));
        let (u, p) = super::split_password("postgres://linli@db/linli");
        assert_eq!((u.as_str(), p), ("postgres://linli@db/linli", None));
    }
}
