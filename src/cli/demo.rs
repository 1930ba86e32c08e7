//! `linli demo`: a fresh demo community, served.

use tokio::net::TcpListener;

use crate::auth::password::DEMO_PASSWORD;
use crate::config::Settings;
use crate::state::AppState;

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Where to create the demo database (replaced if it exists).
    #[arg(long, default_value = "sqlite://linli-demo.db")]
    pub database: String,
    /// Create the database and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    /// PostgreSQL only: empty the database first (drops everything in its public schema).
    /// A SQLite demo file is always replaced.
    #[arg(long)]
    pub reset: bool,
}

pub async fn run(mut settings: Settings, a: DemoArgs) -> Result<(), String> {
    settings.database = a.database.clone().into();
    settings.listen = a.listen.clone();
    settings.allow_demo_passwords = true;
    match crate::db::engine_of(&a.database)? {
        crate::db::Engine::Sqlite => remove_sqlite_files(&a.database)?,
        crate::db::Engine::Postgres if a.reset => reset_postgres(&settings).await?,
        crate::db::Engine::Postgres => {}
    }
    let db = super::open(&settings, true).await?;
    let state = AppState::new(db, settings);
    eprintln!("Creating the demo community (9 compounds, 60 buildings, 4,060 households)…");
    let started = std::time::Instant::now();
    let summary = crate::demo::seed(&state, crate::demo::Size::Full)
        .await
        .map_err(|e| format!("cannot create the demo data: {e}"))?;
    eprintln!(
        "Done in {:.1} s: {} residents, {} demands.",
        started.elapsed().as_secs_f64(),
        summary.residents,
        summary.demands
    );
    if a.no_serve {
        state.db.close().await;
        return Ok(());
    }
    let listener = TcpListener::bind(&a.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", a.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let stop = super::serve::shutdown_signal();
    println!();
    println!("Linli demo: {} is serving", summary.community);
    println!("  URL:       http://{addr}/");
    println!("  API docs:  http://{addr}/api/openapi.json");
    println!(
        "  Database:  {}",
        crate::config::DatabaseUrl::from(a.database.as_str())
    );
    println!(
        "  Key file:  {} (the keys of the sealed personal fields)",
        state.settings.key_path().display()
    );
    println!("  Logins (password {DEMO_PASSWORD}):");
    for (user, what) in crate::demo::LOGINS {
        println!("    {user:<10} {what}");
    }
    println!("  Stop with Ctrl-C.");
    super::serve::serve_until_signal(listener, state, stop).await
}

/// Drops everything in the PostgreSQL database's public schema.
async fn reset_postgres(settings: &Settings) -> Result<(), String> {
    let db = crate::db::Db::connect(&crate::db::ConnectOptions {
        url: settings.database.expose().to_string(),
        create: false,
        max_connections: 1,
    })
    .await?;
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    for sql in ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"] {
        crate::db::Q::new(sql)
            .execute(&mut tx)
            .await
            .map_err(|e| format!("cannot reset the database: {e}"))?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    db.close().await;
    Ok(())
}

/// A demo starts from nothing: the file and its WAL companions go.
fn remove_sqlite_files(url: &str) -> Result<(), String> {
    let path = crate::db::sqlite_path(url);
    if path.is_empty() {
        return Ok(());
    }
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{path}{suffix}");
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove the old demo database {p}: {e}")),
        }
    }
    Ok(())
}
