//! What each viewer is shown: the resident what the portal shows (no staff names, internal
//! notes or reminders) through the API as on the portal; volunteers and units their work
//! without the office's reminders or exports; phones masked everywhere, whole only in the
//! detail asked for with a reason, audited; reminders in front of the people they are for; a portal photo refused with why.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::pages::PageClient;
use crate::common::{Client, TestApp, record, step};
use crate::one_door::{JPEG, multipart};

async fn name_of(app: &TestApp, username: &str) -> String {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new("SELECT display_name FROM users WHERE username = $1")
        .bind(username)
        .fetch_one::<(String,)>(&mut c)
        .await
        .unwrap()
        .0
}

async fn run_jobs(app: &TestApp) {
    linli::demands::jobs::run_once(&app.state).await.unwrap();
}

fn actions(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_resident_reads_through_the_api_what_the_portal_shows() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let secretary = app.login("secretary").await;
    let grid01 = app.login("grid01").await;
    let property = app.login("property").await;
    let id = resident
        .ok(
            "/api/v1/demands",
            json!({"description": "卫生间水管漏水", "category": "water"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    // Nobody accepts it in time: the job reminds the office.
    app.advance_hours(25);
    run_jobs(&app).await;
    let internal = [
        "内部：先问物业经理",
        "内部：派给李网格员，带上总阀钥匙",
        "内部：明早上门",
        "内部：请物业一起到场",
        "内部：物业已到",
        "内部：物业已换阀门",
    ];
    step(&staff, id, "accept", json!({"note": internal[0]})).await;
    let worker = app.user_id("grid01").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "user", "id": worker}, "note": internal[1]}),
    )
    .await;
    step(&grid01, id, "take", json!({"note": internal[2]})).await;
    let unit = app.unit_id("property").await;
    step(
        &secretary,
        id,
        "whistle",
        json!({"summon": [{"kind": "unit", "id": unit}], "note": internal[3]}),
    )
    .await;
    step(&property, id, "report-in", json!({"note": internal[4]})).await;
    step(&property, id, "report-back", json!({"note": internal[5]})).await;
    step(
        &grid01,
        id,
        "resolve",
        json!({"result": "更换了进水阀，不再漏水"}),
    )
    .await;
    step(
        &staff,
        id,
        "feedback",
        json!({"method": "phone", "note": "已电话告知潘阿姨维修结果"}),
    )
    .await;

    let staff_view = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert!(actions(&staff_view).contains(&"remind".to_string()));
    assert!(staff_view.to_string().contains(internal[1]));

    let api = resident.fetch(&format!("/api/v1/demands/{id}")).await;
    let mut portal = PageClient::login(&app, "resident").await;
    let page = portal.page(&format!("/me/demands/{id}")).await.html;
    let said = api.to_string();
    assert!(!actions(&api).contains(&"remind".to_string()), "{said}");
    for who in ["staff", "secretary", "grid01", "property"] {
        let name = name_of(&app, who).await;
        assert!(!said.contains(&name), "the API names {who} ({name})");
        assert!(!page.contains(&name), "the portal names {who} ({name})");
    }
    for note in internal {
        assert!(!said.contains(note), "the API shows {note}");
        assert!(!page.contains(note), "the portal shows {note}");
    }
    assert!(!page.contains("超过受理时限"), "no reminder on the portal");
    assert!(
        !said.contains("超过受理时限"),
        "no reminder through the API"
    );
    // What is meant for her she reads through both doors.
    for meant in ["已电话告知潘阿姨维修结果", "更换了进水阀，不再漏水"] {
        assert!(said.contains(meant) && page.contains(meant), "{meant}");
    }
    assert_eq!(
        api["demand"]["assignee"],
        Value::Null,
        "a person is not named"
    );
    assert_eq!(api["demand"]["taken_by"], Value::Null);
    assert_eq!(
        api["summons"][0]["name"], "裕城物业服务有限公司",
        "a unit may be"
    );
    assert_eq!(api["summons"][0]["back_note"], Value::Null);
    assert_eq!(api["next_actions"], json!(["rate", "attachments"]));
    // The portal's timeline is the API's.
    assert_eq!(
        page.matches("<li><strong>").count(),
        api["timeline"].as_array().unwrap().len()
    );
}

#[tokio::test]
async fn volunteers_and_units_work_on_their_orders_without_the_offices_reminders_or_exports() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let property = app.login("property").await;
    let id = record(&staff, app.household_in_grid(1).await, "water", "水表漏水").await;
    app.advance_hours(25);
    run_jobs(&app).await;
    step(&staff, id, "accept", json!({})).await;
    let unit = app.unit_id("property").await;
    step(
        &staff,
        id,
        "dispatch",
        json!({"to": {"kind": "unit", "id": unit}, "note": "请物业上门查看"}),
    )
    .await;
    let reminder = "超过受理时限，请尽快受理";

    let mut office = PageClient::login(&app, "staff").await;
    assert!(
        office
            .page(&format!("/work/demands/{id}"))
            .await
            .html
            .contains(reminder)
    );
    assert!(
        office
            .page("/work/demands")
            .await
            .html
            .contains("导出 Excel")
    );

    let mut unit_page = PageClient::login(&app, "property").await;
    let p = unit_page.page(&format!("/work/demands/{id}")).await.html;
    assert!(p.contains("请物业上门查看"), "the note addressed to them");
    assert!(!p.contains(reminder), "the office's reminder is not theirs");
    let d = property.fetch(&format!("/api/v1/demands/{id}")).await;
    assert!(!actions(&d).contains(&"remind".to_string()));
    assert!(actions(&d).contains(&"dispatch".to_string()));
    for who in ["property", "volunteer"] {
        let mut c = PageClient::login(&app, who).await;
        assert!(
            !c.page("/work/demands").await.html.contains("导出"),
            "{who}"
        );
        assert_eq!(
            c.get("/work/demands/export?format=csv").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let r = app
            .login(who)
            .await
            .get("/api/v1/demands/export?format=csv")
            .await;
        assert_eq!((r.status.as_u16(), r.code()), (403, "staff_only"), "{who}");
    }
}

async fn view_pii(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii'")
        .await
}

fn phone(v: &Value) -> &str {
    v["reporter_phone"].as_str().unwrap_or("")
}

#[tokio::test]
async fn every_steps_answer_masks_the_phone_and_only_the_audited_detail_shows_it_whole() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let property = app.login("property").await;
    let hh = app.household_in_grid(1).await;
    let d = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "household_id": hh, "reporter_name": "刘女士",
                   "reporter_phone": "13912345678", "description": "水管漏水", "category": "water"}),
        )
        .await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!(phone(&d), "139****5678", "the intake's answer");
    let unit = app.unit_id("property").await;
    let audits = view_pii(&app).await;
    let steps: [(&Client, &str, Value); 5] = [
        (&staff, "accept", json!({})),
        (
            &staff,
            "dispatch",
            json!({"to": {"kind": "unit", "id": unit}}),
        ),
        (&property, "take", json!({})),
        (&property, "resolve", json!({"result": "已修好"})),
        (&staff, "feedback", json!({"note": "已告知"})),
    ];
    for (who, action, body) in steps {
        assert_eq!(
            phone(&step(who, id, action, body).await),
            "139****5678",
            "{action}"
        );
    }
    assert_eq!(view_pii(&app).await, audits, "nothing was shown whole");

    // The detail: masked for everyone, nothing audited; whole for those who call back
    // when they ask with a reason, each such view audited; the street may not ask.
    for (who, may) in [
        ("staff", true),
        ("grid01", true),
        ("property", true),
        ("street", false),
    ] {
        let client = app.login(who).await;
        let before = view_pii(&app).await;
        let d = client.fetch(&format!("/api/v1/demands/{id}")).await;
        assert_eq!(phone(&d["demand"]), "139****5678", "{who}");
        assert_eq!(d["may_reveal_phone"], may, "{who}");
        assert_eq!(view_pii(&app).await, before, "{who}: a plain view");
        let r = client
            .get(&format!("/api/v1/demands/{id}?reveal=call_back"))
            .await;
        if may {
            assert_eq!(r.status, 200, "{who}: {}", r.body);
            assert_eq!(phone(&r.body["demand"]), "13912345678", "{who}");
        } else {
            assert_eq!((r.status.as_u16(), r.code()), (403, "forbidden"), "{who}");
        }
        assert_eq!(view_pii(&app).await, before + i64::from(may), "{who}");
    }
}

#[tokio::test]
async fn reminders_reach_the_resident_on_the_portal_and_staff_on_the_workbench() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let to_rate = resident
        .ok(
            "/api/v1/demands",
            json!({"description": "楼道灯坏了", "category": "public_facility"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    step(&staff, to_rate, "accept", json!({})).await;
    step(&staff, to_rate, "resolve", json!({"result": "换了灯泡"})).await;
    step(&staff, to_rate, "feedback", json!({"note": "已告知"})).await;
    let mut portal = PageClient::login(&app, "resident").await;
    let first = portal.page("/me").await.html;
    assert!(
        first.contains("办理结果已反馈给您，请评价"),
        "on the first screen"
    );
    assert!(first.contains(&format!("/me/demands/{to_rate}")));

    // Three days without a rating, and another demand nobody accepted in time.
    let late = record(&staff, app.household_in_grid(1).await, "water", "水管爆了").await;
    app.advance_hours(73);
    run_jobs(&app).await;
    let mut office = PageClient::login(&app, "staff").await;
    let bench = office.page("/work").await.html;
    for said in ["居民尚未评价，请再次询问", "超过受理时限，请尽快受理"] {
        assert!(bench.contains(said), "{said}");
    }
    for id in [to_rate, late] {
        assert!(
            bench.contains(&format!("/work/demands/{id}\">#{id}")),
            "{id}"
        );
    }
    let kinds = |v: Value| -> Vec<(i64, String)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["demand"]["id"].as_i64().unwrap(),
                    r["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        kinds(staff.fetch("/api/v1/demands/reminders").await),
        [(late, "accept_overdue".into()), (to_rate, "rating".into())]
    );
    assert_eq!(
        kinds(resident.fetch("/api/v1/demands/reminders").await),
        [(to_rate, "rating".into())]
    );
    let grid02 = app.login("grid02").await;
    assert!(kinds(grid02.fetch("/api/v1/demands/reminders").await).is_empty());

    // Rated: nothing waits any more (a new session: the first one went idle).
    let mut portal = PageClient::login(&app, "resident").await;
    step(
        &resident,
        to_rate,
        "rate",
        json!({"solved": true, "satisfaction": "satisfied"}),
    )
    .await;
    assert!(!portal.page("/me").await.html.contains("请评价"));
}

#[tokio::test]
async fn a_refused_or_oversized_photo_on_the_portal_says_why_and_keeps_the_text() {
    let app = TestApp::with_settings(linli::config::Settings {
        max_body_bytes: 64 * 1024,
        session_hours: 24,
        ..Default::default()
    })
    .await;
    let mut portal = PageClient::login(&app, "resident").await;
    let csrf = portal.page("/me/new").await.csrf();
    let said = "门口的路灯不亮了，晚上看不清台阶";
    let fields = [
        ("csrf", csrf.as_str()),
        ("category", "public_facility"),
        ("description", said),
    ];
    let demands = || app.scalar("SELECT COUNT(*) FROM demands");
    let before = demands().await;
    let big = [JPEG, &vec![0u8; 100 * 1024]].concat();
    for (photo, status, why) in [
        (
            ("notes.txt", "text/plain", b"not a photo".as_slice()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "只能上传 JPEG、PNG、GIF、WebP 图片或 PDF 文件",
        ),
        (
            ("big.jpg", "image/jpeg", big.as_slice()),
            StatusCode::PAYLOAD_TOO_LARGE,
            "文件过大，最多 64 KB",
        ),
    ] {
        let r = multipart(&mut portal, "/me/new", &fields, Some(photo)).await;
        assert_eq!(r.status, status, "{}: {:?}", photo.0, r.location);
        assert!(r.html.contains(why), "{}: says why", photo.0);
        assert!(r.html.contains(said), "{}: keeps the text", photo.0);
        assert!(r.html.contains("value=\"public_facility\" selected"));
        assert_eq!(demands().await, before, "{}: nothing recorded", photo.0);
    }
    let r = multipart(
        &mut portal,
        "/me/new",
        &fields,
        Some(("lamp.jpg", "image/jpeg", JPEG)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(demands().await, before + 1, "recorded once");
    let page = portal.page(r.location.as_deref().unwrap()).await.html;
    let photo = app.scalar("SELECT MAX(id) FROM attachments").await;
    assert!(page.contains(&format!("/me/attachments/{photo}")));
    let file = portal.get(&format!("/me/attachments/{photo}")).await;
    assert_eq!(file.status, StatusCode::OK);
}
