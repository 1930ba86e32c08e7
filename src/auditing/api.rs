//! `GET /api/v1/audit`, `GET /api/v1/audit/export`: the audit log, filtered.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::Result;
use crate::export::ExportQuery;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::i18n;
use crate::web::json::ApiQuery;

use super::model::{AuditPage, AuditQuery};
use super::service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(export_audit))
}

/// Entries of the audit log, newest first: sign-ins and failed ones, whole views of
/// personal fields, exports, changes to accounts and the roster — who, when, from which
/// address, about what. Admin reads all of it, the street its street's, the secretary
/// their community's.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 403, description = "Not admin, street or secretary (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A period that is no date (`invalid_time`), a limit out of range (`out_of_range`)", body = ErrorBody),
    ))]
pub async fn list_audit(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>> {
    Ok(Json(service::list(&st, &actor, &q).await?))
}

/// The bytes of a downloaded file (for the API document).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct AuditFileBody(#[allow(dead_code)] pub Vec<u8>);

/// The entries the filters select, newest first, as a CSV or Excel file; the export is
/// itself written to the log. `limit` and `cursor` are ignored.
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "audit", security(("bearer" = [])),
    params(ExportQuery, AuditQuery),
    responses(
        (status = 200, description = "The file, as an attachment named `audit-YYYYMMDD.csv` or `.xlsx`",
            content(
                (inline(AuditFileBody) = "text/csv"),
                (inline(AuditFileBody) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(("content-disposition" = String, description = "attachment; filename=\"audit-YYYYMMDD.csv\""))),
        (status = 403, description = "Not admin, street or secretary (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A period that is no date (`invalid_time`)", body = ErrorBody),
    ))]
pub async fn export_audit(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(e): ApiQuery<ExportQuery>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Response> {
    let file = service::export(&st, &actor, &q, e.format, i18n::current()).await?;
    crate::export::download::download(file).await
}
