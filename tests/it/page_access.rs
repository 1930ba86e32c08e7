//! Every page is for someone: the test walks the router's own table of page routes and
//! opens each as every role. Those it is not for are refused before anything is shown or
//! changed (a resident is sent to the portal, anyone else sees 403); those it is for get
//! past the door.

use axum::http::StatusCode;
use linli::auth::Role;

use crate::common::pages::PageClient;
use crate::common::{TestApp, record};

/// One demo login per role.
pub(crate) const LOGINS: [(Role, &str); 8] = [
    (Role::Resident, "resident"),
    (Role::GridWorker, "grid01"),
    (Role::Volunteer, "volunteer"),
    (Role::Staff, "staff"),
    (Role::Secretary, "secretary"),
    (Role::Street, "street"),
    (Role::Unit, "property"),
    (Role::Admin, "admin"),
];

/// A concrete path for a route: every `{param}` becomes an id that exists.
pub(crate) fn concrete(path: &str, id: i64) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        let name = &rest[open + 1..close - 1];
        out.push_str(&if name == "action" {
            "accept".to_string()
        } else {
            id.to_string()
        });
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_page_route_admits_only_the_roles_it_is_for() {
    let app = TestApp::new().await;
    let routes = linli::app::page_routes();
    assert!(routes.len() >= 15, "the table holds every page: {routes:?}");
    let staff = app.login("staff").await;
    let demand = record(&staff, app.household_in_grid(1).await, "water", "漏水").await;
    let before = app.demand_footprint().await;
    for (role, login) in LOGINS {
        let mut c = PageClient::login(&app, login).await;
        for r in &routes {
            let path = concrete(r.path, demand);
            let got = if r.method == "POST" {
                c.post(&path, &[("csrf", "not-checked-before-the-role")])
                    .await
            } else {
                c.get(&path).await
            };
            let to_portal =
                got.status == StatusCode::SEE_OTHER && got.location.as_deref() == Some("/me");
            if r.allows(role) {
                assert!(
                    got.status != StatusCode::FORBIDDEN || r.method == "POST",
                    "{login} ({role:?}) is refused {} {path}",
                    r.method
                );
                assert!(!to_portal, "{login} is sent away from {path}");
            } else if role == Role::Resident {
                assert!(
                    to_portal,
                    "a resident opening {path} goes to the portal: {got:?}"
                );
            } else {
                assert_eq!(
                    got.status,
                    StatusCode::FORBIDDEN,
                    "{login} ({role:?}) opening {} {path}",
                    r.method
                );
            }
        }
    }
    // Refused forms change nothing; allowed ones without a CSRF token neither.
    assert_eq!(app.demand_footprint().await, before);
}

#[tokio::test]
async fn a_resident_opening_the_workbench_or_a_staff_demand_page_lands_on_the_portal() {
    let app = TestApp::new().await;
    let own = app
        .login("resident")
        .await
        .ok(
            "/api/v1/demands",
            serde_json::json!({"description": "热水器漏水"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let mut c = PageClient::login(&app, "resident").await;
    for path in [
        "/work",
        "/work/demands".to_string().as_str(),
        &format!("/work/demands/{own}"),
    ] {
        let r = c.get(path).await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/me")),
            "{path}"
        );
        assert!(!r.html.contains("导出"), "no export button for a resident");
    }
}
