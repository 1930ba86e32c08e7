//! The `linli` command line: one subcommand per job, each in its own file.

mod admin;
mod audit;
mod backup;
mod bench;
mod demo;
mod keys;
mod serve;
mod tokens;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;

#[derive(Parser, Debug)]
#[command(
    name = "linli",
    version,
    about = "Linli (邻里): grid-based community governance"
)]
pub struct Cli {
    /// Settings file (TOML). Environment variables `LINLI_*` override it.
    #[arg(long, global = true, env = "LINLI_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API (and run the background jobs).
    Serve(serve::ServeArgs),
    /// Create a fresh demo community in SQLite and serve it.
    Demo(demo::DemoArgs),
    /// Bring the database schema up to date.
    Migrate(DbArgs),
    /// Accounts, tokens and backups.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Settings.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Benchmarks (see docs/performance.md).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// Database URL: sqlite://path/to/linli.db or postgres://user@host/db.
    #[arg(long)]
    pub database: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print the settings in effect (defaults, file, environment).
    Print,
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref(), std::env::vars()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("linli: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&settings.log);
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("linli: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            Command::Serve(a) => serve::run(settings, a).await,
            Command::Demo(a) => demo::run(settings, a).await,
            Command::Migrate(a) => migrate(settings, a).await,
            Command::Admin(c) => admin::run(settings, c).await,
            Command::Bench(c) => bench::run(settings, c).await,
            Command::Config(ConfigCommand::Print) => {
                print!("{}", settings.to_toml());
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linli: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens the database in `settings` (or the one given) and migrates it.
pub async fn open(settings: &Settings, create: bool) -> Result<crate::db::Db, String> {
    let db = crate::db::Db::connect(&crate::db::ConnectOptions {
        url: settings.database.expose().to_string(),
        create,
        max_connections: settings.max_connections,
    })
    .await?;
    crate::db::migrate::run(&db).await?;
    open_vault(&db, &settings.key_path()).await?;
    let chained = crate::audit::chain::adopt(&db)
        .await
        .map_err(|e| e.to_string())?;
    if chained > 0 {
        eprintln!("Chained {chained} audit log rows written before the chain.");
    }
    Ok(db)
}

/// The key file of `db`, read and checked (or made, for a database that has sealed
/// nothing yet), installed as the process's vault; then whatever is not sealed with its
/// active key yet (a database upgraded to encryption) is sealed before anything is served.
pub async fn open_vault(db: &crate::db::Db, path: &std::path::Path) -> Result<(), String> {
    let (vault, how) = crate::vault::keys::open(db, path).await?;
    if how == crate::vault::keys::Opened::Created {
        eprintln!(
            "Created the key file {} for the personal fields this database seals. Keep it \
             apart from the database and its backups: without it they cannot be read.",
            path.display()
        );
    }
    let columns = crate::app::sealed_columns();
    // What this start seals: the sealed columns, and the sensitive tags hidden as hashes.
    let sealed = crate::vault::pass::covering(&columns, &["resident_tags.tag"]);
    if crate::vault::pass::done(db, &vault, &sealed).await? {
        return Ok(());
    }
    let left = crate::vault::pass::left(db, &vault, &columns).await?;
    if left > 0 {
        eprintln!(
            "Sealing {left} personal values with key {}…",
            vault.active()
        );
        let n = crate::vault::pass::run(db, &vault, &columns, |_, _| {}).await?;
        eprintln!("  sealed {n}.");
    }
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    let hidden = crate::roster::store::hide_sensitive_tags(&mut tx)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    if hidden > 0 {
        eprintln!("Stored {hidden} sensitive tags as their keyed hashes.");
    }
    // Nothing is left unless a server still on an older key wrote meanwhile (a rotation
    // under way): then the next start counts again.
    if crate::vault::pass::left(db, &vault, &columns).await? == 0 {
        crate::vault::pass::finished(db, &vault, &sealed).await?;
    }
    Ok(())
}

async fn migrate(mut settings: Settings, a: DbArgs) -> Result<(), String> {
    if let Some(d) = a.database {
        settings.database = d.into();
    }
    let db = crate::db::Db::connect(&crate::db::ConnectOptions {
        url: settings.database.expose().to_string(),
        create: true,
        max_connections: 2,
    })
    .await?;
    let applied = crate::db::migrate::run(&db).await?;
    if applied.is_empty() {
        println!("schema is up to date");
    } else {
        println!("applied migrations {applied:?}");
    }
    db.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
