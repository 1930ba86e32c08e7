//! The background jobs: overdue flags and reminders exactly once, rating reminders, closing
//! unrated demands after the rating window.

use serde_json::json;

use crate::common::{TestApp, record, step, timeline};

#[tokio::test]
async fn concurrent_scans_flag_each_overdue_demand_exactly_once() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    for i in 0..30 {
        record(&staff, hh, "water", &format!("漏水 {i}")).await;
    }
    app.advance_hours(25);
    let (a, b, c) = tokio::join!(
        linli::demands::jobs::run_once(&app.state),
        linli::demands::jobs::run_once(&app.state),
        linli::demands::jobs::run_once(&app.state),
    );
    let flagged = a.unwrap().accept_overdue + b.unwrap().accept_overdue + c.unwrap().accept_overdue;
    assert_eq!(flagged, 30);
    let reminders = app
        .scalar("SELECT COUNT(*) FROM demand_events WHERE action = 'remind'")
        .await;
    assert_eq!(reminders, 30);
}

#[tokio::test]
async fn spent_tokens_are_purged_a_day_after_they_stop_working() {
    let app = TestApp::with_settings(linli::config::Settings::default()).await;
    let staff = app.login("staff").await;
    let _grid01 = app.login("grid01").await;
    assert_eq!(staff.post("/api/v1/logout", json!({})).await.status, 204);
    let before = app.scalar("SELECT COUNT(*) FROM tokens").await;
    let r = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(r.purged_tokens, 0, "not yet a day");
    app.advance_hours(25);
    let r = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(
        r.purged_tokens, 1,
        "the revoked one; grid01's session expired only 13 h ago"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM tokens").await, before - 1);
    app.advance_hours(12);
    let r = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(
        r.purged_tokens, 1,
        "grid01's expired session, a day after it expired"
    );
}

#[tokio::test]
async fn residents_who_have_not_rated_are_asked_again_then_closed_unrated() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let id = record(&staff, app.household_in_grid(1).await, "water", "漏水").await;
    step(&staff, id, "accept", json!({})).await;
    step(&staff, id, "resolve", json!({"result": "已修好"})).await;
    step(&staff, id, "feedback", json!({"note": "已告知"})).await;
    app.advance_hours(3 * 24 + 1);
    let r = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!((r.rating_reminders, r.auto_closed), (1, 0));
    app.advance_hours(4 * 24);
    let r = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!((r.rating_reminders, r.auto_closed), (0, 1));
    let d = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(d["demand"]["status"], "closed");
    assert_eq!(d["demand"]["close_kind"], "unrated");
    assert_eq!(
        timeline(&staff, id).await,
        ["intake", "accept", "resolve", "feedback", "remind", "close"]
    );
    let m = staff.fetch("/api/v1/measures").await;
    assert_eq!(m["total"]["counts"]["closed_unrated"], 1);
    assert_eq!(m["total"]["rates"]["satisfaction_rate"], json!(null));
}
