//! Bad input to councils: each refused with a stable code and a message in the caller's
//! language, changing nothing.

use serde_json::json;

use super::living_room;
use crate::common::TestApp;

#[tokio::test]
async fn bad_councils_and_meetings_are_refused_in_the_callers_language_and_change_nothing() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let before = app.scalar("SELECT COUNT(*) FROM councils").await;
    let cases = [
        (
            json!({"name": "周会", "recurrence": "FREQ=SOMETIMES", "first_starts_at": "2026-12-07T19:00"}),
            "invalid_recurrence",
        ),
        (
            json!({"name": "周会", "recurrence": "FREQ=WEEKLY;BYDAY=XX", "first_starts_at": "2026-12-07T19:00"}),
            "invalid_recurrence",
        ),
        (
            json!({"name": "周会", "recurrence": "FREQ=WEEKLY"}),
            "missing_field",
        ),
        (json!({"name": ""}), "missing_field"),
        (json!({"name": "周会", "kind": "club"}), "invalid_choice"),
        (
            json!({"name": "周会", "duration_minutes": 2}),
            "out_of_range",
        ),
        (
            json!({"name": "周会", "first_starts_at": "下周一"}),
            "invalid_time",
        ),
        (json!({"name": "周会", "grid_id": 999_999}), "unknown_grid"),
    ];
    for (body, code) in cases {
        let r = staff.post("/api/v1/councils", body.clone()).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (422, code),
            "{body}: {}",
            r.body
        );
        let msg = r.body["error"]["message"].as_str().unwrap();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "Chinese: {msg}"
        );
    }
    let r = app
        .send(
            axum::http::Method::POST,
            "/api/v1/councils?lang=en",
            Some(&staff.token),
            Some(json!({"name": "周会", "recurrence": "FREQ=SOMETIMES", "first_starts_at": "2026-12-07T19:00"})),
        )
        .await;
    let msg = r.body["error"]["message"].as_str().unwrap();
    assert!(msg.is_ascii(), "English when asked: {msg}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM councils").await, before);
    let r = staff
        .post("/api/v1/councils", json!({"name": "周会", "extra": 1}))
        .await;
    assert_eq!(r.status, 422, "unknown fields are refused");

    let council = living_room(&app, &staff).await["id"].as_i64().unwrap();
    let twice = staff
        .post("/api/v1/councils", json!({"name": "居民议事厅"}))
        .await;
    assert_eq!((twice.status.as_u16(), twice.code()), (409, "duplicate"));
    let meetings = app.scalar("SELECT COUNT(*) FROM council_meetings").await;
    for body in [
        json!({"starts_at": "2026-12-08T19:00", "ends_at": "2026-12-08T18:00"}),
        json!({"starts_at": "2026-12-08T19:00"}),
        json!({"starts_at": "明天", "ends_at": "2026-12-08T20:00"}),
    ] {
        let r = staff
            .post(
                &format!("/api/v1/councils/{council}/meetings"),
                body.clone(),
            )
            .await;
        assert_eq!(r.status, 422, "{body}: {}", r.body);
    }
    for body in [
        json!({"kind": "resident", "id": 999_999}),
        json!({"kind": "alien", "id": 1}),
        json!({"id": 1}),
    ] {
        let r = staff
            .post(&format!("/api/v1/councils/{council}/members"), body.clone())
            .await;
        assert_eq!(r.status, 422, "{body}: {}", r.body);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM council_meetings").await,
        meetings
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM council_members").await, 0);

    // Topics.
    for (body, code) in [
        (json!({"title": ""}), "missing_field"),
        (
            json!({"title": "议题", "options": ["只有一个"]}),
            "out_of_range",
        ),
        (
            json!({"title": "议题", "options": ["甲", "甲"]}),
            "duplicate_option",
        ),
        (
            json!({"title": "议题", "majority": "most"}),
            "invalid_choice",
        ),
        (
            json!({"title": "议题", "client_id": "short"}),
            "invalid_client_id",
        ),
        (
            json!({"title": "议题", "demand_id": 999_999}),
            "unknown_reference",
        ),
    ] {
        let r = staff
            .post(&format!("/api/v1/councils/{council}/topics"), body.clone())
            .await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (422, code),
            "{body}: {}",
            r.body
        );
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM council_topics").await, 0);
    let r = staff
        .get(&format!("/api/v1/councils/{council}/topics?status=lost"))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_choice"));
    let meeting = super::first_meeting(&staff, council).await;
    let r = staff
        .post(&format!("/api/v1/meetings/{meeting}/close"), json!({}))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "council_state"),
        "not in session"
    );
    let msg = r.body["error"]["message"].as_str().unwrap();
    assert!(
        !msg.contains("councils."),
        "the state and the step in words: {msg}"
    );
    let r = staff
        .put(
            &format!("/api/v1/meetings/{meeting}/attendance"),
            json!({"member_ids": [999_999]}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
}
