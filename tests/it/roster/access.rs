//! Scope and privacy: who sees which part of the roster, masked or whole.

use axum::http::StatusCode;
use serde_json::json;

use super::*;
use crate::common::TestApp;

#[tokio::test]
async fn lists_mask_personal_information_and_whole_views_are_audited() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let n = id_number("19430708", "024");
    let r = id(&staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "潘阿姨", "id_number": n, "phone": "13912345678",
                   "health_note": "高血压"}),
        )
        .await);
    // Lists mask for everyone, staff included, and write no audit row.
    let list = staff
        .fetch(&format!("/api/v1/residents?household_id={h}&limit=500"))
        .await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == r)
        .expect("the new resident is listed")
        .clone();
    assert_eq!(row["phone"], "139****5678");
    assert_eq!(row["id_number"], format!("1301**********{}", &n[14..]));
    assert_eq!(row["health_note"], "***");
    assert_eq!(row["pii"], "masked");
    let staff_id = app.user_id("staff").await;
    assert_eq!(pii_views(&app, r, staff_id).await, 0);

    // Staff see one resident masked until they ask, with a reason, to see it whole.
    let asked = staff.fetch(&format!("/api/v1/residents/{r}")).await;
    assert_eq!(asked["pii"], "masked");
    assert_eq!(asked["phone"], "139****5678");
    assert_eq!(asked["may_reveal"], true);
    assert_eq!(pii_views(&app, r, staff_id).await, 0);
    for bad in ["", "%20%20"] {
        let refused = staff
            .get(&format!("/api/v1/residents/{r}?reveal={bad}"))
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.code(), "missing_field");
    }
    let long = "x".repeat(101);
    let refused = staff
        .get(&format!("/api/v1/residents/{r}?reveal={long}"))
        .await;
    assert_eq!(refused.code(), "text_too_long");
    assert_eq!(pii_views(&app, r, staff_id).await, 0);
    // Then they see it whole, and the view is audited with the reason.
    let whole = staff
        .fetch(&format!("/api/v1/residents/{r}?reveal=visit"))
        .await;
    assert_eq!(whole["phone"], "13912345678");
    assert_eq!(whole["id_number"], n);
    assert_eq!(whole["health_note"], "高血压");
    assert_eq!(whole["pii"], "whole");
    assert_eq!(pii_views(&app, r, staff_id).await, 1);
    let with_reason = app
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii' \
             AND detail LIKE '%reason=visit'",
        )
        .await;
    assert_eq!(with_reason, 1);

    // So does the worker of the resident's grid.
    let grid01 = app.login("grid01").await;
    assert_eq!(
        grid01
            .fetch(&format!("/api/v1/residents/{r}?reveal=visit"))
            .await["pii"],
        "whole"
    );
    assert_eq!(pii_views(&app, r, app.user_id("grid01").await).await, 1);

    // The street sees it masked, and nothing is audited for it.
    let street = app.login("street").await;
    let masked = street.fetch(&format!("/api/v1/residents/{r}")).await;
    assert_eq!(masked["phone"], "139****5678");
    assert_eq!(masked["may_reveal"], false);
    let refused = street
        .get(&format!("/api/v1/residents/{r}?reveal=visit"))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(masked["health_note"], "***");
    assert_eq!(pii_views(&app, r, app.user_id("street").await).await, 0);
}

#[tokio::test]
async fn a_grid_worker_sees_and_keeps_only_their_own_grid() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let grid01 = app.login("grid01").await;
    let h1 = app.household_in_grid(1).await;
    let h2 = app.household_in_grid(2).await;
    let other = id(&staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h2, "name": "赵大爷"}),
        )
        .await);

    let r = grid01.get(&format!("/api/v1/residents/{other}")).await;
    assert_status(
        &r,
        StatusCode::NOT_FOUND,
        "grid01 reads a resident of grid02",
    );
    let r = grid01
        .patch(&format!("/api/v1/residents/{other}"), json!({"name": "x"}))
        .await;
    assert_status(
        &r,
        StatusCode::NOT_FOUND,
        "grid01 changes a resident of grid02",
    );
    let list = grid01
        .fetch(&format!("/api/v1/residents?household_id={h2}"))
        .await;
    assert_eq!(list["items"], json!([]));
    let my_grid = app
        .scalar_with("SELECT grid_id FROM buildings b JOIN households h ON h.building_id = b.id WHERE h.id = $1", h1)
        .await;
    let all = grid01.fetch("/api/v1/residents?limit=500").await;
    let items = all["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|x| x["grid_id"] == my_grid), "{all}");
    let households = grid01.fetch("/api/v1/households?limit=500").await;
    assert!(
        households["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["grid_id"] == my_grid)
    );

    // They read the whole tree of the community, but write only residents of their grid.
    grid01.fetch("/api/v1/buildings").await;
    let mine = grid01
        .post(
            "/api/v1/residents",
            json!({"household_id": h1, "name": "新住户"}),
        )
        .await;
    assert_status(
        &mine,
        StatusCode::CREATED,
        "grid01 adds a resident to its grid",
    );
    let theirs = grid01
        .post(
            "/api/v1/residents",
            json!({"household_id": h2, "name": "新住户"}),
        )
        .await;
    assert_invalid(&theirs, "household_id", "unknown_household");
    let b = grid01
        .post("/api/v1/households", json!({"building_id": 1, "room": "9"}))
        .await;
    assert_status(&b, StatusCode::FORBIDDEN, "grid01 adds a household");
}

#[tokio::test]
async fn another_community_is_not_found() {
    let app = TestApp::new().await;
    let dongli = app.login("dongli").await;
    let community = yucheng(&app).await;
    let b = app
        .scalar_with(
            "SELECT MIN(id) FROM buildings WHERE community_id = $1",
            community,
        )
        .await;
    for r in [
        dongli.get(&format!("/api/v1/buildings/{b}")).await,
        dongli
            .patch(&format!("/api/v1/buildings/{b}"), json!({"name": "x"}))
            .await,
        dongli.delete(&format!("/api/v1/buildings/{b}")).await,
        dongli
            .get(&format!("/api/v1/communities/{community}"))
            .await,
    ] {
        assert_status(&r, StatusCode::NOT_FOUND, "dongli reaches into Yucheng");
    }
    let list = dongli.fetch("/api/v1/buildings?limit=500").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["community_id"] != community)
    );
    let r = dongli
        .post(
            "/api/v1/compounds",
            json!({"community_id": community, "name": "越界小区"}),
        )
        .await;
    assert_invalid(&r, "community_id", "unknown_community");
}

#[tokio::test]
async fn residents_only_look_up_units_and_teams() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    for path in [
        "/api/v1/residents",
        "/api/v1/buildings",
        "/api/v1/households",
    ] {
        assert_status(&resident.get(path).await, StatusCode::FORBIDDEN, path);
    }
    let r = app.scalar("SELECT MIN(id) FROM residents").await;
    assert_status(
        &resident.get(&format!("/api/v1/residents/{r}")).await,
        StatusCode::NOT_FOUND,
        "a resident reads another",
    );
    let r = resident
        .post("/api/v1/compounds", json!({"name": "x"}))
        .await;
    assert_status(&r, StatusCode::FORBIDDEN, "a resident creates a compound");
    let units = resident.fetch("/api/v1/units").await;
    assert!(!units["items"].as_array().unwrap().is_empty());
    resident.fetch("/api/v1/teams").await;
    let volunteer = app.login("volunteer").await;
    assert_status(
        &volunteer.get("/api/v1/residents").await,
        StatusCode::FORBIDDEN,
        "volunteer",
    );
    volunteer.fetch("/api/v1/units").await;
}
