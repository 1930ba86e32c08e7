//! `linli serve`.

use tokio::net::TcpListener;

use crate::config::Settings;
use crate::state::AppState;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Database URL: sqlite://path/to/linli.db or postgres://user@host/db.
    #[arg(long)]
    pub database: Option<String>,
    /// Address to listen on, e.g. 0.0.0.0:8080.
    #[arg(long)]
    pub listen: Option<String>,
    /// Start even though accounts still use the published demo password.
    #[arg(long)]
    pub allow_demo_passwords: bool,
}

pub async fn run(mut settings: Settings, a: ServeArgs) -> Result<(), String> {
    if let Some(d) = a.database {
        settings.database = d.into();
    }
    if let Some(l) = a.listen {
        settings.listen = l;
    }
    settings.allow_demo_passwords |= a.allow_demo_passwords;
    let db = super::open(&settings, false).await?;
    if !settings.allow_demo_passwords {
        let mut c = db.conn().await.map_err(|e| e.to_string())?;
        let n = crate::auth::store::count_demo_passwords(&mut c)
            .await
            .map_err(|e| e.to_string())?;
        if n > 0 {
            return Err(format!(
                "{n} account(s) still use the published demo password; change them with \
                 `linli admin reset-password`, or start with --allow-demo-passwords \
                 (LINLI_ALLOW_DEMO_PASSWORDS=true) if this is a demo"
            ));
        }
    }
    let listener = TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let stop = shutdown_signal();
    tracing::info!(%addr, database = %settings.database, "serving");
    println!("Linli is serving on http://{addr}/");
    serve_until_signal(listener, AppState::new(db, settings), stop).await
}

/// Serves with the background jobs until `stop` (from [`shutdown_signal`]) fires.
pub async fn serve_until_signal(
    listener: TcpListener,
    state: AppState,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let jobs = crate::demands::jobs::spawn(state.clone());
    let db = state.db.clone();
    let r = crate::app::serve(listener, state, stop).await;
    jobs.stop().await;
    db.close().await;
    r.map_err(|e| e.to_string())
}

/// Fires on SIGTERM or Ctrl-C. The handlers are installed when this is called, not when
/// it is first awaited: call it before saying the server serves. (Installed lazily, they
/// came only once the router was built, and a SIGTERM meanwhile, such as a supervisor
/// stopping the server at once, killed it instead of stopping it.)
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (int, term) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = async |s: Option<tokio::signal::unix::Signal>| match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            };
            tokio::select! {
                _ = wait(int) => {},
                _ = wait(term) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
