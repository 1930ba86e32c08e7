//! The OpenAPI document's frame: title, description, security. Paths come from the
//! capability routers.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linli (邻里) API",
        description = include_str!("../docs/api.md"),
        license(name = "AGPL-3.0-or-later"),
    ),
    modifiers(&Bearer),
    tags(
        (name = "auth", description = "Login and the caller"),
        (name = "roster", description = "C1 · the jurisdiction tree, people, grids, units, teams"),
        (name = "demands", description = "C2 · the demand closed loop"),
        (name = "councils", description = "C3/C9 · councils and linkage teams: meetings, the three lists, votes, decisions, follow-through"),
        (name = "measures", description = "C2/C10 · the three rates and the on-time rate"),
        (name = "rights", description = "PIPL arts. 44–47 · everything held about a resident; anonymising"),
        (name = "audit", description = "C13 · the audit log: who saw or changed what, when, from where"),
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The answers every operation can give besides its own, added to each where they apply,
/// so the document lists every status an operation can answer: 401 where a token is
/// needed, 404 where a path names something, 400 where a query or a JSON body may not
/// parse, 415 and 422 for a JSON body of the wrong type or shape, 413 for any body over
/// the limit, and 500 and 503 everywhere.
pub fn complete(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{RefOr, Required};
    let described = doc.info.description.take().unwrap_or_default();
    doc.info.description = Some(format!("{described}\n{}", codes_table()));
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let query = op
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
            let body = op.request_body.as_ref().and_then(|b| match b {
                RefOr::T(b) => Some(b),
                RefOr::Ref(_) => None,
            });
            let json = body.is_some_and(|b| b.content.keys().any(|k| k.contains("json")));
            let required_body = body.is_some_and(|b| b.required == Some(Required::True));
            let mut add = |status: &str, what: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error_response(what));
            };
            if secured {
                add(
                    "401",
                    "Not logged in, or the token has expired or was revoked (`unauthorized`)",
                );
            }
            if path.contains('{') {
                add("404", "Nothing there in your scope (`not_found`)");
            }
            if query {
                add("400", "A query parameter does not parse (`invalid_query`)");
            }
            if json {
                add("400", "The body is not JSON (`invalid_json`)");
                add(
                    "415",
                    "The body is not sent as `application/json` (`unsupported_media_type`)",
                );
                add(
                    "422",
                    "A field is missing or invalid (`invalid_body` or the field's own code)",
                );
            }
            if body.is_some() || required_body {
                add(
                    "413",
                    "The body is larger than the configured limit (`body_too_large`)",
                );
            }
            add("500", "A fault of the server (`internal`)");
            add(
                "503",
                "The database does not answer; try again (`database_unavailable`)",
            );
        }
    }
    doc
}

fn error_response(what: &str) -> utoipa::openapi::RefOr<utoipa::openapi::response::Response> {
    use utoipa::openapi::{Content, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(what)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
        .into()
}

/// Every error code of the catalogue with its status and its English message: the table
/// in the document's description, made from `crate::error::Code` so it cannot drift.
fn codes_table() -> String {
    let mut t = String::from(
        "## Error codes\n\nEvery refusal carries one of these codes (`%{name}` stands for a \
         value the message fills in).\n\n| code | status | message (en) |\n|---|---|---|\n",
    );
    for c in crate::error::Code::ALL {
        let message =
            crate::web::i18n::text_in(crate::web::i18n::Lang::En, &format!("error.{}", c.as_str()));
        t.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.as_str(),
            c.status().as_u16(),
            message.replace('|', "\\|")
        ));
    }
    t
}
