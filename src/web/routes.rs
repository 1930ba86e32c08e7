//! Who may open which page. Every page route is registered through [`PageRoutes`] with the
//! roles it is for; the table of all of them is what the router serves and what the tests
//! enumerate, so no page can be added without saying whom it is for.
//!
//! The check itself is in the [`PageUser`](super::session::PageUser) extractor: the route
//! carries its roles as a request extension, and a signed-in person whose role is not
//! among them is refused before the handler runs: a resident is sent to the portal, anyone
//! else sees a 403 page. A page that extracts a `PageUser` without saying whom it is for
//! is refused too.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use axum::{Extension, Router};
use utoipa_axum::router::OpenApiRouter;

use crate::auth::role::Role;
use crate::state::AppState;
use crate::web::pages::PageError;
use crate::web::session::PageUser;

pub use super::session::Allowed;

/// The community's workers: office staff, secretaries, grid workers, the street, admin.
pub const STAFF: &[Role] = &[
    Role::GridWorker,
    Role::Staff,
    Role::Secretary,
    Role::Street,
    Role::Admin,
];

/// Everyone who may be given an order: the staff, volunteers and units.
pub const WORKERS: &[Role] = &[
    Role::GridWorker,
    Role::Staff,
    Role::Secretary,
    Role::Street,
    Role::Admin,
    Role::Volunteer,
    Role::Unit,
];

/// Residents, on the portal.
pub const RESIDENTS: &[Role] = &[Role::Resident];

/// Anyone signed in.
pub const ANYONE: &[Role] = &Role::ALL;

/// One page route: its method, its path as the router knows it, and whom it is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub roles: &'static [Role],
}

impl PageRoute {
    pub fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A record that capabilities above its owner add sections to: a resident's record shows
/// their demands (and, as they come, their care visits, mediation cases and points) without
/// the roster reading what is above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Resident,
}

/// One section's HTML (rendered by its capability, escaped by its template), or none for a
/// reader who may not see it.
pub type SectionFuture = Pin<Box<dyn Future<Output = Result<Option<String>, PageError>> + Send>>;

/// What a capability shows on a record: given the record's id and the reader.
#[derive(Clone, Copy)]
pub struct Section {
    pub record: Record,
    pub render: fn(AppState, PageUser, i64) -> SectionFuture,
}

/// Every capability's sections, carried to the pages as a request extension.
#[derive(Clone, Default)]
pub struct Sections(Arc<Vec<Section>>);

impl Sections {
    /// The sections of one record, in the order the capabilities were assembled.
    pub async fn render(
        &self,
        st: &AppState,
        u: &PageUser,
        record: Record,
        id: i64,
    ) -> Result<Vec<String>, PageError> {
        let mut out = Vec::new();
        for s in self.0.iter().filter(|s| s.record == record) {
            if let Some(html) = (s.render)(st.clone(), u.clone(), id).await? {
                out.push(html);
            }
        }
        Ok(out)
    }
}

/// A capability's pages: the router, the table of whom each route is for, and the sections
/// it adds to records below it.
#[derive(Default)]
pub struct PageRoutes {
    router: Router<AppState>,
    table: Vec<PageRoute>,
    sections: Vec<Section>,
}

impl PageRoutes {
    pub fn new() -> PageRoutes {
        PageRoutes::default()
    }

    /// A page (GET) for `roles`.
    pub fn get<H, T>(self, path: &'static str, roles: &'static [Role], h: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(path, roles, &[Method::GET], get(h))
    }

    /// A form's target (POST) for `roles`.
    pub fn post<H, T>(self, path: &'static str, roles: &'static [Role], h: H) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(path, roles, &[Method::POST], post(h))
    }

    /// A page and its form on one path, both for `roles`.
    pub fn get_post<H, T, P, U>(
        self,
        path: &'static str,
        roles: &'static [Role],
        page: H,
        form: P,
    ) -> PageRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
        P: Handler<U, AppState>,
        U: 'static,
    {
        self.add(
            path,
            roles,
            &[Method::GET, Method::POST],
            get(page).post(form),
        )
    }

    fn add(
        mut self,
        path: &'static str,
        roles: &'static [Role],
        methods: &[Method],
        route: MethodRouter<AppState>,
    ) -> PageRoutes {
        self.router = self
            .router
            .route(path, route.route_layer(Extension(Allowed(roles))));
        for m in methods {
            self.table.push(PageRoute {
                method: if *m == Method::POST { "POST" } else { "GET" },
                path,
                roles,
            });
        }
        self
    }

    pub fn merge(mut self, other: PageRoutes) -> PageRoutes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self.sections.extend(other.sections);
        self
    }

    /// A section this capability shows on a record that belongs to a capability below it.
    pub fn section(
        mut self,
        record: Record,
        render: fn(AppState, PageUser, i64) -> SectionFuture,
    ) -> PageRoutes {
        self.sections.push(Section { record, render });
        self
    }

    /// Routes that are not pages for someone signed in (login, the stylesheet): served as
    /// they are, outside the table.
    pub fn public(mut self, router: Router<AppState>) -> PageRoutes {
        self.router = self.router.merge(router);
        self
    }

    pub fn table(&self) -> &[PageRoute] {
        &self.table
    }

    /// The pages, each request carrying every record's sections.
    pub fn into_router(self) -> Router<AppState> {
        self.router
            .layer(Extension(Sections(Arc::new(self.sections))))
    }
}

/// A capability's routes: its API (with the OpenAPI document it describes) and its pages.
/// The top-level assembly is a list of these, merged.
pub struct Routes {
    pub api: OpenApiRouter<AppState>,
    pub pages: PageRoutes,
}

impl Routes {
    pub fn new(api: OpenApiRouter<AppState>, pages: PageRoutes) -> Routes {
        Routes { api, pages }
    }

    /// Only an API.
    pub fn api(api: OpenApiRouter<AppState>) -> Routes {
        Routes::new(api, PageRoutes::new())
    }

    /// Only pages.
    pub fn pages(pages: PageRoutes) -> Routes {
        Routes::new(OpenApiRouter::new(), pages)
    }

    pub fn merge(self, other: Routes) -> Routes {
        Routes {
            api: self.api.merge(other.api),
            pages: self.pages.merge(other.pages),
        }
    }
}
