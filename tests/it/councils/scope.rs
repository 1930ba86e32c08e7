//! Scope as everywhere: a grid's council is run by its chair and the community's office;
//! residents see their own grid's and community's councils only; another community's
//! councils are not found.

use serde_json::json;

use super::{next_monday_evening, resident_of};
use crate::common::TestApp;

/// The grid of a resident's building.
async fn grid_of(app: &TestApp, resident: i64) -> i64 {
    app.scalar_with(
        "SELECT b.grid_id FROM residents r JOIN households h ON h.id = r.household_id \
         JOIN buildings b ON b.id = h.building_id WHERE r.id = $1",
        resident,
    )
    .await
}

#[tokio::test]
async fn a_grids_council_is_run_by_its_chair_and_seen_by_its_own_residents_only() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let me = resident_of(&app, "resident").await;
    let my_grid = grid_of(&app, me).await;
    let other_grid = app
        .scalar_with(
            "SELECT MIN(id) FROM grids WHERE id <> $1 AND community_id = \
             (SELECT community_id FROM grids WHERE id = $1)",
            my_grid,
        )
        .await;
    let chair_name = app
        .scalar_with("SELECT worker_user_id FROM grids WHERE id = $1", my_grid)
        .await;
    let mut c = app.state.db.conn().await.unwrap();
    let (chair_username,): (String,) =
        linli::db::Q::new("SELECT username FROM users WHERE id = $1")
            .bind(chair_name)
            .fetch_one(&mut c)
            .await
            .unwrap();
    drop(c);

    let gazebo = staff
        .ok(
            "/api/v1/councils",
            json!({"grid_id": my_grid, "name": "凉亭议事会", "chair_user_id": chair_name,
                   "recurrence": "FREQ=WEEKLY;BYDAY=WE", "first_starts_at": next_monday_evening(&app)}),
        )
        .await;
    let gazebo_id = gazebo["id"].as_i64().unwrap();
    let elsewhere = staff
        .ok(
            "/api/v1/councils",
            json!({"grid_id": other_grid, "name": "另一网格议事会"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let community = staff
        .ok("/api/v1/councils", json!({"name": "居民议事厅"}))
        .await["id"]
        .as_i64()
        .unwrap();

    // The chair runs it.
    let chair = app.login(&chair_username).await;
    let v = chair.fetch(&format!("/api/v1/councils/{gazebo_id}")).await;
    assert_eq!(v["may_manage"], true);
    let r = chair
        .post(
            &format!("/api/v1/councils/{gazebo_id}/members"),
            json!({"kind": "resident", "id": me, "role": "楼长"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // …and sees, without running, the other grid's.
    let v = chair.fetch(&format!("/api/v1/councils/{elsewhere}")).await;
    assert_eq!(v["may_manage"], false);
    let r = chair
        .post(
            &format!("/api/v1/councils/{elsewhere}/members"),
            json!({"kind": "resident", "id": me}),
        )
        .await;
    assert_eq!(r.status, 403);

    // A resident sees her grid's and her community's councils, not another grid's.
    let resident = app.login("resident").await;
    let seen: Vec<i64> = resident
        .fetch("/api/v1/councils")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(
        seen.contains(&gazebo_id) && seen.contains(&community),
        "{seen:?}"
    );
    assert!(!seen.contains(&elsewhere), "{seen:?}");
    assert_eq!(
        resident
            .get(&format!("/api/v1/councils/{elsewhere}"))
            .await
            .status,
        404
    );
    let r = resident
        .post(
            &format!("/api/v1/councils/{gazebo_id}/members"),
            json!({"kind": "resident", "id": me}),
        )
        .await;
    assert_eq!(r.status, 403, "she sees it but does not run it");
    // She raises a topic on it from the portal.
    let t = resident
        .ok(
            &format!("/api/v1/councils/{gazebo_id}/topics"),
            json!({"title": "凉亭顶棚漏雨", "client_id": "portal-topic-0001"}),
        )
        .await;
    assert_eq!(t["source"], "portal");
    assert_eq!(t["raised_by_resident"], me);
    let again = resident
        .post(
            &format!("/api/v1/councils/{gazebo_id}/topics"),
            json!({"title": "凉亭顶棚漏雨", "client_id": "portal-topic-0001"}),
        )
        .await;
    assert_eq!(again.status, 200, "sent twice, stored once");
    assert_eq!(again.body["id"], t["id"]);
    let mine = resident.fetch("/api/v1/me/topics").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let taken = staff
        .post(
            &format!("/api/v1/councils/{gazebo_id}/topics"),
            json!({"title": "别的", "client_id": "portal-topic-0001"}),
        )
        .await;
    assert_eq!(taken.code(), "client_id_taken", "{}", taken.body);

    // Another community's office finds none of them.
    let dongli = app.login("dongli").await;
    for id in [gazebo_id, elsewhere, community] {
        assert_eq!(
            dongli.get(&format!("/api/v1/councils/{id}")).await.status,
            404
        );
    }
    let listed = dongli.fetch("/api/v1/councils").await;
    assert!(listed.as_array().unwrap().is_empty(), "{listed}");
    // A resident may not create one.
    let r = resident
        .post("/api/v1/councils", json!({"name": "我的议事会"}))
        .await;
    assert_eq!(r.status, 403);
}
