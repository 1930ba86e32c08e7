//! `GET /api/v1/demands/export`: the demand list as a CSV or Excel file.

use axum::extract::State;
use axum::response::Response;
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::i18n;
use crate::web::json::ApiQuery;

use super::super::download;
use super::super::export::ExportQuery;
use super::super::model::ListQuery;
use super::super::service;

/// The bytes of a downloaded file (for the API document).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct File(#[allow(dead_code)] pub Vec<u8>);

/// Every demand the caller can see that passes the list's filters, newest first, as a
/// file: headers and labels in the caller's language, phones masked, no ID numbers.
/// `limit` and `cursor` are ignored: every matching row is exported. For staff (grid
/// workers, the office, the street, admin) only.
#[utoipa::path(get, path = "/api/v1/demands/export", tag = "demands",
    security(("bearer" = [])),
    params(ExportQuery, ListQuery),
    responses(
        (status = 200, description = "The file, as an attachment named `demands-YYYYMMDD.csv` or `.xlsx`",
            content(
                (inline(File) = "text/csv"),
                (inline(File) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(("content-disposition" = String, description = "attachment; filename=\"demands-YYYYMMDD.csv\""))),
        (status = 400, description = "Unknown format or a filter that does not parse (`invalid_query`)", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not staff: residents, volunteers and units read the list (`staff_only`)", body = ErrorBody),
    ))]
pub async fn export_demands(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(e): ApiQuery<ExportQuery>,
    ApiQuery(f): ApiQuery<ListQuery>,
) -> Result<Response> {
    let export = service::export(&st, &actor, &f, e.format, i18n::current()).await?;
    download::export(st, export).await
}
