//! Staff, admin and the street keep the tree: create, read, change, delete; grids, teams,
//! branches; deletes refused while in use.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::common::TestApp;

#[tokio::test]
async fn staff_keeps_the_tree_from_compound_to_resident() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let community = yucheng(&app).await;

    let compound = staff
        .ok(
            "/api/v1/compounds",
            json!({"name": "测试小区", "address": "测试路1号"}),
        )
        .await;
    assert_eq!(compound["community_id"], community);
    let c = id(&compound);
    let building = staff
        .ok(
            "/api/v1/buildings",
            json!({"compound_id": c, "name": "1号楼", "floors": 6}),
        )
        .await;
    let b = id(&building);
    assert_eq!(building["community_id"], community);
    let household = staff
        .ok(
            "/api/v1/households",
            json!({"building_id": b, "unit_no": "1", "room": "101"}),
        )
        .await;
    let h = id(&household);
    let resident = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "王秀英", "id_number": id_number("19450312", "002"),
                   "phone": "13833334444", "tags": ["elderly_alone", "爱心"]}),
        )
        .await;
    let r = id(&resident);
    assert_eq!(resident["birth_date"], "1945-03-12");
    assert_eq!(resident["gender"], "female");
    assert_eq!(resident["tags"], json!(["elderly_alone", "爱心"]));

    // Read each back.
    assert_eq!(
        staff.fetch(&format!("/api/v1/compounds/{c}")).await["name"],
        "测试小区"
    );
    assert_eq!(
        staff.fetch(&format!("/api/v1/buildings/{b}")).await["floors"],
        6
    );
    assert_eq!(
        staff.fetch(&format!("/api/v1/households/{h}")).await["room"],
        "101"
    );
    assert_eq!(
        staff.fetch(&format!("/api/v1/residents/{r}")).await["name"],
        "王秀英"
    );

    // Change each.
    let p = staff
        .patch(
            &format!("/api/v1/compounds/{c}"),
            json!({"name": "测试新村"}),
        )
        .await;
    assert_status(&p, StatusCode::OK, "patch compound");
    assert_eq!(
        (p.body["name"].clone(), p.body["address"].clone()),
        (json!("测试新村"), json!("测试路1号"))
    );
    let p = staff
        .patch(&format!("/api/v1/buildings/{b}"), json!({"floors": null}))
        .await;
    assert_status(&p, StatusCode::OK, "patch building");
    assert_eq!(p.body["floors"], Value::Null);
    let p = staff
        .patch(&format!("/api/v1/households/{h}"), json!({"room": "102"}))
        .await;
    assert_eq!(p.body["room"], "102");
    let p = staff
        .patch(
            &format!("/api/v1/residents/{r}"),
            json!({"tags": ["disabled"], "relation": "户主"}),
        )
        .await;
    assert_status(&p, StatusCode::OK, "patch resident");
    // The answer is masked, so the sensitive tag is not in it; the whole view has it.
    assert_eq!(p.body["tags"], json!([]));
    assert_eq!(
        staff
            .fetch(&format!("/api/v1/residents/{r}?reveal=visit"))
            .await["tags"],
        json!(["disabled"])
    );
    assert_eq!(p.body["relation"], "户主");
    assert_eq!(p.body["birth_date"], "1945-03-12");

    // Delete from the leaves up; each is gone afterwards.
    for path in [
        format!("/api/v1/residents/{r}"),
        format!("/api/v1/households/{h}"),
        format!("/api/v1/buildings/{b}"),
        format!("/api/v1/compounds/{c}"),
    ] {
        assert_status(&staff.delete(&path).await, StatusCode::NO_CONTENT, &path);
        assert_status(&staff.get(&path).await, StatusCode::NOT_FOUND, &path);
    }
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM resident_tags WHERE resident_id = $1",
            r
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_building_with_households_is_in_use() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let h = app.household_in_grid(3).await;
    let b = app
        .scalar_with("SELECT building_id FROM households WHERE id = $1", h)
        .await;
    let r = staff.delete(&format!("/api/v1/buildings/{b}")).await;
    assert_status(
        &r,
        StatusCode::CONFLICT,
        "delete a building with households",
    );
    assert_eq!(r.code(), "in_use");
    staff.fetch(&format!("/api/v1/buildings/{b}")).await;
    let c = app
        .scalar_with("SELECT compound_id FROM buildings WHERE id = $1", b)
        .await;
    let r = staff.delete(&format!("/api/v1/compounds/{c}")).await;
    assert_eq!(r.code(), "in_use");
}

#[tokio::test]
async fn grids_hold_buildings_of_their_community_and_one_grid_worker() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let community = yucheng(&app).await;
    let grid01 = app.user_id("grid01").await;
    let r = staff
        .post(
            "/api/v1/grids",
            json!({"name": "第十三网格", "worker_user_id": app.user_id("staff").await}),
        )
        .await;
    assert_invalid(&r, "worker_user_id", "unknown_worker");
    let g = staff
        .ok(
            "/api/v1/grids",
            json!({"name": "第十三网格", "worker_user_id": grid01}),
        )
        .await;
    let g = id(&g);
    let ours = app
        .scalar_with(
            "SELECT MIN(id) FROM buildings WHERE community_id = $1",
            community,
        )
        .await;
    let theirs = app
        .scalar_with(
            "SELECT MIN(id) FROM buildings WHERE community_id <> $1",
            community,
        )
        .await;
    let r = staff
        .put(
            &format!("/api/v1/grids/{g}/buildings"),
            json!({"building_ids": [ours, theirs]}),
        )
        .await;
    assert_invalid(&r, "building_ids", "unknown_building");
    let r = staff
        .put(
            &format!("/api/v1/grids/{g}/buildings"),
            json!({"building_ids": [ours]}),
        )
        .await;
    assert_status(&r, StatusCode::OK, "set the grid's buildings");
    assert_eq!(r.body["building_ids"], json!([ours]));
    assert_eq!(
        app.scalar_with("SELECT grid_id FROM buildings WHERE id = $1", ours)
            .await,
        g
    );
    let r = staff.delete(&format!("/api/v1/grids/{g}")).await;
    assert_eq!(r.code(), "in_use");
}

#[tokio::test]
async fn only_admin_creates_streets_and_communities() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let staff = app.login("staff").await;
    let street = id(&admin
        .ok(
            "/api/v1/streets",
            json!({"name": "测试街道", "city": "石家庄市"}),
        )
        .await);
    let c = admin
        .ok(
            "/api/v1/communities",
            json!({"street_id": street, "name": "测试社区"}),
        )
        .await;
    assert_eq!(c["street_id"], street);
    let r = staff
        .post(
            "/api/v1/communities",
            json!({"street_id": street, "name": "x"}),
        )
        .await;
    assert_status(&r, StatusCode::FORBIDDEN, "staff creates a community");
    let r = admin
        .post(
            "/api/v1/communities",
            json!({"street_id": 999_999, "name": "x"}),
        )
        .await;
    assert_invalid(&r, "street_id", "unknown_street");
    let r = admin.delete(&format!("/api/v1/streets/{street}")).await;
    assert_eq!(r.code(), "in_use");
}

#[tokio::test]
async fn teams_and_branches_keep_their_members_and_grids() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let volunteer = app.user_id("volunteer").await;
    let dongli = app.user_id("dongli").await;
    let t = id(&staff
        .ok(
            "/api/v1/teams",
            json!({"kind": "volunteer", "name": "测试志愿队"}),
        )
        .await);
    let r = staff
        .put(
            &format!("/api/v1/teams/{t}/members"),
            json!({"user_ids": [volunteer, dongli]}),
        )
        .await;
    assert_invalid(&r, "user_ids", "unknown_user");
    let r = staff
        .put(
            &format!("/api/v1/teams/{t}/members"),
            json!({"user_ids": [volunteer]}),
        )
        .await;
    assert_eq!(r.body["member_user_ids"], json!([volunteer]));
    let r = staff
        .post("/api/v1/teams", json!({"kind": "army", "name": "x"}))
        .await;
    assert_invalid(&r, "kind", "invalid_kind");

    let grids: Vec<i64> = staff.fetch("/api/v1/grids?limit=2").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    let b = staff
        .ok(
            "/api/v1/party-branches",
            json!({"name": "测试党支部", "grid_ids": grids}),
        )
        .await;
    assert_eq!(b["grid_ids"], json!(grids));
    let listed = staff
        .fetch(&format!("/api/v1/party-branches?grid_id={}", grids[0]))
        .await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == b["id"])
    );
}

#[tokio::test]
async fn a_resident_moving_to_another_community_is_registered_there_anew() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let resident = app
        .scalar("SELECT resident_id FROM users WHERE username = 'resident2'")
        .await;
    let dongli_household = app
        .scalar(
            "SELECT MIN(h.id) FROM households h JOIN communities c ON c.id = h.community_id \
             WHERE c.name = '东里社区'",
        )
        .await;
    let r = admin
        .patch(
            &format!("/api/v1/residents/{resident}"),
            serde_json::json!({"household_id": dongli_household}),
        )
        .await;
    super::assert_invalid(&r, "household_id", "other_community");
    let still = app
        .scalar_with("SELECT household_id FROM residents WHERE id = $1", resident)
        .await;
    assert_ne!(still, dongli_household);
}
