//! The closed loop through the real router: intake to a rated result, and back again when
//! the resident is not satisfied.

use serde_json::json;

use crate::common::{TestApp, record, step, timeline};

#[tokio::test]
async fn the_whole_loop_from_a_residents_report_to_a_satisfied_rating() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let grid01 = app.login("grid01").await;
    let staff = app.login("staff").await;
    let property = app.login("property").await;

    let d = resident
        .ok(
            "/api/v1/demands",
            json!({"channel": "wechat", "description": "卫生间水管漏水，水流到楼下了", "category": "water"}),
        )
        .await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(d["status"], "submitted");
    assert_eq!(d["channel"], "wechat");
    assert_eq!(d["level"], "grid");
    let grid01_grid = app
        .scalar_with(
            "SELECT id FROM grids WHERE worker_user_id = $1",
            app.user_id("grid01").await,
        )
        .await;
    assert_eq!(
        d["grid_id"], grid01_grid,
        "placed in the grid of her building"
    );
    assert!(d["accept_due_at"].as_str().unwrap().ends_with("+08:00"));

    let d = step(&grid01, id, "accept", json!({"urgency": "urgent"})).await;
    assert_eq!(d["status"], "accepted");
    assert_eq!(d["urgency"], "urgent");
    let unit = app.unit_id("property").await;
    let d = step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit}, "note": "请物业维修"}),
    )
    .await;
    assert_eq!(d["status"], "dispatched");
    assert_eq!(d["assignee"]["kind"], "unit");
    assert!(!d["assignee"]["name"].as_str().unwrap().is_empty());
    let d = step(&property, id, "take", json!({})).await;
    assert_eq!(d["status"], "in_progress");
    let d = step(
        &property,
        id,
        "resolve",
        json!({"result": "更换了水管接头，已不漏水"}),
    )
    .await;
    assert_eq!(d["status"], "resolved");
    let d = step(
        &staff,
        id,
        "feedback",
        json!({"method": "phone", "note": "已电话告知潘阿姨维修结果"}),
    )
    .await;
    assert_eq!(d["status"], "feedback_given");
    let d = step(
        &resident,
        id,
        "rate",
        json!({"solved": true, "satisfaction": "satisfied", "comment": "谢谢"}),
    )
    .await;
    assert_eq!(d["status"], "closed");
    assert_eq!(d["close_kind"], "rated");
    assert_eq!(d["rating"]["satisfaction"], "satisfied");

    assert_eq!(
        timeline(&staff, id).await,
        [
            "intake", "accept", "dispatch", "take", "resolve", "feedback", "rate"
        ]
    );
    let detail = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(detail["next_actions"], json!(["reopen"]));
    let first = &detail["timeline"][0];
    assert_eq!(first["actor_role"], "resident");
    assert_eq!(detail["timeline"][2]["note"], "请物业维修");

    let m = staff.fetch("/api/v1/measures").await;
    let t = &m["total"];
    assert_eq!(t["counts"]["received"], 1);
    assert_eq!(t["counts"]["closed"], 1);
    assert_eq!(t["rates"]["response_rate"], 1.0);
    assert_eq!(t["rates"]["resolution_rate"], 1.0);
    assert_eq!(t["rates"]["satisfaction_rate"], 1.0);
    assert_eq!(t["rates"]["on_time_rate"], 1.0);
    let by_channel = staff.fetch("/api/v1/measures?group_by=channel").await;
    assert_eq!(by_channel["groups"][0]["key"], "wechat");
    assert_eq!(by_channel["groups"][0]["name"], "微信");
    let by_category = staff
        .fetch("/api/v1/measures?group_by=category&lang=en")
        .await;
    assert_eq!(by_category["groups"][0]["name"], "Water supply");
}

#[tokio::test]
async fn not_solved_reopens_the_demand_to_its_assignee() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let property = app.login("property").await;
    let hh = app.household_in_grid(1).await;
    let unit = app.unit_id("property").await;

    // Recorded by staff on the resident's behalf, from a phone call.
    let resident_id = app
        .scalar("SELECT resident_id FROM users WHERE username = 'resident'")
        .await;
    let d = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "resident_id": resident_id, "category": "water", "description": "厨房水龙头漏水"}),
        )
        .await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(d["household_id"], hh);
    assert_eq!(
        d["reporter_phone"].as_str().map(|p| p.contains('*')),
        Some(true),
        "the intake's answer masks the number, as lists do"
    );
    let detail = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(
        detail["demand"]["reporter_phone"]
            .as_str()
            .map(|p| p.contains('*')),
        Some(true),
        "the demand's detail masks the number too, until asked"
    );
    assert_eq!(detail["may_reveal_phone"], true);
    let detail = staff
        .fetch(&format!("/api/v1/demands/{id}?reveal=call_back"))
        .await;
    assert_eq!(
        detail["demand"]["reporter_phone"]
            .as_str()
            .map(|p| p.contains('*')),
        Some(false),
        "staff see the number to call back in the demand's detail, asked for"
    );

    step(&staff, id, "accept", json!({})).await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit}}),
    )
    .await;
    step(&property, id, "take", json!({})).await;
    step(&property, id, "resolve", json!({"result": "拧紧了"})).await;
    step(&staff, id, "feedback", json!({"note": "已告知"})).await;
    let d = step(
        &resident,
        id,
        "rate",
        json!({"solved": false, "satisfaction": "unsatisfied", "comment": "还在漏"}),
    )
    .await;
    assert_eq!(d["status"], "dispatched", "back to the unit that had it");
    assert_eq!(d["assignee"]["id"], unit);
    assert_eq!(d["reopen_count"], 1);
    assert_eq!(d["rating"]["solved"], false);

    // The unit has to take it again and do better.
    step(&property, id, "take", json!({})).await;
    step(
        &property,
        id,
        "resolve",
        json!({"result": "更换了整个水龙头"}),
    )
    .await;
    step(&staff, id, "feedback", json!({"note": "已再次告知"})).await;
    let d = step(
        &resident,
        id,
        "rate",
        json!({"solved": true, "satisfaction": "basically"}),
    )
    .await;
    assert_eq!(d["status"], "closed");
    let tl = timeline(&staff, id).await;
    assert_eq!(tl.iter().filter(|a| *a == "rate").count(), 2);
    assert_eq!(tl.iter().filter(|a| *a == "take").count(), 2);

    // A late complaint within the window: the secretary reopens it, with a reason.
    let secretary = app.login("secretary").await;
    let r = secretary
        .post(&format!("/api/v1/demands/{id}/reopen"), json!({}))
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.code(), "missing_field");
    let d = step(
        &secretary,
        id,
        "reopen",
        json!({"reason": "居民来电说又漏了"}),
    )
    .await;
    assert_eq!(d["status"], "dispatched");
    assert_eq!(d["reopen_count"], 2);
    // … but not after the window.
    let app2 = TestApp::new().await;
    let staff2 = app2.login("staff").await;
    let r2 = app2.login("resident").await;
    let hh2 = app2.household_in_grid(1).await;
    let id2 = record(&staff2, hh2, "water", "漏水").await;
    step(&staff2, id2, "accept", json!({})).await;
    step(&staff2, id2, "resolve", json!({"result": "当场处理"})).await;
    step(&staff2, id2, "feedback", json!({"note": "已告知"})).await;
    step(
        &r2,
        id2,
        "rate",
        json!({"solved": true, "satisfaction": "satisfied"}),
    )
    .await;
    app2.advance_hours(31 * 24);
    let r = staff2
        .post(
            &format!("/api/v1/demands/{id2}/reopen"),
            json!({"reason": "又坏了"}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.code(), "reopen_window_passed");
}

#[tokio::test]
async fn escalation_climbs_from_grid_to_community_to_street() {
    let app = TestApp::new().await;
    let grid01 = app.login("grid01").await;
    let secretary = app.login("secretary").await;
    let street = app.login("street").await;
    let hh = app.household_in_grid(1).await;
    let id = record(
        &grid01,
        hh,
        "neighbour_dispute",
        "楼上装修噪音，多次协调无果",
    )
    .await;
    step(&grid01, id, "accept", json!({})).await;

    let before = app.demand_footprint().await;
    let r = grid01
        .post(
            &format!("/api/v1/demands/{id}/escalate"),
            json!({"reason": " "}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "missing_field"));
    assert_eq!(
        app.demand_footprint().await,
        before,
        "a refused step changes nothing"
    );

    let d = step(
        &grid01,
        id,
        "escalate",
        json!({"reason": "网格内协调不成，需社区出面"}),
    )
    .await;
    assert_eq!(
        (d["level"].as_str(), d["status"].as_str()),
        (Some("community"), Some("accepted"))
    );
    // From the community the grid worker cannot go higher.
    let r = grid01
        .post(
            &format!("/api/v1/demands/{id}/escalate"),
            json!({"reason": "再上报"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "not_allowed"));
    let d = step(
        &secretary,
        id,
        "escalate",
        json!({"reason": "涉及违建，需街道执法"}),
    )
    .await;
    assert_eq!(d["level"], "street");
    let r = street
        .post(
            &format!("/api/v1/demands/{id}/escalate"),
            json!({"reason": "?"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "top_level"));
    // Now the street handles it: dispatch to the police station.
    let police = app.unit_id("police").await;
    let d = step(
        &street,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": police}}),
    )
    .await;
    assert_eq!(d["status"], "dispatched");
    let tl = app.login("staff").await;
    let events = tl.fetch(&format!("/api/v1/demands/{id}")).await["timeline"].clone();
    let escalations: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "escalate")
        .map(|e| {
            (
                e["data"]["to_level"].as_str().unwrap().to_string(),
                e["note"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        escalations,
        [
            (
                "community".to_string(),
                "网格内协调不成，需社区出面".to_string()
            ),
            ("street".to_string(), "涉及违建，需街道执法".to_string())
        ]
    );
}

#[tokio::test]
async fn a_whistle_summons_three_units_who_must_all_report_back_before_resolving() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let secretary = app.login("secretary").await;
    let grid01 = app.login("grid01").await;
    let (property, gas, owners) = (
        app.login("property").await,
        app.login("gas").await,
        app.login("owners").await,
    );
    let hh = app.household_in_grid(1).await;
    let id = record(&staff, hh, "safety", "楼道里有燃气味，地砖也翘起来了").await;
    step(&grid01, id, "accept", json!({})).await;

    let ids = [
        app.unit_id("property").await,
        app.unit_id("gas").await,
        app.unit_id("owners_committee").await,
    ];
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/whistle"),
            json!({"summon": [{"kind": "unit", "id": ids[0]}]}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (403, "not_allowed"),
        "staff do not blow the whistle"
    );
    step(
        &secretary,
        id,
        "whistle",
        json!({"summon": ids.iter().map(|u| json!({"kind": "unit", "id": u})).collect::<Vec<_>>(), "note": "三方到场研究"}),
    )
    .await;
    let detail = secretary.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(detail["summons"].as_array().unwrap().len(), 3);

    // Resolving waits for all three.
    let r = grid01
        .post(
            &format!("/api/v1/demands/{id}/resolve"),
            json!({"result": "已处理"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "summons_pending"));
    // Order matters: in before back; each once.
    let r = gas
        .post(
            &format!("/api/v1/demands/{id}/report-back"),
            json!({"note": "已查"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "report_order"));
    // Someone not summoned cannot report.
    let water = app.login("water").await;
    let r = water
        .post(&format!("/api/v1/demands/{id}/report-in"), json!({}))
        .await;
    assert_eq!(
        r.status, 404,
        "not summoned, not dispatched: not visible to the water company"
    );

    for (unit, what) in [
        (&property, "更换破损地砖"),
        (&gas, "检查燃气管道无泄漏"),
        (&owners, "同意使用维修基金"),
    ] {
        step(unit, id, "report-in", json!({"note": "已到场"})).await;
        let r = unit
            .post(&format!("/api/v1/demands/{id}/report-in"), json!({}))
            .await;
        assert_eq!(r.code(), "report_order", "reports in once");
        step(unit, id, "report-back", json!({"note": what})).await;
    }
    let detail = secretary.fetch(&format!("/api/v1/demands/{id}")).await;
    for s in detail["summons"].as_array().unwrap() {
        assert!(s["reported_in_at"].is_string() && s["reported_back_at"].is_string());
    }
    let d = step(
        &grid01,
        id,
        "resolve",
        json!({"result": "地砖已换，燃气无泄漏"}),
    )
    .await;
    assert_eq!(d["status"], "resolved");
    let tl = timeline(&staff, id).await;
    assert_eq!(tl.iter().filter(|a| *a == "report_in").count(), 3);
    assert_eq!(tl.iter().filter(|a| *a == "report_back").count(), 3);
}

#[tokio::test]
async fn duplicates_merge_into_one_demand_whose_me_too_count_grows() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh1 = app.household_in_grid(1).await;
    let hh2 = app.household_in_grid(2).await;
    let a = record(&staff, hh1, "public_facility", "小区东门路灯不亮").await;
    let b = record(&staff, hh2, "public_facility", "东门那边的路灯坏了").await;
    let c = record(&staff, hh2, "public_facility", "晚上东门太黑").await;

    let d = step(&staff, b, "merge", json!({"into": a})).await;
    assert_eq!(
        (d["status"].as_str(), d["merged_into"].as_i64()),
        (Some("merged"), Some(a))
    );
    step(&staff, c, "merge", json!({"into": a, "note": "同一路灯"})).await;
    let target = staff.fetch(&format!("/api/v1/demands/{a}")).await;
    assert_eq!(target["demand"]["me_too"], 2);
    assert_eq!(
        target["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "me_too")
            .count(),
        2
    );

    // Not into itself, not into something finished, not twice.
    let e = record(&staff, hh1, "public_facility", "路灯").await;
    for into in [e, b] {
        let before = app.demand_footprint().await;
        let r = staff
            .post(&format!("/api/v1/demands/{e}/merge"), json!({"into": into}))
            .await;
        assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_merge_target"));
        assert_eq!(app.demand_footprint().await, before);
    }
    let r = staff
        .post(&format!("/api/v1/demands/{b}/merge"), json!({"into": a}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "illegal_transition"));
    // Measures count the survivor once.
    let m = staff.fetch("/api/v1/measures").await;
    assert_eq!(m["total"]["counts"]["received"], 2);
    assert_eq!(m["total"]["counts"]["merged"], 2);
}
