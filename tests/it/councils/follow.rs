//! Follow-through: a decision becomes items with owners, due days, progress and dated
//! milestones; a parent's progress comes from its children; overdue items are flagged;
//! the residents see it once the decision is published.

use serde_json::json;

use super::{in_session, option};
use crate::common::TestApp;

#[tokio::test]
async fn a_decisions_items_carry_progress_up_to_their_parent_until_done() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let (_, meeting, topic, members) =
        in_session(&app, &staff, json!({"title": "3 号楼北侧建电动车棚"}), 3).await;
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    let agree = option(&t, "同意");
    for m in &members {
        staff
            .ok(
                &format!("/api/v1/topics/{topic}/votes"),
                json!({"option_id": agree, "voter_id": m}),
            )
            .await;
    }
    let t = staff
        .ok(
            &format!("/api/v1/topics/{topic}/decision"),
            json!({"terms": "在 3 号楼北侧空地建电动车棚，含充电桩 12 个"}),
        )
        .await;
    staff
        .ok(&format!("/api/v1/meetings/{meeting}/close"), json!({}))
        .await;
    let decision = t["decision"]["id"].as_i64().unwrap();
    let property = app.unit_id("property").await;
    let tz = linli::clock::china();
    let today = linli::clock::civil_in(app.now(), &tz).unwrap().date();
    let due = today
        .checked_add(jiff::Span::new().days(14))
        .unwrap()
        .to_string();

    let f = staff
        .ok(
            &format!("/api/v1/decisions/{decision}/items"),
            json!({"title": "建成车棚", "due_on": due, "owner_unit_id": property}),
        )
        .await;
    let parent = f["items"][0]["id"].as_i64().unwrap();
    for title in ["平整场地", "搭建棚架", "安装充电桩"] {
        staff
            .ok(
                &format!("/api/v1/decisions/{decision}/items"),
                json!({"title": title, "due_on": due, "parent_id": parent, "owner_unit_id": property}),
            )
            .await;
    }
    let f = staff
        .fetch(&format!("/api/v1/decisions/{decision}/follow-through"))
        .await;
    let child = |title: &str| {
        f["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == title)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (ground, frame, chargers) = (child("平整场地"), child("搭建棚架"), child("安装充电桩"));

    // The property company owns the items and reports on them.
    let company = app.login("property").await;
    company
        .ok(
            &format!("/api/v1/follow-items/{ground}/progress"),
            json!({"progress": 100, "note": "场地已平整"}),
        )
        .await;
    let f = company
        .ok(
            &format!("/api/v1/follow-items/{frame}/progress"),
            json!({"progress": 50, "note": "棚架立起一半"}),
        )
        .await;
    let item = |f: &serde_json::Value, id: i64| {
        f["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(item(&f, parent)["progress"], 50, "(100 + 50 + 0) / 3");
    assert_eq!(item(&f, ground)["status"], "done");
    assert_eq!(item(&f, frame)["milestones"][0]["note"], "棚架立起一半");
    let r = company
        .post(
            &format!("/api/v1/follow-items/{parent}/progress"),
            json!({"progress": 80}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "council_state"),
        "a parent's progress is its children's"
    );
    let r = company
        .post(
            &format!("/api/v1/follow-items/{ground}/progress"),
            json!({"progress": 90}),
        )
        .await;
    assert_eq!(r.status, 409, "done is done");
    for bad in [json!({"progress": 101}), json!({"progress": -1}), json!({})] {
        let r = company
            .post(
                &format!("/api/v1/follow-items/{chargers}/progress"),
                bad.clone(),
            )
            .await;
        assert_eq!(r.status, 422, "{bad}: {}", r.body);
    }
    let another = app.login("gas").await;
    let r = another
        .post(
            &format!("/api/v1/follow-items/{chargers}/progress"),
            json!({"progress": 10}),
        )
        .await;
    assert!(matches!(r.status.as_u16(), 403 | 404), "{}", r.status);

    // Past its due day and not done: flagged.
    app.advance_hours(24 * 15);
    let f = staff
        .fetch(&format!("/api/v1/decisions/{decision}/follow-through"))
        .await;
    assert_eq!(item(&f, chargers)["overdue"], true);
    assert_eq!(item(&f, ground)["overdue"], false, "done on time");

    // The residents see it once published.
    let resident = app.login("resident").await;
    let r = resident
        .get(&format!("/api/v1/decisions/{decision}/follow-through"))
        .await;
    assert_eq!(r.status, 404, "not before it is published");
    staff
        .ok(&format!("/api/v1/decisions/{decision}/publish"), json!({}))
        .await;
    let f = resident
        .fetch(&format!("/api/v1/decisions/{decision}/follow-through"))
        .await;
    assert_eq!(f["progress"], 50);
}
