//! Every roster write is attributed: the audit log says who made it, when, and which
//! fields changed (personal ones by name only), and the community's office reads it back
//! as the object's history, within their scope.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::common::{Client, TestApp};

/// The audit rows of one object's changes (not its views).
async fn changes_logged(app: &TestApp, kind: &str, object: i64) -> Vec<(String, Option<i64>)> {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new(
        "SELECT action, user_id FROM audit_log WHERE object_kind = $1 AND object_id = $2 \
         AND action IN ('create', 'update', 'delete') ORDER BY id",
    )
    .bind(kind)
    .bind(object)
    .fetch_all::<(String, Option<i64>)>(&mut c)
    .await
    .unwrap()
}

/// Every detail the log holds for one object, as one text.
async fn details(app: &TestApp, kind: &str, object: i64) -> String {
    let mut c = app.state.db.conn().await.unwrap();
    let rows = linli::db::Q::new(
        "SELECT detail FROM audit_log WHERE object_kind = $1 AND object_id = $2 ORDER BY id",
    )
    .bind(kind)
    .bind(object)
    .fetch_all::<(String,)>(&mut c)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(d,)| d)
        .collect::<Vec<_>>()
        .join("\n")
}

async fn history(who: &Client<'_>, kind: &str, object: i64) -> crate::common::Resp {
    who.get(&format!(
        "/api/v1/roster/history?object_kind={kind}&object_id={object}"
    ))
    .await
}

fn change<'a>(entry: &'a Value, field: &str) -> &'a Value {
    entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == field)
        .unwrap_or_else(|| panic!("{field} in {entry}"))
}

#[tokio::test]
async fn a_resident_s_history_says_who_changed_what_and_keeps_personal_values_out() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let n = id_number("19560312", "041");
    let r = id(&staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "吴秀兰", "id_number": n,
                   "phone": "13987654321", "health_note": "糖尿病",
                   "tags": ["elderly_alone", "disabled"]}),
        )
        .await);
    let patched = staff
        .patch(
            &format!("/api/v1/residents/{r}"),
            json!({"name": "吴秀英", "phone": "13987650000", "relation": "户主"}),
        )
        .await;
    assert_status(&patched, StatusCode::OK, "patch");

    let staff_id = app.user_id("staff").await;
    assert_eq!(
        changes_logged(&app, "resident", r).await,
        vec![
            ("create".to_string(), Some(staff_id)),
            ("update".to_string(), Some(staff_id))
        ]
    );
    let log = details(&app, "resident", r).await;
    for secret in [
        n.as_str(),
        "13987654321",
        "13987650000",
        "糖尿病",
        "disabled",
    ] {
        assert!(!log.contains(secret), "{secret} in the audit log: {log}");
    }

    let page = history(&staff, "resident", r).await.body;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    let (created, updated) = (&items[0], &items[1]);
    assert_eq!(created["action"], "create");
    assert_eq!(created["user_id"], staff_id);
    assert_eq!(created["user_name"], "刘佳");
    assert_eq!(change(created, "name")["new"], "吴秀兰");
    assert_eq!(change(created, "sensitive_tags")["hidden"], true);
    assert_eq!(change(created, "tags")["new"], "elderly_alone");
    assert_eq!(updated["action"], "update");
    let name = change(updated, "name");
    assert_eq!(
        (&name["old"], &name["new"]),
        (&json!("吴秀兰"), &json!("吴秀英"))
    );
    let phone = change(updated, "phone");
    assert_eq!(phone["hidden"], true);
    assert!(phone["old"].is_null() && phone["new"].is_null(), "{phone}");
    assert_eq!(change(updated, "relation")["new"], "户主");
    assert!(
        updated["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["field"] != "id_number"),
        "the ID number did not change: {updated}"
    );
    assert!(updated["at"].as_str().is_some_and(|t| t.contains('T')));

    // The worker of the resident's grid and the street read it; another grid's worker,
    // another community's office and a volunteer do not.
    for who in ["grid01", "street", "secretary", "admin"] {
        let r = history(&app.login(who).await, "resident", r).await;
        assert_status(&r, StatusCode::OK, who);
        assert_eq!(r.body["items"].as_array().unwrap().len(), 2, "{who}");
    }
    for (who, status) in [
        ("grid02", StatusCode::NOT_FOUND),
        ("dongli", StatusCode::NOT_FOUND),
        ("volunteer", StatusCode::FORBIDDEN),
        ("resident", StatusCode::FORBIDDEN),
    ] {
        let resp = history(&app.login(who).await, "resident", r).await;
        assert_eq!(resp.status, status, "{who}: {}", resp.body);
    }
    // A grid worker reads no building's history.
    let building = app
        .scalar_with("SELECT building_id FROM households WHERE id = $1", h)
        .await;
    let resp = history(&app.login("grid01").await, "building", building).await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN, "{}", resp.body);
}

#[tokio::test]
async fn every_kind_of_roster_write_is_attributed() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let (admin_id, staff_id) = (app.user_id("admin").await, app.user_id("staff").await);
    let street = id(&admin
        .ok("/api/v1/streets", json!({"name": "审计街道"}))
        .await);
    let community = id(&admin
        .ok(
            "/api/v1/communities",
            json!({"street_id": street, "name": "审计社区"}),
        )
        .await);
    let compound = id(&staff
        .ok("/api/v1/compounds", json!({"name": "审计小区"}))
        .await);
    let building = id(&staff
        .ok(
            "/api/v1/buildings",
            json!({"compound_id": compound, "name": "审计楼", "floors": 6}),
        )
        .await);
    let household = id(&staff
        .ok(
            "/api/v1/households",
            json!({"building_id": building, "room": "101"}),
        )
        .await);
    let resident = id(&staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": household, "name": "审计人"}),
        )
        .await);
    let grid = id(&staff
        .ok(
            "/api/v1/grids",
            json!({"name": "审计网格", "building_ids": [building]}),
        )
        .await);
    let branch = id(&staff
        .ok(
            "/api/v1/party-branches",
            json!({"name": "审计支部", "grid_ids": [grid]}),
        )
        .await);
    let unit = id(&staff
        .ok(
            "/api/v1/units",
            json!({"kind": "member", "name": "审计单位"}),
        )
        .await);
    let team = id(&staff
        .ok(
            "/api/v1/teams",
            json!({"kind": "volunteer", "name": "审计队", "member_user_ids": [staff_id]}),
        )
        .await);
    let created = [
        ("street", street, admin_id),
        ("community", community, admin_id),
        ("compound", compound, staff_id),
        ("building", building, staff_id),
        ("household", household, staff_id),
        ("resident", resident, staff_id),
        ("grid", grid, staff_id),
        ("party_branch", branch, staff_id),
        ("unit", unit, staff_id),
        ("team", team, staff_id),
    ];
    for (kind, object, user) in created {
        let logged = changes_logged(&app, kind, object).await;
        assert_eq!(logged[0], ("create".to_string(), Some(user)), "{kind}");
    }
    // The building joined the grid when the grid was made: its history says so.
    let b = history(&staff, "building", building).await;
    let moved = &b.body["items"].as_array().unwrap()[1];
    assert_eq!(moved["action"], "update", "{}", b.body);
    assert_eq!(change(moved, "grid_id")["new"], grid.to_string());

    // Edits and deletes are recorded too, with what changed and what was.
    let t = staff
        .put(
            &format!("/api/v1/teams/{team}/members"),
            json!({"user_ids": []}),
        )
        .await;
    assert_status(&t, StatusCode::OK, "members");
    let h = history(&staff, "team", team).await;
    let members = change(&h.body["items"][1], "member_user_ids").clone();
    assert_eq!(
        (&members["old"], &members["new"]),
        (&json!(staff_id.to_string()), &Value::Null)
    );
    let d = staff.delete(&format!("/api/v1/units/{unit}")).await;
    assert_status(&d, StatusCode::NO_CONTENT, "delete unit");
    let gone = history(&staff, "unit", unit).await;
    assert_status(&gone, StatusCode::OK, "the history of a deleted unit");
    let last = &gone.body["items"][1];
    assert_eq!(last["action"], "delete");
    assert_eq!(last["user_name"], "刘佳");
    assert_eq!(change(last, "name")["old"], "审计单位");
    // Out of scope, a deleted object is as unknown as a live one.
    let dongli = app.login("dongli").await;
    assert_eq!(
        history(&dongli, "unit", unit).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        history(&staff, "unit", 987_654_321).await.status,
        StatusCode::NOT_FOUND
    );
}
