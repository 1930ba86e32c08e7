//! Story 8 (seed 004): the small gates. A resident asks why the two small gates stay shut;
//! the office takes it to the Monday living-room meeting; the meeting discusses it and
//! decides to open the gate by the Beef Noodle shop 07:00–21:00 and keep the other shut;
//! the result is fed back to the residents and to the demand it came from.

use serde_json::json;

use super::{add_residents, first_meeting, living_room, option};
use crate::common::{TestApp, timeline};

#[tokio::test]
async fn story_08_the_small_gates() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;

    // The resident's demand, from the portal.
    let demand = resident
        .ok(
            "/api/v1/demands",
            json!({"channel": "online", "title": "小区两个小门常年关着",
                   "description": "小区东侧和南侧两个小门一直锁着，买菜要绕一大圈，能不能开一个？"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    let council = living_room(&app, &staff).await;
    let council_id = council["id"].as_i64().unwrap();
    assert_eq!(council["kind"], "council");
    assert_eq!(council["recurrence"], "FREQ=WEEKLY;BYDAY=MO");
    let members = add_residents(&app, &staff, council_id, &["resident", "resident2"], 7).await;
    assert_eq!(members.len(), 9);

    // Promoted in one step: the topic keeps the demand, the demand says it went to council.
    let topic = staff
        .ok(
            &format!("/api/v1/councils/{council_id}/topics"),
            json!({"demand_id": demand, "title": "小区小门是否开放",
                   "options": ["开放牛肉面馆旁小门，另一门保持关闭", "两门都开放", "维持现状"]}),
        )
        .await;
    let topic_id = topic["id"].as_i64().unwrap();
    assert_eq!(topic["source"], "demand");
    assert_eq!(topic["demand_id"], demand);
    assert_eq!(topic["status"], "raised");
    let raised = staff
        .fetch(&format!(
            "/api/v1/councils/{council_id}/topics?status=raised"
        ))
        .await;
    assert_eq!(raised.as_array().unwrap().len(), 1, "on the demand list");
    let tl = timeline(&resident, demand).await;
    assert!(tl.iter().any(|a| a == "to_council"), "{tl:?}");

    // Monday: the meeting of the schedule, the topic on its agenda.
    let meeting = first_meeting(&staff, council_id).await;
    let m = staff.fetch(&format!("/api/v1/meetings/{meeting}")).await;
    assert!(
        m["starts_at"].as_str().unwrap().contains("T19:00:00+08:00"),
        "{}",
        m["starts_at"]
    );
    staff
        .ok(
            &format!("/api/v1/meetings/{meeting}/agenda"),
            json!({"topic_id": topic_id}),
        )
        .await;
    let on_agenda = staff
        .fetch(&format!(
            "/api/v1/councils/{council_id}/topics?status=on_agenda"
        ))
        .await;
    assert_eq!(on_agenda[0]["id"], topic_id, "on the negotiation list");

    staff
        .ok(&format!("/api/v1/meetings/{meeting}/open"), json!({}))
        .await;
    // Seven of nine came.
    let present = &members[..7];
    let m = staff
        .put(
            &format!("/api/v1/meetings/{meeting}/attendance"),
            json!({"member_ids": present}),
        )
        .await;
    assert!(m.status.is_success(), "{}", m.body);
    assert_eq!(m.body["members"], 9);
    assert_eq!(m.body["present"], 7);

    // The resident votes herself; the office records the others' show of hands.
    let one_gate = option(&topic, "开放牛肉面馆旁小门，另一门保持关闭");
    let both = option(&topic, "两门都开放");
    let t = resident
        .ok(
            &format!("/api/v1/topics/{topic_id}/votes"),
            json!({"option_id": one_gate}),
        )
        .await;
    assert_eq!(t["voted"], true);
    for (i, m) in present.iter().enumerate().skip(1) {
        let body = match i {
            1..=4 => json!({"option_id": one_gate, "voter_id": m}),
            5 => json!({"option_id": both, "voter_id": m}),
            _ => json!({"abstain": true, "voter_id": m}),
        };
        staff
            .ok(&format!("/api/v1/topics/{topic_id}/votes"), body)
            .await;
    }
    let t = staff.fetch(&format!("/api/v1/topics/{topic_id}")).await;
    assert_eq!(t["ballots"], 7);
    assert_eq!(t["abstentions"], 1);

    // The decision with its terms.
    let terms = "开放牛肉面馆旁小门，每天 07:00–21:00；另一小门保持关闭；物业负责早晚开关门";
    let t = staff
        .ok(
            &format!("/api/v1/topics/{topic_id}/decision"),
            json!({"terms": terms}),
        )
        .await;
    assert_eq!(t["status"], "decided");
    let d = &t["decision"];
    assert_eq!(d["outcome"], "decided");
    assert_eq!(d["option_id"], one_gate);
    assert_eq!(d["terms"], terms);
    assert_eq!(d["terms_kind"], "permanent");
    let decision = d["id"].as_i64().unwrap();
    staff
        .ok(&format!("/api/v1/meetings/{meeting}/close"), json!({}))
        .await;
    let r = staff
        .put(
            &format!("/api/v1/meetings/{meeting}/minutes"),
            json!({"text": "到会 7 人。议题：小区小门是否开放。表决：5 票赞成开放牛肉面馆旁小门，1 票两门都开，1 人弃权。"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);

    // Not yet published: the residents do not see it on the results list.
    let before = resident
        .fetch(&format!("/api/v1/councils/{council_id}/results"))
        .await;
    assert!(before.as_array().unwrap().is_empty(), "{before}");

    // Fed back: on the results list, on the portal, and on the demand.
    let p = staff
        .ok(&format!("/api/v1/decisions/{decision}/publish"), json!({}))
        .await;
    assert!(p["published_at"].is_string());
    let results = resident
        .fetch(&format!("/api/v1/councils/{council_id}/results"))
        .await;
    assert_eq!(results[0]["terms"], terms);
    let tl = timeline(&resident, demand).await;
    assert!(tl.iter().any(|a| a == "council_result"), "{tl:?}");
    let mine = resident.fetch("/api/v1/me/topics").await;
    assert!(
        mine.as_array().unwrap().is_empty(),
        "the office raised it, not she: {mine}"
    );
    let again = staff
        .post(&format!("/api/v1/decisions/{decision}/publish"), json!({}))
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
}
