//! The seed stories of PRODUCT.md §4 that live in the demand loop, end to end.

use serde_json::json;

use crate::common::{TestApp, ids, record, step, timeline};

/// Story 1 (seed 000): Aunt Pan, elderly and alone, on the care roster: her water heater
/// leaks; she sends WeChat to her team; volunteer Gao goes at once and reports; the
/// community dispatches the maintenance unit; fixed; feedback; Aunt Pan rates satisfied.
#[tokio::test]
async fn story_01_aunt_pan_water_heater() {
    let app = TestApp::new().await;
    let aunt_pan = app.login("resident").await;
    let gao = app.login("volunteer").await;
    let staff = app.login("staff").await;
    let property = app.login("property").await;
    let tags = app
        .scalar("SELECT COUNT(*) FROM resident_tags t JOIN users u ON u.resident_id = t.resident_id WHERE u.username = 'resident' AND t.tag = 'elderly_alone'")
        .await;
    assert_eq!(tags, 1, "Aunt Pan lives alone and is on the roster as such");

    let id = aunt_pan
        .ok(
            "/api/v1/demands",
            json!({"channel": "wechat", "title": "热水器漏水", "description": "家里热水器突然漏水，水顺着管子流到楼下了", "category": "water", "urgency": "urgent"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    step(&staff, id, "accept", json!({})).await;
    // Big sister Gao goes at once.
    let gao_id = app.user_id("volunteer").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "user", "id": gao_id}, "note": "高姐先去看看"}),
    )
    .await;
    let d = gao
        .fetch(&format!("/api/v1/demands/{id}?reveal=call_back"))
        .await;
    assert!(
        !d["demand"]["reporter_phone"]
            .as_str()
            .unwrap_or("*")
            .contains('*'),
        "Gao can call Aunt Pan"
    );
    assert!(
        d["next_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("take"))
    );
    step(
        &gao,
        id,
        "take",
        json!({"note": "已到现场，关了总阀，安抚阿姨"}),
    )
    .await;
    // She reports back to the community, which sends the maintenance unit.
    let unit = app.unit_id("property").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit}, "note": "高姐反馈需更换进水阀"}),
    )
    .await;
    assert_eq!(
        gao.get(&format!("/api/v1/demands/{id}")).await.status,
        200,
        "Gao still sees the case she worked on"
    );
    step(&property, id, "take", json!({})).await;
    step(
        &property,
        id,
        "resolve",
        json!({"result": "更换热水器进水阀，已不漏水"}),
    )
    .await;
    step(
        &staff,
        id,
        "feedback",
        json!({"method": "visit", "note": "上门告知潘阿姨已修好"}),
    )
    .await;
    let d = step(
        &aunt_pan,
        id,
        "rate",
        json!({"solved": true, "satisfaction": "satisfied", "comment": "社区大家庭里我不孤单"}),
    )
    .await;
    assert_eq!(d["status"], "closed");
    assert_eq!(
        timeline(&staff, id).await,
        [
            "intake", "accept", "dispatch", "take", "dispatch", "take", "resolve", "feedback",
            "rate"
        ]
    );
    let mine = ids(&aunt_pan.fetch("/api/v1/demands").await);
    assert_eq!(mine, [id]);
}

/// Story 7 (seed 003): the broken corridor tile, found on a visit; the whistle summons the
/// party member, the building head, the owners' committee and the property company; each
/// reports in and back; repaired; closed.
#[tokio::test]
async fn story_07_corridor_tile_whistle() {
    let app = TestApp::new().await;
    let secretary = app.login("secretary").await;
    let staff = app.login("staff").await;
    let building = app
        .scalar_with(
            "SELECT MIN(b.id) FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE g.worker_user_id = $1",
            app.user_id("grid01").await,
        )
        .await;
    let id = secretary
        .ok(
            "/api/v1/demands",
            json!({"channel": "visit", "building_id": building, "category": "public_facility", "title": "单元门口地砖破损", "description": "走访时发现楼门口地砖破损翘起，老人出入有绊倒隐患"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    step(&secretary, id, "accept", json!({"urgency": "urgent"})).await;
    let summon = json!([
        {"kind": "user", "id": app.user_id("volunteer").await},
        {"kind": "user", "id": app.user_id("louzhang").await},
        {"kind": "unit", "id": app.unit_id("owners_committee").await},
        {"kind": "unit", "id": app.unit_id("property").await},
    ]);
    step(
        &secretary,
        id,
        "whistle",
        json!({"summon": summon, "note": "立即吹哨"}),
    )
    .await;

    let reports = [
        ("volunteer", "党员到场，组织居民绕行"),
        ("louzhang", "楼长通知本楼居民注意安全"),
        ("owners", "业委会同意动用维修资金"),
        ("property", "物业制定维修方案"),
    ];
    for (who, what) in reports {
        let c = app.login(who).await;
        step(&c, id, "report-in", json!({"note": "已报到"})).await;
        step(&c, id, "report-back", json!({"note": what})).await;
    }
    let unit = app.unit_id("property").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit}}),
    )
    .await;
    let property = app.login("property").await;
    step(&property, id, "take", json!({})).await;
    step(
        &property,
        id,
        "resolve",
        json!({"result": "更换破损地砖 12 块"}),
    )
    .await;
    step(
        &staff,
        id,
        "feedback",
        json!({"method": "in_person", "note": "在楼门口张贴维修结果"}),
    )
    .await;
    // Nobody rates a corridor: it is closed unrated once the rating window has passed.
    let r = staff
        .post(&format!("/api/v1/demands/{id}/close"), json!({}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "rating_window_open"));
    app.advance_hours(7 * 24 + 1);
    let d = step(&staff, id, "close", json!({"note": "地砖已修复"})).await;
    assert_eq!(
        (d["status"].as_str(), d["close_kind"].as_str()),
        (Some("closed"), Some("unrated"))
    );
    let detail = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    let names: Vec<_> = detail["summons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["back_note"].clone())
        .collect();
    assert_eq!(names.len(), 4);
    assert!(names.iter().all(|n| n.is_string()));
}

/// Story 9 (seed 004): Li Jiazheng's morning: three demands in four hours — a hospital
/// escort, a faucet (the property's engineer), a gas hose (the gas company) — each sent to
/// the right hands and closed the same day.
#[tokio::test]
async fn story_09_li_jiazheng_morning() {
    let app = TestApp::new().await;
    let li = app.login("grid08").await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(8).await;
    let property = app.login("property").await;
    let gas = app.login("gas").await;
    let start = app.now();

    // 08:30 Ms. Wang's 90-year-old father must go to hospital: Li helps on the spot.
    let escort = record(
        &li,
        hh,
        "elderly_care",
        "王女士九十岁的父亲需要去医院检查，行动不便",
    )
    .await;
    step(&li, escort, "accept", json!({})).await;
    step(
        &li,
        escort,
        "resolve",
        json!({"result": "扶老人上轮椅送上车，联系医院志愿者接应"}),
    )
    .await;
    app.advance_hours(2);
    // 10:30 Ms. Liu's kitchen faucet: the property's engineer.
    let faucet = record(&li, hh, "water", "刘女士家厨房水龙头漏水越来越快").await;
    step(&li, faucet, "accept", json!({})).await;
    step(
        &li,
        faucet,
        "dispatch",
        json!({"to": {"kind": "unit", "id": app.unit_id("property").await}}),
    )
    .await;
    step(&property, faucet, "take", json!({})).await;
    step(
        &property,
        faucet,
        "resolve",
        json!({"result": "工程师更换阀芯"}),
    )
    .await;
    app.advance_hours(2);
    // 12:00 Mr. Xue's gas hose has aged: the gas company.
    let hose = record(&li, hh, "gas", "薛先生家燃气软管老化，有安全隐患").await;
    step(&li, hose, "accept", json!({"urgency": "urgent"})).await;
    step(
        &li,
        hose,
        "dispatch",
        json!({"to": {"kind": "unit", "id": app.unit_id("gas").await}}),
    )
    .await;
    step(&gas, hose, "take", json!({})).await;
    step(
        &gas,
        hose,
        "resolve",
        json!({"result": "半小时内更换燃气软管，检查灶具正常"}),
    )
    .await;
    app.advance_hours(1);
    for id in [escort, faucet, hose] {
        step(
            &li,
            id,
            "feedback",
            json!({"method": "phone", "note": "已回访"}),
        )
        .await;
        step(
            &staff,
            id,
            "rate",
            json!({"solved": true, "satisfaction": "satisfied", "comment": "电话回访记录", "on_behalf": "phone"}),
        )
        .await;
    }
    // All three closed within the same morning.
    let closed = app
        .scalar_with(
            "SELECT COUNT(*) FROM demands WHERE status = 'closed' AND closed_at < $1",
            start + 6 * 3_600_000,
        )
        .await;
    assert_eq!(closed, 3);
    let grid = app
        .scalar_with("SELECT grid_id FROM demands WHERE id = $1", escort)
        .await;
    let m = staff
        .fetch(&format!("/api/v1/measures?group_by=grid&grid_id={grid}"))
        .await;
    let g = &m["groups"][0];
    assert_eq!(g["key"], grid.to_string());
    assert_eq!(g["counts"]["received"], 3);
    assert_eq!(g["rates"]["response_rate"], 1.0);
    assert_eq!(g["rates"]["on_time_rate"], 1.0);
    assert_eq!(g["rates"]["satisfaction_rate"], 1.0);
    assert!(app.now() - start < 6 * 3_600_000);
}

/// Story 10 (seed 004): Haidong's week — visits on Monday collect problems; the grid worker
/// sums them up for the branch secretaries; a joint on-site day; feedback in the second
/// week; what is not fed back in time is flagged overdue, once.
#[tokio::test]
async fn story_10_haidong_week_overdue_flagged() {
    let app = TestApp::new().await;
    let grid03 = app.login("grid03").await;
    let secretary = app.login("secretary").await;
    let property = app.login("property").await;
    let hh = app.household_in_grid(3).await;
    let problems = ["地下室积水", "小区地面不平", "枯树需要清理", "楼下私搭乱建"];
    let mut ids_ = Vec::new();
    for p in problems {
        let id = grid03
            .ok("/api/v1/demands", json!({"channel": "visit", "household_id": hh, "category": "property", "description": p}))
            .await["id"]
            .as_i64()
            .unwrap();
        step(&grid03, id, "accept", json!({})).await;
        ids_.push(id);
    }
    // A resident's online report that nobody accepts in time.
    let resident3 = app.login("resident").await;
    let forgotten = resident3
        .ok(
            "/api/v1/demands",
            json!({"description": "楼道堆放杂物", "category": "sanitation"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    // The grid worker's summary for the branch secretary: the grid's open demands.
    let open = grid03.fetch("/api/v1/demands?status=accepted").await;
    assert_eq!(ids(&open).len(), 4);

    // Wednesday: the joint on-site day settles two of them.
    app.advance_hours(48);
    let unit = app.unit_id("property").await;
    for &id in &ids_[..2] {
        step(
            &secretary,
            id,
            "dispatch",
            json!({"to": {"kind": "unit", "id": unit}}),
        )
        .await;
        step(&property, id, "take", json!({})).await;
        step(&property, id, "resolve", json!({"result": "现场解决"})).await;
    }
    // Second week: feedback for those two.
    app.advance_hours(7 * 24);
    for &id in &ids_[..2] {
        step(
            &grid03,
            id,
            "feedback",
            json!({"method": "visit", "note": "第二周上门反馈"}),
        )
        .await;
    }
    // Day 15: the scan flags the rest.
    app.advance_hours(6 * 24);
    let report = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(
        report.feedback_overdue, 3,
        "two accepted ones and the forgotten one"
    );
    assert_eq!(
        report.accept_overdue, 1,
        "the forgotten one was first late to be accepted"
    );
    let again = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(
        (again.accept_overdue, again.feedback_overdue),
        (0, 0),
        "flagged once"
    );

    let staff = app.login("staff").await;
    let overdue = ids(&staff.fetch("/api/v1/demands?overdue=true").await);
    let mut expected = vec![ids_[2], ids_[3], forgotten];
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(overdue, expected);
    for id in [ids_[2], ids_[3]] {
        let tl = timeline(&staff, id).await;
        assert_eq!(tl.iter().filter(|a| *a == "remind").count(), 1);
    }
    assert_eq!(
        timeline(&staff, forgotten)
            .await
            .iter()
            .filter(|a| *a == "remind")
            .count(),
        2
    );
    let d = staff.fetch(&format!("/api/v1/demands/{}", ids_[2])).await;
    assert_eq!(d["demand"]["overdue"], "feedback");
    let grid = app
        .scalar_with("SELECT grid_id FROM demands WHERE id = $1", ids_[2])
        .await;
    let summary = staff.fetch("/api/v1/demands/overdue").await;
    let row = summary["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["grid_id"] == grid)
        .cloned()
        .unwrap();
    assert_eq!(row["feedback_overdue"], 2);
    // The on-time rate shows it: two of five due were fed back in time.
    let m = staff.fetch("/api/v1/measures?from=2000-01-01").await;
    assert_eq!(m["total"]["counts"]["due_for_feedback"], 5);
    assert_eq!(m["total"]["counts"]["fed_back_on_time"], 2);
    assert_eq!(m["total"]["rates"]["on_time_rate"], 0.4);
}
