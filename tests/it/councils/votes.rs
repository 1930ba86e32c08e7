//! Votes as the issue sets them: once per person or household, never after the meeting
//! closed, never for another household; a secret ballot keeps who voted, not how; no
//! decision without quorum.

use serde_json::json;

use super::{in_session, option, resident_of};
use crate::common::TestApp;

#[tokio::test]
async fn a_person_votes_once_and_not_after_the_meeting_closed() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let (_, meeting, topic, _) =
        in_session(&app, &staff, json!({"title": "楼道灯改声控"}), 3).await;
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    let agree = option(&t, "同意");
    let first = resident
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": agree}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let twice = resident
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"abstain": true}),
        )
        .await;
    assert_eq!(
        (twice.status.as_u16(), twice.code()),
        (409, "already_voted")
    );
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    assert_eq!(
        (t["ballots"].as_i64(), t["abstentions"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(t["options"][0]["votes"], 1, "the first vote stands");

    staff
        .ok(&format!("/api/v1/meetings/{meeting}/close"), json!({}))
        .await;
    let late = app.login("resident2").await;
    let r = late
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": agree}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    assert_eq!(t["ballots"], 1, "nothing changed after the close");
}

#[tokio::test]
async fn a_vote_before_the_meeting_opens_or_by_a_non_member_is_refused() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let council = super::living_room(&app, &staff).await["id"]
        .as_i64()
        .unwrap();
    super::add_residents(&app, &staff, council, &["resident"], 2).await;
    let topic = super::raise(&staff, council, json!({"title": "垃圾分类督导时间"})).await;
    let meeting = super::first_meeting(&staff, council).await;
    staff
        .ok(
            &format!("/api/v1/meetings/{meeting}/agenda"),
            json!({"topic_id": topic}),
        )
        .await;
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    let agree = option(&t, "同意");
    let resident = app.login("resident").await;
    let early = resident
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": agree}),
        )
        .await;
    assert_eq!(
        (early.status.as_u16(), early.code()),
        (409, "voting_not_open")
    );
    staff
        .ok(&format!("/api/v1/meetings/{meeting}/open"), json!({}))
        .await;
    let outsider = app.login("resident2").await;
    let r = outsider
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": agree}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (403, "vote_not_eligible"),
        "{}",
        r.body
    );
    let r = resident
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": 999_999}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_choice"));
    let r = resident
        .post(&format!("/api/v1/topics/{topic}/votes"), json!({}))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    assert_eq!(t["ballots"], 0);
}

/// A vote per household: cast by any adult of it, once; never for another household; and
/// two adults voting at the same moment count once.
#[tokio::test]
async fn a_household_votes_once_whoever_of_it_votes_even_at_the_same_moment() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let (_, _, topic, _) = in_session(
        &app,
        &staff,
        json!({"title": "楼顶太阳能热水器统一安装", "vote_unit": "household"}),
        3,
    )
    .await;
    let me = resident_of(&app, "resident").await;
    let household = app
        .scalar_with("SELECT household_id FROM residents WHERE id = $1", me)
        .await;
    let other_household = app
        .scalar_with(
            "SELECT MIN(h.id) FROM households h JOIN residents r ON r.household_id = h.id \
             WHERE h.id <> $1",
            household,
        )
        .await;
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    let agree = option(&t, "同意");
    let resident = app.login("resident").await;
    let r = resident
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": agree, "household_id": other_household}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (422, "vote_for_other_household")
    );

    // Two adults of one household, recorded by the office at the same moment.
    let mut c = app.state.db.conn().await.unwrap();
    let adults: Vec<(i64,)> = linli::db::Q::new(
        "SELECT id FROM residents WHERE household_id = $1 AND child_name IS NULL ORDER BY id",
    )
    .bind(household)
    .fetch_all(&mut c)
    .await
    .unwrap();
    drop(c);
    let (a, b) = match adults.as_slice() {
        [a, b, ..] => (a.0, b.0),
        [a] => (a.0, a.0),
        [] => panic!("no adult in the household"),
    };
    let path = format!("/api/v1/topics/{topic}/votes");
    let (ra, rb) = tokio::join!(
        staff.post(&path, json!({"option_id": agree, "voter_id": a})),
        staff.post(&path, json!({"abstain": true, "voter_id": b})),
    );
    let mut codes = [ra.status.as_u16(), rb.status.as_u16()];
    codes.sort_unstable();
    assert_eq!(codes, [200, 409], "{} / {}", ra.body, rb.body);
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    assert_eq!(t["ballots"], 1, "the household counts once");
    let counted = t["options"][0]["votes"].as_i64().unwrap() + t["abstentions"].as_i64().unwrap();
    assert_eq!(counted, 1);
    let r = resident
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": agree}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "already_voted"),
        "{}",
        r.body
    );
}

/// A secret ballot stores who voted, never how: no row links a vote to its voter, and the
/// audit log says only that a vote was cast.
#[tokio::test]
async fn a_secret_ballot_keeps_no_link_from_a_vote_to_its_voter() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let (_, _, topic, _) = in_session(
        &app,
        &staff,
        json!({"title": "选举楼栋长", "ballot": "secret", "options": ["老杜", "小周"]}),
        3,
    )
    .await;
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    let du = option(&t, "老杜");
    let resident = app.login("resident").await;
    let r = resident
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": du}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["voted"], true, "she sees that she voted");
    assert_eq!(r.body["ballots"], 1);
    assert_eq!(
        r.body["options"][0]["votes"], 0,
        "no running count while it is open"
    );
    let linked = app
        .scalar_with(
            "SELECT COUNT(*) FROM topic_ballots WHERE topic_id = $1 \
             AND (option_id IS NOT NULL OR abstain IS NOT NULL OR voter_id IS NOT NULL)",
            topic,
        )
        .await;
    assert_eq!(linked, 0, "no choice and no voter on the ballot row");
    let audited = app
        .scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE object_kind = 'topic' AND object_id = $1 \
             AND action = 'vote' AND detail LIKE '%choice%'",
            topic,
        )
        .await;
    assert_eq!(audited, 0, "the audit row does not say how");
    let proxy = staff
        .post(
            &format!("/api/v1/topics/{topic}/votes"),
            json!({"option_id": du, "voter_id": 1}),
        )
        .await;
    assert_eq!(proxy.status, 403, "no show of hands on a secret ballot");
    let t = staff
        .ok(
            &format!("/api/v1/topics/{topic}/decision"),
            json!({"terms": "老杜任 3 号楼楼栋长"}),
        )
        .await;
    assert_eq!(t["options"][0]["votes"], 1, "the count, once decided");
    assert_eq!(t["decision"]["option_id"], du);
}

/// No decision without quorum: recorded as "no quorum", and terms are refused.
#[tokio::test]
async fn without_quorum_nothing_is_decided_and_it_is_recorded_so() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let council = super::living_room(&app, &staff).await["id"]
        .as_i64()
        .unwrap();
    let members = super::add_residents(&app, &staff, council, &["resident"], 5).await;
    let topic = super::raise(&staff, council, json!({"title": "增设快递柜"})).await;
    let meeting = super::first_meeting(&staff, council).await;
    staff
        .ok(
            &format!("/api/v1/meetings/{meeting}/agenda"),
            json!({"topic_id": topic}),
        )
        .await;
    staff
        .ok(&format!("/api/v1/meetings/{meeting}/open"), json!({}))
        .await;
    // Two of six came.
    let r = staff
        .put(
            &format!("/api/v1/meetings/{meeting}/attendance"),
            json!({"member_ids": &members[..2]}),
        )
        .await;
    assert_eq!(r.body["present"], 2);
    let t = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    let agree = option(&t, "同意");
    for m in &members[..2] {
        staff
            .ok(
                &format!("/api/v1/topics/{topic}/votes"),
                json!({"option_id": agree, "voter_id": m}),
            )
            .await;
    }
    let refused = staff
        .post(
            &format!("/api/v1/topics/{topic}/decision"),
            json!({"terms": "在 3 号楼下增设快递柜"}),
        )
        .await;
    assert_eq!(
        (refused.status.as_u16(), refused.code()),
        (409, "no_quorum")
    );
    let still = staff.fetch(&format!("/api/v1/topics/{topic}")).await;
    assert_eq!(still["status"], "on_agenda", "the refusal changed nothing");
    let t = staff
        .ok(&format!("/api/v1/topics/{topic}/decision"), json!({}))
        .await;
    assert_eq!(t["status"], "no_quorum");
    assert_eq!(t["decision"]["outcome"], "no_quorum");
}
