//! Scope is enforced on every read and write: out of scope is 404, as if it did not exist.

use serde_json::json;

use crate::common::{TestApp, ids, record, step};

#[tokio::test]
async fn a_grid_worker_cannot_read_list_or_change_another_grids_demand() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let grid01 = app.login("grid01").await;
    let grid02 = app.login("grid02").await;
    let in_grid1 = record(
        &staff,
        app.household_in_grid(1).await,
        "water",
        "一网格漏水",
    )
    .await;
    let in_grid2 = record(
        &staff,
        app.household_in_grid(2).await,
        "water",
        "二网格漏水",
    )
    .await;

    assert_eq!(
        grid01
            .get(&format!("/api/v1/demands/{in_grid2}"))
            .await
            .status,
        404
    );
    assert_eq!(
        grid01
            .get(&format!("/api/v1/demands/{in_grid1}"))
            .await
            .status,
        200
    );
    let listed = ids(&grid01.fetch("/api/v1/demands").await);
    assert_eq!(listed, [in_grid1]);
    let listed = ids(&grid02.fetch("/api/v1/demands").await);
    assert_eq!(listed, [in_grid2]);
    // Not even through a filter naming the other grid.
    let other_grid = app
        .scalar_with("SELECT grid_id FROM demands WHERE id = $1", in_grid2)
        .await;
    let page = grid01
        .fetch(&format!("/api/v1/demands?grid_id={other_grid}"))
        .await;
    assert!(ids(&page).is_empty());

    let before = app.demand_footprint().await;
    for (action, body) in [
        ("accept", json!({})),
        ("escalate", json!({"reason": "x"})),
        ("decline", json!({"reason": "x"})),
    ] {
        let r = grid01
            .post(&format!("/api/v1/demands/{in_grid2}/{action}"), body)
            .await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (404, "not_found"),
            "{action}"
        );
    }
    assert_eq!(app.demand_footprint().await, before);
    // The overdue summary keeps to scope too: once both are late, each grid worker's
    // summary holds their own grid's row only; the office's holds both.
    app.advance_hours(25);
    let grid_of = |id| app.scalar_with("SELECT grid_id FROM demands WHERE id = $1", id);
    let (g1, g2) = (grid_of(in_grid1).await, grid_of(in_grid2).await);
    let rows = |v: serde_json::Value| -> Vec<(i64, i64)> {
        v["grids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["grid_id"].as_i64().unwrap(),
                    g["accept_overdue"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let mine = grid01.fetch("/api/v1/demands/overdue").await;
    assert_eq!(rows(mine.clone()), [(g1, 1)]);
    assert_eq!(mine["accept_overdue"], 1);
    assert_eq!(
        rows(grid02.fetch("/api/v1/demands/overdue").await),
        [(g2, 1)]
    );
    let mut all = rows(staff.fetch("/api/v1/demands/overdue").await);
    all.sort();
    let mut both = vec![(g1, 1), (g2, 1)];
    both.sort();
    assert_eq!(all, both);
}

#[tokio::test]
async fn a_resident_sees_their_own_households_demands_and_not_a_neighbours() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let neighbour = app.login("resident2").await;
    let mine = resident
        .ok(
            "/api/v1/demands",
            json!({"description": "楼道灯坏了", "category": "public_facility"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let theirs = neighbour
        .ok(
            "/api/v1/demands",
            json!({"description": "门口堆放杂物", "category": "sanitation"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        resident
            .get(&format!("/api/v1/demands/{theirs}"))
            .await
            .status,
        404
    );
    assert_eq!(
        neighbour
            .get(&format!("/api/v1/demands/{mine}"))
            .await
            .status,
        404
    );
    assert_eq!(ids(&resident.fetch("/api/v1/demands").await), [mine]);
    // A resident cannot record for someone else's household.
    let other_hh = app.household_in_grid(2).await;
    let r = resident
        .post(
            "/api/v1/demands",
            json!({"description": "x", "household_id": other_hh}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "unknown_household"));
    // Nor rate the neighbour's.
    let r = resident
        .post(
            &format!("/api/v1/demands/{theirs}/rate"),
            json!({"solved": true, "satisfaction": "satisfied"}),
        )
        .await;
    assert_eq!(r.status, 404);
    // Residents do not read the measures.
    assert_eq!(resident.get("/api/v1/measures").await.status, 403);
}

#[tokio::test]
async fn units_see_what_was_dispatched_to_them_and_communities_keep_apart() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let property = app.login("property").await;
    let gas = app.login("gas").await;
    let dongli = app.login("dongli").await;
    let street = app.login("street").await;
    let volunteer = app.login("volunteer").await;
    let id = record(
        &staff,
        app.household_in_grid(3).await,
        "property",
        "电梯异响",
    )
    .await;

    assert_eq!(
        property.get(&format!("/api/v1/demands/{id}")).await.status,
        404
    );
    assert!(ids(&property.fetch("/api/v1/demands").await).is_empty());
    assert_eq!(
        dongli.get(&format!("/api/v1/demands/{id}")).await.status,
        404,
        "another community's staff"
    );
    assert_eq!(
        volunteer.get(&format!("/api/v1/demands/{id}")).await.status,
        404
    );
    assert_eq!(
        street.get(&format!("/api/v1/demands/{id}")).await.status,
        200,
        "the street sees its communities"
    );

    step(&staff, id, "accept", json!({})).await;
    let unit = app.unit_id("property").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit}}),
    )
    .await;
    assert_eq!(
        property.get(&format!("/api/v1/demands/{id}")).await.status,
        200
    );
    assert_eq!(
        ids(&property.fetch("/api/v1/demands?mine=true").await),
        [id]
    );
    assert_eq!(gas.get(&format!("/api/v1/demands/{id}")).await.status, 404);
    // The unit may ask for the resident's number to call; the street sees it masked.
    let phone = property
        .fetch(&format!("/api/v1/demands/{id}?reveal=call_back"))
        .await["demand"]["reporter_phone"]
        .clone();
    let masked =
        street.fetch(&format!("/api/v1/demands/{id}")).await["demand"]["reporter_phone"].clone();
    if let (Some(p), Some(m)) = (phone.as_str(), masked.as_str()) {
        assert!(!p.contains('*'));
        assert!(m.contains("****"));
    }
    // Re-dispatched elsewhere, the property company still sees what it worked on.
    let gas_id = app.unit_id("gas").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": gas_id}}),
    )
    .await;
    assert_eq!(
        property.get(&format!("/api/v1/demands/{id}")).await.status,
        200
    );
    // But may no longer take it.
    let r = property
        .post(&format!("/api/v1/demands/{id}/take"), json!({}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "not_allowed"));
    // Dongli's staff cannot dispatch Yucheng's work, nor be dispatched to from it.
    let dongli_id = app.user_id("dongli").await;
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/dispatch"),
            json!({"to": {"kind": "user", "id": dongli_id}}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "unknown_assignee"));
}

#[tokio::test]
async fn lists_show_phones_masked_and_whole_views_are_audited() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let id = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "reporter_name": "刘女士", "reporter_phone": "13912345678", "description": "噪音"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let page = staff.fetch("/api/v1/demands").await;
    assert_eq!(page["items"][0]["reporter_phone"], "139****5678");
    let audits_before = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii'")
        .await;
    let d = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(
        d["demand"]["reporter_phone"], "139****5678",
        "masked until asked"
    );
    let d = staff
        .fetch(&format!("/api/v1/demands/{id}?reveal=call_back"))
        .await;
    assert_eq!(d["demand"]["reporter_phone"], "13912345678");
    let audits_after = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii'")
        .await;
    assert_eq!(audits_after, audits_before + 1);
}
