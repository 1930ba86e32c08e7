//! Application state, the router, and the server loop.

use std::future::Future;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::web::{error, i18n};

/// What every handler can reach. Cheap to clone; nothing in it that a second node would
/// miss (the clock's offset is only ever moved by tests and the demo replay).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Runs writes that benefit from group commit (intake).
    pub writer: crate::db::batch::Writer,
    pub settings: Arc<Settings>,
    pub clock: Clock,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> AppState {
        AppState {
            writer: crate::db::batch::Writer::new(db.clone()),
            db,
            settings: Arc::new(settings),
            clock: Clock::system(),
        }
    }
}

/// Every capability's routes, with the OpenAPI document they describe.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .merge(crate::auth::api::router())
        .merge(crate::roster::api::router())
        .merge(crate::demands::api::router())
        .merge(crate::measures::api::router())
}

/// The OpenAPI 3 document of the whole API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = api().split_for_parts();
    let doc = Arc::new(doc);
    let body_limit = state.settings.max_body_bytes;
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(healthz))
        .merge(crate::web::pages::router())
        .merge(crate::demands::pages::router())
        .route("/dash", get(crate::measures::pages::dashboard))
        .route("/roster", get(crate::roster::pages::index))
        .route(
            "/roster/communities/{id}",
            get(crate::roster::pages::community),
        )
        .route(
            "/roster/compounds/{id}",
            get(crate::roster::pages::compound),
        )
        .route(
            "/roster/buildings/{id}",
            get(crate::roster::pages::building),
        )
        .route(
            "/roster/residents/{id}",
            get(crate::roster::pages::resident),
        )
        .fallback(error::fallback)
        .layer(middleware::from_fn(i18n::detect))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
