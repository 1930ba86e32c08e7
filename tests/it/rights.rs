//! The data subject's rights (issue 14 item 5, PIPL arts. 44–47): a resident sees and
//! downloads everything Linli holds about them; the office answers such a request for a
//! resident and anonymises one, after which no one is named but every figure is the same;
//! the retention job clears reporters' phones of demands closed long ago.

use linli::db::Q;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::pages::PageClient;

/// The demo resident with a sign-in (`resident`), and their id.
async fn the_resident(app: &TestApp) -> i64 {
    app.scalar("SELECT resident_id FROM users WHERE username = 'resident'")
        .await
}

#[tokio::test]
async fn a_resident_sees_and_downloads_everything_held_about_them() {
    let app = TestApp::new().await;
    let id = the_resident(&app).await;
    let me = app.login("resident").await;
    let mine = me
        .ok(
            "/api/v1/demands",
            json!({"channel": "online", "description": "楼道灯不亮", "category": "public_facility"}),
        )
        .await["id"]
        .clone();
    let all = me.fetch("/api/v1/me/everything").await;
    assert_eq!(all["resident"]["id"], id);
    assert_eq!(all["resident"]["pii"], "whole");
    assert!(
        all["demands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == mine),
        "{all}"
    );
    assert_eq!(all["accounts"][0]["username"], "resident");
    // Their own copy is in the log, and the next copy shows it.
    let again = me.fetch("/api/v1/me/everything").await;
    assert_eq!(again["audit"][0]["action"], "subject_access", "{again}");
    // Someone else's is not theirs to read.
    let other = app
        .scalar_with("SELECT MIN(id) FROM residents WHERE id <> $1", id)
        .await;
    let r = me
        .get(&format!("/api/v1/residents/{other}/everything"))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    let mut page = PageClient::login(&app, "resident").await;
    let html = page.page("/me/data").await.html;
    assert!(html.contains("个人信息保护法"), "{html}");
    assert!(html.contains("楼道灯不亮"), "{html}");
    let portal = page.page("/me").await.html;
    assert!(portal.contains("href=\"/me/data\""), "{portal}");
    assert!(
        html.contains("请联系社区居委会"),
        "no erase form for the resident: {html}"
    );
    let file = me.download("/api/v1/me/everything").await;
    assert_eq!(file.status, 200);
    let file = page.get("/me/data.json").await;
    assert_eq!(file.status, 200);
    let parsed: Value = serde_json::from_str(&file.html).unwrap();
    assert_eq!(parsed["resident"]["id"], id);
}

#[tokio::test]
async fn the_office_anonymises_a_resident_and_every_figure_stays_the_same() {
    let app = TestApp::new().await;
    let id = the_resident(&app).await;
    let me = app.login("resident").await;
    let raised = me
        .ok(
            "/api/v1/demands",
            json!({"channel": "online", "description": "单元门禁坏了", "category": "property"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let staff = app.login("staff").await;
    let before = staff
        .fetch(&format!("/api/v1/residents/{id}?reveal=visit"))
        .await;
    let name = before["name"].as_str().unwrap().to_string();
    let demands_before = app.scalar("SELECT COUNT(*) FROM demands").await;
    let (kept_before, _) = app.rollups_kept_and_recounted().await;

    // Refused: no reason, the street, a grid worker.
    let r = staff
        .post(
            &format!("/api/v1/residents/{id}/anonymise"),
            json!({"reason": " "}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    for who in ["street", "grid01"] {
        let r = app
            .login(who)
            .await
            .post(
                &format!("/api/v1/residents/{id}/anonymise"),
                json!({"reason": "本人申请删除"}),
            )
            .await;
        assert_eq!(r.status, 403, "{who}: {}", r.body);
    }
    let done = staff
        .ok(
            &format!("/api/v1/residents/{id}/anonymise"),
            json!({"reason": "本人申请删除"}),
        )
        .await;
    assert!(done["demands_kept"].as_u64().unwrap() >= 1, "{done}");

    // Nobody is named any more: not the record, the sign-in, the demands, the timeline.
    let after = staff
        .fetch(&format!("/api/v1/residents/{id}?reveal=visit"))
        .await;
    assert_eq!(after["name"], format!("已注销居民{id}"));
    for f in [
        "id_number",
        "phone",
        "health_note",
        "birth_date",
        "household_id",
    ] {
        assert!(after[f].is_null(), "{f}: {after}");
    }
    assert_eq!(after["tags"], json!([]));
    let named = app
        .scalar_with(
            "SELECT (SELECT COUNT(*) FROM residents WHERE name = $1) \
             + (SELECT COUNT(*) FROM users WHERE display_name = $1) \
             + (SELECT COUNT(*) FROM demands WHERE reporter_name = $1) \
             + (SELECT COUNT(*) FROM demand_events WHERE actor_name = $1)",
            name.as_str(),
        )
        .await;
    assert_eq!(named, 0, "{name} is still named somewhere");
    let demand = staff.fetch(&format!("/api/v1/demands/{raised}")).await;
    assert!(demand["demand"]["reporter_phone"].is_null(), "{demand}");
    // They can no longer sign in, and their sessions are gone.
    let r = me.get("/api/v1/me").await;
    assert_eq!(r.status, 401);
    let r = app
        .anonymous()
        .post(
            "/api/v1/login",
            json!({"username": "resident", "password": linli::auth::password::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.body);

    // Every demand is still counted, and the rates are what they were.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM demands").await,
        demands_before
    );
    let (kept, recounted) = app.rollups_kept_and_recounted().await;
    assert_eq!(kept, kept_before);
    assert_eq!(kept, recounted);

    // Once is enough; and the log says who did it and why.
    let r = staff
        .post(
            &format!("/api/v1/residents/{id}/anonymise"),
            json!({"reason": "再来一次"}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.code(), "already_anonymised");
    let mut c = app.state.db.conn().await.unwrap();
    let (detail,): (String,) =
        Q::new("SELECT detail FROM audit_log WHERE action = 'anonymise' AND object_id = $1")
            .bind(id)
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert!(detail.contains("reason=本人申请删除"), "{detail}");
    let verified = linli::audit::verify::run(&app.state.db).await.unwrap();
    assert!(verified.holds(), "{:?}", verified.problems);
}

#[tokio::test]
async fn the_office_anonymises_through_the_page_only_when_confirmed() {
    let app = TestApp::new().await;
    let id = the_resident(&app).await;
    let mut staff = PageClient::login(&app, "staff").await;
    let record = staff.page(&format!("/roster/residents/{id}")).await.html;
    assert!(record.contains(&format!("/roster/residents/{id}/everything")));
    let page = staff
        .page(&format!("/roster/residents/{id}/everything"))
        .await;
    assert!(
        page.html.contains("匿名化（删除个人信息）"),
        "{}",
        page.html
    );
    let path = format!("/roster/residents/{id}/anonymise");
    let csrf = page.csrf();
    let r = staff
        .post(&path, &[("csrf", &csrf), ("reason", "本人申请删除")])
        .await;
    assert_eq!(r.status, 422, "not confirmed: {}", r.html);
    assert!(
        app.scalar_with(
            "SELECT COUNT(*) FROM residents WHERE id = $1 AND anonymised_at IS NULL",
            id
        )
        .await
            == 1
    );
    let r = staff
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("reason", "本人申请删除"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let shown = staff.page(r.location.as_deref().unwrap()).await.html;
    assert!(shown.contains("已匿名化"), "{shown}");
    assert!(shown.contains(&format!("已注销居民{id}")), "{shown}");
}

#[tokio::test]
async fn reporters_phones_are_cleared_a_year_after_their_demand_closed() {
    let app = TestApp::new().await;
    let closed_with_phone =
        "SELECT COUNT(*) FROM demands WHERE reporter_phone IS NOT NULL AND closed_at IS NOT NULL";
    let open_with_phone =
        "SELECT COUNT(*) FROM demands WHERE reporter_phone IS NOT NULL AND closed_at IS NULL";
    // Two demands with a reporter's phone; one of them closes today.
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let mut ids = Vec::new();
    for phone in ["13700001111", "13700002222"] {
        let d = staff
            .ok(
                "/api/v1/demands",
                json!({"channel": "phone", "description": "路灯不亮", "category": "public_facility",
                       "household_id": h, "reporter_name": "过路的李先生", "reporter_phone": phone}),
            )
            .await;
        ids.push(d["id"].as_i64().unwrap());
    }
    // Closing through every step of the loop is the loop's tests' business: here only
    // the moment it closed counts.
    let mut tx = app.state.db.begin().await.unwrap();
    Q::new("UPDATE demands SET status = 'closed', closed_at = $2 WHERE id = $1")
        .bind(ids[0])
        .bind(app.now())
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let closed = app.scalar(closed_with_phone).await;
    let open = app.scalar(open_with_phone).await;
    assert!(
        closed > 0 && open > 0,
        "the demo has both: {closed} closed, {open} open"
    );
    // Within the year nothing goes.
    let r = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(r.forgotten_phones, 0);
    app.advance_hours(366 * 24);
    let r = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(r.forgotten_phones as i64, closed);
    assert_eq!(app.scalar(closed_with_phone).await, 0);
    assert_eq!(
        app.scalar(open_with_phone).await,
        open,
        "open demands keep theirs"
    );
}

#[test]
fn a_phone_retention_shorter_than_the_reopen_window_is_refused() {
    let e = linli::config::Settings::load(
        None,
        [(
            "LINLI_REPORTER_PHONE_RETENTION_DAYS".to_string(),
            "10".to_string(),
        )],
    )
    .unwrap_err();
    assert!(e.contains("reopen_window_days"), "{e}");
}
