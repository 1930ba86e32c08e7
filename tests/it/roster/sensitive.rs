//! Disability and low income are sensitive personal facts, shown like a health note: never
//! in lists or on the building page, in one resident's view only for those who see
//! personal fields whole (and audited), masked for everyone else; picking residents out by
//! such a tag is refused to those who may not see it.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::common::TestApp;
use crate::common::pages::PageClient;

fn tags(v: &Value) -> Vec<String> {
    v["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

/// Rows of the log saying that `user` saw some resident's personal facts whole.
async fn views_by(app: &TestApp, user: i64) -> i64 {
    app.scalar_with(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii' AND user_id = $1",
        user,
    )
    .await
}

/// A resident of the first grid who is disabled and on low income, and their building.
async fn disabled_resident(app: &TestApp) -> (i64, i64) {
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let r = id(&staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "韩桂芳",
                   "tags": ["elderly_alone", "disabled", "low_income"]}),
        )
        .await);
    let building = app
        .scalar_with("SELECT building_id FROM households WHERE id = $1", h)
        .await;
    (r, building)
}

#[tokio::test]
async fn sensitive_tags_stay_out_of_lists_and_the_building_page() {
    let app = TestApp::new().await;
    let (r, building) = disabled_resident(&app).await;
    for who in ["staff", "street", "grid01"] {
        let api = app.login(who).await;
        let list = api
            .fetch(&format!(
                "/api/v1/residents?building_id={building}&limit=500"
            ))
            .await;
        let items = list["items"].as_array().unwrap();
        let mine = items.iter().find(|x| x["id"] == r).expect("listed");
        assert_eq!(tags(mine), vec!["elderly_alone"], "{who}: {mine}");
        for x in items {
            let t = tags(x);
            assert!(
                !t.iter().any(|t| t == "disabled" || t == "low_income"),
                "{who}: {x}"
            );
        }
        let mut pages = PageClient::login(&app, who).await;
        let html = pages
            .page(&format!("/roster/buildings/{building}"))
            .await
            .html;
        assert!(html.contains("韩桂芳（独居老人）"), "{who}: {html}");
        for label in ["残疾", "低收入"] {
            assert!(
                !html.contains(label),
                "{who} sees {label} on the building page"
            );
        }
    }
}

#[tokio::test]
async fn one_resident_s_sensitive_tags_are_whole_for_the_office_and_audited_masked_for_the_street()
{
    let app = TestApp::new().await;
    let (r, _) = disabled_resident(&app).await;
    let staff_id = app.user_id("staff").await;
    let before = pii_views(&app, r, staff_id).await;
    let whole = app
        .login("staff")
        .await
        .fetch(&format!("/api/v1/residents/{r}?reveal=visit"))
        .await;
    assert_eq!(whole["pii"], "whole");
    assert_eq!(
        tags(&whole),
        vec!["disabled", "elderly_alone", "low_income"]
    );
    assert_eq!(pii_views(&app, r, staff_id).await, before + 1);

    let street_id = app.user_id("street").await;
    let masked = app
        .login("street")
        .await
        .fetch(&format!("/api/v1/residents/{r}"))
        .await;
    assert_eq!(masked["pii"], "masked");
    assert_eq!(tags(&masked), vec!["elderly_alone"]);
    assert_eq!(pii_views(&app, r, street_id).await, 0);

    // The pages show the same: the tag for staff once they ask (not before), never for
    // the street.
    let mut staff = PageClient::login(&app, "staff").await;
    let first = staff.page(&format!("/roster/residents/{r}")).await.html;
    assert!(!first.contains("残疾"), "{first}");
    assert!(
        staff
            .page(&format!("/roster/residents/{r}?reveal=visit"))
            .await
            .html
            .contains("残疾")
    );
    let mut street = PageClient::login(&app, "street").await;
    let html = street.page(&format!("/roster/residents/{r}")).await.html;
    assert!(
        html.contains("独居老人") && !html.contains("低收入"),
        "{html}"
    );
}

#[tokio::test]
async fn only_those_who_see_them_whole_pick_residents_out_by_a_sensitive_tag() {
    let app = TestApp::new().await;
    let (r, _) = disabled_resident(&app).await;
    let street = app.login("street").await;
    let street_id = app.user_id("street").await;
    for tag in ["disabled", "low_income", "%20disabled%20"] {
        let refused = street.get(&format!("/api/v1/residents?tag={tag}")).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{tag}: {}",
            refused.body
        );
        assert_eq!(refused.code(), "sensitive_filter");
    }
    assert_eq!(views_by(&app, street_id).await, 0);
    // Other tags stay open to the street.
    let open = street
        .get("/api/v1/residents?tag=elderly_alone&limit=5")
        .await;
    assert_status(&open, StatusCode::OK, "elderly_alone");

    // Staff may, and the log keeps, for each resident listed, that staff saw it.
    let staff = app.login("staff").await;
    let staff_id = app.user_id("staff").await;
    let before = views_by(&app, staff_id).await;
    let list = staff
        .fetch("/api/v1/residents?tag=disabled&limit=500")
        .await;
    let items = list["items"].as_array().unwrap();
    assert!(items.iter().any(|x| x["id"] == r), "{list}");
    assert!(
        items
            .iter()
            .all(|x| !tags(x).contains(&"disabled".to_string()))
    );
    assert_eq!(
        views_by(&app, staff_id).await,
        before + items.len() as i64,
        "one audit row per resident listed"
    );
    // A grid worker picks out those of their own grid.
    let grid01 = app.login("grid01").await;
    let mine = grid01
        .fetch("/api/v1/residents?tag=disabled&limit=500")
        .await;
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == r)
    );
}
