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
    let tls = settings.tls()?;
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
    let serving = match &tls {
        Some(t) => Some(crate::tls::prepare(t, addr)?),
        None => None,
    };
    let scheme = if serving.is_some() { "https" } else { "http" };
    for note in serving.iter().flat_map(|s| &s.notes) {
        eprintln!("{note}");
    }
    if serving.is_none() && cookies_dropped_beyond_loopback(&settings, addr) {
        tracing::warn!(
            %addr,
            "plain HTTP beyond this machine with secure_cookies on: browsers elsewhere \
             drop the sign-in cookie"
        );
        eprintln!("{}", plain_http_warning(addr));
    }
    // Listening for SIGTERM before saying it serves: a stop sent right after is graceful.
    let shutdown = shutdown_signal();
    tracing::info!(%addr, database = %settings.database, scheme, "serving");
    println!("Linli is serving on {scheme}://{addr}/");
    let tls = serving.map(|s| s.config);
    serve_until_signal(listener, tls, AppState::new(db, settings), shutdown).await
}

/// Whether browsers on other machines will drop the `Secure` session cookie: plain HTTP,
/// `secure_cookies` on, an address reachable beyond this machine, and no proxy named (a
/// proxy in front answers over HTTPS; one that does not is told on the login page).
fn cookies_dropped_beyond_loopback(settings: &Settings, addr: std::net::SocketAddr) -> bool {
    settings.secure_cookies
        && !crate::config::canonical(addr.ip()).is_loopback()
        && settings.trusted_proxies.is_empty()
}

fn plain_http_warning(addr: std::net::SocketAddr) -> String {
    format!(
        "Warning: serving plain HTTP on {addr} with secure_cookies on. Browsers on other \
         machines drop the sign-in cookie over plain HTTP, so staff who open \
         http://<this machine>:{port}/ cannot sign in (only http://localhost works). Serve \
         HTTPS: tls_self_signed = true (LINLI_TLS_SELF_SIGNED=true) makes a certificate \
         for the LAN, or give tls_cert and tls_key; or put an HTTPS proxy in front and \
         name it in trusted_proxies; or, as a last resort on a network you trust, set \
         secure_cookies = false. See docs/operations.md, \"HTTPS on a LAN\".",
        port = addr.port()
    )
}

/// Serves (over HTTPS with `tls`) with the background jobs until `shutdown` (from
/// [`shutdown_signal`]).
pub async fn serve_until_signal(
    listener: TcpListener,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let jobs = crate::demands::jobs::spawn(state.clone());
    let db = state.db.clone();
    let r = match tls {
        Some(tls) => crate::app::serve_tls(listener, tls, state, shutdown).await,
        None => crate::app::serve(listener, state, shutdown).await,
    };
    jobs.stop().await;
    db.close().await;
    r.map_err(|e| e.to_string())
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are in place once this returns, before the
/// future is first polled.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut term, mut int) = signals;
            let term = async {
                match term.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async {
                match int.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = term => {},
                _ = int => {},
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}
