//! The unit (property company, gas, water) on its job page: where to go and how to reach
//! the resident, progress notes, an appointment the resident sees, and returning a job
//! dispatched to the wrong hands (issue 13, item 2). And staff recording a rating on the
//! resident's behalf after a call-back (item 4).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::pages::PageClient;
use crate::common::{TestApp, step, timeline};

/// A leak recorded for a household of grid 1 with the reporter's phone, accepted and
/// dispatched to the property company.
async fn dispatched(app: &TestApp) -> i64 {
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    let d = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "household_id": hh, "reporter_name": "刘女士",
                   "reporter_phone": "13912345678", "description": "厨房水管漏水",
                   "category": "water"}),
        )
        .await;
    let id = d["id"].as_i64().unwrap();
    step(&staff, id, "accept", json!({})).await;
    let unit = app.unit_id("property").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit}}),
    )
    .await;
    id
}

async fn whole_views(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii'")
        .await
}

/// 回电, as the reveal form sends it.
const CALL_BACK: &str = "%E5%9B%9E%E7%94%B5";

#[tokio::test]
async fn the_job_page_says_where_to_go_and_gives_the_whole_phone_only_while_open_audited() {
    let app = TestApp::new().await;
    let id = dispatched(&app).await;
    let mut unit = PageClient::login(&app, "property").await;
    let before = whole_views(&app).await;
    let html = unit.page(&format!("/work/demands/{id}")).await.html;
    assert!(
        html.contains("上门地址") && html.contains("data-address>"),
        "{html}"
    );
    // Masked at first, with the form that asks for it whole; nothing audited.
    assert!(!html.contains("13912345678") && html.contains("139****5678"));
    assert!(html.contains("name=\"reveal\"") && html.contains("显示完整号码"));
    assert_eq!(whole_views(&app).await, before, "a plain view");
    let html = unit
        .page(&format!("/work/demands/{id}?reveal={CALL_BACK}"))
        .await
        .html;
    assert!(html.contains("tel:13912345678"), "the whole number to call");
    assert!(html.contains("原因：回电") && !html.contains("name=\"reveal\""));
    assert_eq!(
        whole_views(&app).await,
        before + 1,
        "the whole view is audited"
    );
    // Done and closed: the number is masked again for the unit, and no longer theirs to ask.
    let staff = app.login("staff").await;
    let property = app.login("property").await;
    step(&property, id, "take", json!({})).await;
    step(
        &property,
        id,
        "resolve",
        json!({"result": "更换了水管接头"}),
    )
    .await;
    step(&staff, id, "feedback", json!({"note": "已电话告知"})).await;
    step(
        &staff,
        id,
        "rate",
        json!({"solved": true, "satisfaction": "satisfied", "on_behalf": "phone"}),
    )
    .await;
    let before = whole_views(&app).await;
    let html = unit.page(&format!("/work/demands/{id}")).await.html;
    assert!(!html.contains("13912345678") && html.contains("139****5678"));
    assert!(!html.contains("name=\"reveal\""), "no form to ask");
    let asked = unit
        .get(&format!("/work/demands/{id}?reveal={CALL_BACK}"))
        .await;
    assert_eq!(asked.status, StatusCode::FORBIDDEN);
    assert!(!asked.html.contains("13912345678"));
    assert_eq!(
        whole_views(&app).await,
        before,
        "nothing shown whole, nothing audited"
    );
}

#[tokio::test]
async fn the_unit_notes_progress_and_sets_an_appointment_the_resident_sees() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let hh = app
        .scalar(
            "SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id \
             WHERE u.username = 'resident'",
        )
        .await;
    let staff = app.login("staff").await;
    let d = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "household_id": hh, "description": "热水器漏水",
                   "category": "water"}),
        )
        .await;
    let id = d["id"].as_i64().unwrap();
    step(&staff, id, "accept", json!({})).await;
    let unit_id = app.unit_id("property").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit_id}}),
    )
    .await;

    let mut unit = PageClient::login(&app, "property").await;
    let job = format!("/work/demands/{id}");
    let r = unit
        .submit(
            &job,
            &format!("{job}/act/note"),
            &[("note", "已联系居民，配件在路上")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    // An appointment: tomorrow at 14:00 China time (the test clock's day + 1).
    let tomorrow = linli::clock::rfc3339(app.now() + 86_400_000);
    let at = format!("{}T14:00", &tomorrow[..10]);
    let r = unit
        .submit(
            &job,
            &format!("{job}/act/appoint"),
            &[("at", &at), ("note", "请家里留人")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let shown = format!("{} 14:00", &tomorrow[..10]);
    let html = unit.page(&job).await.html;
    assert!(
        html.contains(&shown),
        "{shown}: {}",
        &html[html.find("<dl>").unwrap_or(0)..]
            .chars()
            .take(1500)
            .collect::<String>()
    );
    // In the past: refused, with the reason, nothing changed.
    let before = app.demand_footprint().await;
    let r = unit
        .submit(
            &job,
            &format!("{job}/act/appoint"),
            &[("at", "2020-01-01T09:00")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("预约时间不能早于现在"));
    assert_eq!(app.demand_footprint().await, before);

    // The resident sees the appointment and its note, not the unit's progress note.
    let seen: Value = resident.fetch(&format!("/api/v1/demands/{id}")).await;
    assert!(
        seen["demand"]["appointment_at"]
            .as_str()
            .unwrap()
            .contains("T14:00:00")
    );
    let notes: Vec<&str> = seen["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["note"].as_str().unwrap_or(""))
        .collect();
    assert!(notes.contains(&"请家里留人"), "{notes:?}");
    assert!(
        !notes.contains(&"已联系居民，配件在路上"),
        "a work note, not for the resident"
    );
    let mut portal = PageClient::login(&app, "resident").await;
    let mine = portal.page(&format!("/me/demands/{id}")).await.html;
    assert!(
        mine.contains("data-appointment") && mine.contains(&shown),
        "on her phone too"
    );
    assert!(!mine.contains("配件在路上"));
    let office = timeline(&staff, id).await;
    assert!(office.contains(&"note".to_string()) && office.contains(&"appoint".to_string()));
}

#[tokio::test]
async fn a_job_dispatched_to_the_wrong_hands_is_returned_with_a_reason_to_the_dispatchers_queue() {
    let app = TestApp::new().await;
    let id = dispatched(&app).await;
    let mut unit = PageClient::login(&app, "property").await;
    let job = format!("/work/demands/{id}");
    // A reason is needed.
    let before = app.demand_footprint().await;
    let r = unit
        .submit(&job, &format!("{job}/act/return"), &[("reason", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("缺少必填项：原因"), "{}", r.html);
    assert_eq!(app.demand_footprint().await, before);
    let r = unit
        .submit(
            &job,
            &format!("{job}/act/return"),
            &[("reason", "是燃气管道，不归物业，请派燃气公司")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let staff = app.login("staff").await;
    let d = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(d["demand"]["status"], "accepted");
    assert!(d["demand"]["assignee"].is_null(), "given to nobody");
    // In the dispatcher's queue: the workbench's "to dispatch" tile and its list.
    let mut office = PageClient::login(&app, "staff").await;
    let list = office.page("/work/demands?status=accepted").await.html;
    assert!(
        list.contains(&format!("/work/demands/{id}\"")),
        "in the queue"
    );
    let page = office.page(&job).await.html;
    assert!(
        page.contains("是燃气管道，不归物业"),
        "the reason on the timeline"
    );
    // No longer theirs: the unit can neither return it again nor take it.
    let property = app.login("property").await;
    let r = property
        .post(
            &format!("/api/v1/demands/{id}/return"),
            json!({"reason": "再退"}),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    // Dispatched again, to the gas company.
    let gas = app.unit_id("gas").await;
    let d = step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": gas}}),
    )
    .await;
    assert_eq!(d["status"], "dispatched");
}

#[tokio::test]
async fn staff_record_a_rating_on_the_residents_behalf_marked_with_how_they_asked() {
    let app = TestApp::new().await;
    let id = dispatched(&app).await;
    let staff = app.login("staff").await;
    let property = app.login("property").await;
    step(&property, id, "take", json!({})).await;
    step(
        &property,
        id,
        "resolve",
        json!({"result": "更换了水管接头"}),
    )
    .await;
    step(&staff, id, "feedback", json!({"note": "已电话告知刘女士"})).await;
    let mut office = PageClient::login(&app, "staff").await;
    let page_path = format!("/work/demands/{id}");
    let form = office.page(&page_path).await.html;
    // The form speaks to staff about the resident, and asks how they asked.
    assert!(form.contains("居民说问题解决了吗？") && form.contains("name=\"on_behalf\""));
    assert!(
        !form.contains("您对办理结果满意吗？"),
        "not the resident's own wording"
    );
    let counts_before = staff.fetch("/api/v1/measures").await;
    // Without the method: refused, nothing changed.
    let before = app.demand_footprint().await;
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/rate"),
            json!({"solved": true, "satisfaction": "satisfied"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "missing_field"));
    assert_eq!(r.body["error"]["field"], "rating_method");
    assert_eq!(app.demand_footprint().await, before);
    let r = office
        .submit(
            &page_path,
            &format!("{page_path}/act/rate"),
            &[
                ("on_behalf", "phone"),
                ("solved", "true"),
                ("satisfaction", "basically"),
                ("comment", "修好了，就是等了两天"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let d = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(d["demand"]["status"], "closed");
    assert_eq!(d["demand"]["rating"]["on_behalf"], "phone");
    let rate = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "rate")
        .unwrap();
    assert_eq!(rate["data"]["on_behalf"], "phone");
    let page = office.page(&page_path).await.html;
    assert!(
        page.contains("电话回访，工作人员代录"),
        "marked on the page"
    );
    // It counts like the resident's own: one more rated, basically satisfied.
    let after = staff.fetch("/api/v1/measures").await;
    assert_eq!(
        after["total"]["counts"]["basically_satisfied"]
            .as_i64()
            .unwrap(),
        counts_before["total"]["counts"]["basically_satisfied"]
            .as_i64()
            .unwrap()
            + 1
    );
}
