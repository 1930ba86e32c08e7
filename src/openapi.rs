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
        (name = "measures", description = "C2/C10 · the three rates and the on-time rate"),
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
