//! Tests that build only what they need (common/builders.rs) instead of seeding the demo
//! community: the smallest world in which each claim can be checked.

use crate::common::{TestApp, ids};

#[tokio::test]
async fn a_demand_built_to_each_status_is_in_that_status() {
    let app = TestApp::bare()
        .await
        .with_staff("staff")
        .await
        .with_grid_worker("grid01")
        .await
        .with_unit("property", "property")
        .await;
    let staff = app.login("staff").await;
    for status in [
        "submitted",
        "accepted",
        "dispatched",
        "in_progress",
        "resolved",
        "feedback_given",
        "closed",
    ] {
        let id = app.demand_in(status).await;
        let d = staff.fetch(&format!("/api/v1/demands/{id}")).await;
        assert_eq!(d["demand"]["status"], status);
    }
}

#[tokio::test]
async fn a_grid_worker_of_a_built_world_lists_their_grid_and_not_the_next() {
    let app = TestApp::bare()
        .await
        .with_staff("staff")
        .await
        .with_grid_worker("grid01")
        .await
        .with_grid_worker("grid02")
        .await;
    let staff = app.login("staff").await;
    let first = app.world.grids[0].2[0];
    let second = app.world.grids[1].2[0];
    let mine = crate::common::record(&staff, first, "water", "一网格漏水").await;
    let other = crate::common::record(&staff, second, "water", "二网格漏水").await;
    let grid01 = app.login("grid01").await;
    assert_eq!(ids(&grid01.fetch("/api/v1/demands").await), [mine]);
    let grid02 = app.login("grid02").await;
    assert_eq!(ids(&grid02.fetch("/api/v1/demands").await), [other]);
    assert_eq!(
        grid01.get(&format!("/api/v1/demands/{other}")).await.status,
        404
    );
}

#[tokio::test]
async fn a_built_resident_raises_a_demand_for_their_own_household() {
    let app = TestApp::bare()
        .await
        .with_staff("staff")
        .await
        .with_grid_worker("grid01")
        .await
        .with_resident("pan", "潘桂兰")
        .await;
    let pan = app.login("pan").await;
    let d = pan
        .ok(
            "/api/v1/demands",
            serde_json::json!({"description": "热水器漏水"}),
        )
        .await;
    assert_eq!(d["household_id"], app.world.residents[0].1);
    assert_eq!(d["grid_id"], app.world.grids[0].0);
    assert_eq!(d["channel"], "online");
}
