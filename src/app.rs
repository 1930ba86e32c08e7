//! The router: every capability's routes (API and pages together) merged into one, the
//! layers every request passes, and the server loop. State lives in `state.rs`; each
//! capability's `router()` is its own business.

use std::future::Future;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router, middleware};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::config::Settings;
use crate::state::AppState;
use crate::web::routes::{PageRoute, Routes};
use crate::web::{error, headers, i18n};

/// Every capability's routes: its API (with the OpenAPI document it describes) and its
/// pages (with whom each is for).
fn routes() -> Routes {
    Routes::api(OpenApiRouter::with_openapi(
        crate::openapi::ApiDoc::openapi(),
    ))
    .merge(crate::web::router())
    .merge(crate::auth::router())
    .merge(crate::roster::router())
    .merge(crate::demands::router())
    .merge(crate::councils::router())
    .merge(crate::measures::router())
    .merge(crate::auditing::router())
    .merge(crate::rights::router())
}

/// The OpenAPI 3 document of the whole API.
/// Every column any capability keeps sealed (`vault::Column`), for the passes that seal
/// and reseal them.
pub fn sealed_columns() -> Vec<crate::vault::Column> {
    [
        crate::auth::store::SEALED,
        crate::roster::SEALED,
        crate::demands::store::SEALED,
    ]
    .concat()
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::openapi::complete(routes().api.split_for_parts().1)
}

/// Every page route, with the roles it is for.
pub fn page_routes() -> Vec<PageRoute> {
    routes().pages.table().to_vec()
}

pub fn router(state: AppState) -> Router {
    let Routes { api, pages } = routes();
    let (api, doc) = api.split_for_parts();
    let doc = Arc::new(crate::openapi::complete(doc));
    let routes = api
        .merge(pages.into_router())
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(healthz))
        .fallback(crate::web::pages::fallback);
    with_layers(routes, &state.settings).with_state(state)
}

/// The layers every request passes, outermost last.
pub fn with_layers(routes: Router<AppState>, settings: &Settings) -> Router<AppState> {
    routes
        .layer(middleware::from_fn(crate::web::json::refuse_nul))
        // No input may drop a connection: a panic is a 500 with the error body, in the
        // request's language (inside the language layer) and logged with its request
        // (inside the trace layer).
        .layer(CatchPanicLayer::custom(error::panicked))
        .layer(middleware::from_fn_with_state(
            i18n::SecureCookies(settings.secure_cookies),
            i18n::detect,
        ))
        .layer(middleware::from_fn_with_state(
            crate::web::client::Trusted(settings.trusted_proxies.clone().into()),
            crate::web::client::remember,
        ))
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        // Outside everything that answers (handlers, the fallback, refusals, panics), so
        // no response leaves without them.
        .layer(middleware::from_fn_with_state(
            headers::SecurityHeaders::new(settings.sends_hsts()),
            headers::add,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
}

/// The span of a request in the log: its method and path, never its query string (a
/// search sends phones and ID numbers there) nor its headers (tokens, cookies).
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(st): State<AppState>) -> Response {
    match st.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "database_unavailable"})),
            )
                .into_response()
        }
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight. Each request
/// knows the address it came from (`web::client::ClientAddr`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// [`serve`] over HTTPS: every connection is TLS with `tls` (a plain-HTTP one is sent to
/// the same address over HTTPS, `tls::TlsListener`).
pub async fn serve_tls(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Through `tap_io` axum gives each request its peer's address (`ConnectInfo`, read
    // by `web::client::ClientAddr`) as on a plain listener; the tap itself sends small
    // TLS records without waiting to fill a packet.
    let listener = crate::tls::TlsListener::new(listener, tls)?.tap_io(|s| {
        let _ = s.get_ref().0.set_nodelay(true);
    });
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
