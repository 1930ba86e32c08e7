//! A demand sent twice is stored once (docs/architecture.md: "anything a phone may send
//! twice carries a client-made id the database keeps unique"): the API's intake with its
//! `client_id` sent again — one after the other or at the same moment — and the counter's
//! and the portal's forms submitted twice record one demand, one timeline entry, one count
//! in the rollups; a malformed id or another person's is refused and changes nothing.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::pages::{PageClient, PageResp};
use crate::common::{Client, TestApp};
use crate::one_door::{JPEG, events, multipart};

/// The hidden `client_id` of the page's intake form.
fn client_id(p: &PageResp) -> String {
    let at = p
        .html
        .find("name=\"client_id\" value=\"")
        .expect("an intake form with its client id");
    let rest = &p.html[at + 24..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// How many demands hold this client id.
async fn holding(app: &TestApp, client_id: &str) -> i64 {
    app.scalar_with(
        "SELECT COUNT(*) FROM demands WHERE client_id = $1",
        client_id.to_string(),
    )
    .await
}

/// Everything an intake changes: the demands, their timeline, the rollups as kept.
async fn everything(app: &TestApp) -> ((i64, i64, i64), Vec<crate::common::RollupRow>) {
    let (kept, recounted) = app.rollups_kept_and_recounted().await;
    assert_eq!(kept, recounted, "the rollups are what a recount makes");
    (app.demand_footprint().await, kept)
}

fn leak(hh: i64, client_id: &str) -> Value {
    json!({"channel": "phone", "household_id": hh, "category": "water",
           "reporter_name": "刘女士", "reporter_phone": "13912345678",
           "description": "厨房水管漏水", "client_id": client_id})
}

async fn post(who: &Client<'_>, body: &Value) -> crate::common::Resp {
    who.post("/api/v1/demands", body.clone()).await
}

#[tokio::test]
async fn the_same_intake_sent_twice_is_stored_once_and_answered_alike() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    let body = leak(hh, "0f8c2d8e-4b1a-4c7e-9d3a-2b6f1e0c9a77");

    let first = post(&staff, &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["reporter_phone"], "139****5678");
    let id = first.body["id"].as_i64().unwrap();
    let after_first = everything(&app).await;

    let again = post(&staff, &body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        again.body, first.body,
        "the same demand, as it was answered"
    );
    assert_eq!(everything(&app).await, after_first, "nothing written again");
    assert_eq!(events(&app, id, "intake").await, 1);
    assert_eq!(
        holding(&app, "0f8c2d8e-4b1a-4c7e-9d3a-2b6f1e0c9a77").await,
        1
    );

    // Later, once it was accepted, a late retry is answered with the demand as it now is.
    crate::common::step(&staff, id, "accept", json!({})).await;
    let late = post(&staff, &body).await;
    assert_eq!(late.status, StatusCode::OK);
    assert_eq!(
        (late.body["id"].as_i64(), late.body["status"].as_str()),
        (Some(id), Some("accepted"))
    );

    // A resident's phone retrying its own intake alike; a new id is a new demand.
    let resident = app.login("resident").await;
    let mine = json!({"description": "楼道灯坏了", "category": "public_facility",
                      "client_id": "pan-phone-0001"});
    let one = post(&resident, &mine).await;
    assert_eq!(one.status, StatusCode::CREATED);
    let before = everything(&app).await;
    let two = post(&resident, &mine).await;
    assert_eq!((two.status, &two.body), (StatusCode::OK, &one.body));
    assert_eq!(everything(&app).await, before);
    let other = post(
        &resident,
        &json!({"description": "楼道灯坏了", "client_id": "pan-phone-0002"}),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert_ne!(other.body["id"], one.body["id"]);
    // Without an id, every send is a demand of its own, as before.
    let plain = json!({"description": "又坏了"});
    assert_ne!(
        post(&resident, &plain).await.body["id"],
        post(&resident, &plain).await.body["id"]
    );
}

#[tokio::test]
async fn sent_twice_at_the_same_moment_it_is_still_stored_once() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(2).await;
    let before = app.demand_footprint().await;
    // Twelve retries and six other intakes, together: written as one batch on SQLite, by
    // two batches at once on PostgreSQL.
    let held = crate::batch::hold_the_writer(&app, 600);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let same = leak(hh, "retry-storm-123");
    let mut sends = Vec::new();
    for i in 0..18 {
        let body = if i % 3 == 2 {
            leak(hh, &format!("another-intake-{i}"))
        } else {
            same.clone()
        };
        let staff = &staff;
        sends.push(async move { post(staff, &body).await });
    }
    let answers = futures_util::future::join_all(sends).await;
    held.await.unwrap();
    let retries: Vec<_> = answers
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 2)
        .map(|(_, r)| r)
        .collect();
    let created = retries
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let replayed = retries
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        (created, replayed),
        (1, 11),
        "{:?}",
        retries.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let ids: std::collections::BTreeSet<_> =
        retries.iter().map(|r| r.body["id"].as_i64()).collect();
    assert_eq!(ids.len(), 1, "every retry names the one demand");
    let id = ids.into_iter().next().flatten().unwrap();
    assert_eq!(events(&app, id, "intake").await, 1);
    assert_eq!(holding(&app, "retry-storm-123").await, 1);
    assert!(answers.iter().all(|r| r.status.is_success()));
    let after = app.demand_footprint().await;
    assert_eq!(
        (after.0, after.1),
        (before.0 + 7, before.1 + 7),
        "one plus the six others"
    );
    let (kept, recounted) = app.rollups_kept_and_recounted().await;
    assert_eq!(kept, recounted);
}

#[tokio::test]
async fn a_form_submitted_twice_records_one_demand() {
    let app = TestApp::new().await;
    let pan = app
        .scalar("SELECT resident_id FROM users WHERE username = 'resident'")
        .await;

    // The counter's form: each render names a new intake; the same one sent twice is one.
    let mut counter = PageClient::login(&app, "staff").await;
    let form = counter.page("/work/demands/new").await;
    let cid = client_id(&form);
    assert_ne!(cid, client_id(&counter.page("/work/demands/new").await));
    let csrf = form.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("client_id", cid.as_str()),
        ("resident_id", &pan.to_string()),
        ("channel", "phone"),
        ("category", "water"),
        ("urgency", "normal"),
        ("description", "热水器漏水，电话报修"),
    ];
    let first = counter.post("/work/demands/new", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    let after_first = everything(&app).await;
    let second = counter.post("/work/demands/new", &fields).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.html);
    assert_eq!(second.location, first.location, "the same demand's page");
    assert_eq!(everything(&app).await, after_first);
    assert_eq!(holding(&app, &cid).await, 1);

    // The portal's form, with a photo: one demand, one photo.
    let mut portal = PageClient::login(&app, "resident").await;
    let form = portal.page("/me/new").await;
    let (cid, csrf) = (client_id(&form), form.csrf());
    let fields = [
        ("csrf", csrf.as_str()),
        ("client_id", cid.as_str()),
        ("category", "water"),
        ("description", "卫生间漏水"),
    ];
    let photo = Some(("leak.jpg", "image/jpeg", JPEG));
    let first = multipart(&mut portal, "/me/new", &fields, photo).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    let after_first = everything(&app).await;
    let files = app.scalar("SELECT COUNT(*) FROM attachments").await;
    let second = multipart(&mut portal, "/me/new", &fields, photo).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.html);
    assert_eq!(second.location, first.location);
    assert!(first.location.as_deref().unwrap().ends_with("?sent=1"));
    assert_eq!(everything(&app).await, after_first);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM attachments").await,
        files,
        "the photo is not added twice"
    );
}

#[tokio::test]
async fn a_malformed_client_id_is_refused_and_nothing_changes() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    let before = everything(&app).await;
    let long = "x".repeat(65);
    for bad in [
        "",
        "short",
        "has space in it",
        "a/b.c+d=e!",
        "中文中文中文中文",
        &long,
    ] {
        let r = post(&staff, &leak(hh, bad)).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (422, "invalid_client_id"),
            "{bad:?}"
        );
        assert_eq!(r.body["error"]["field"], "client_id", "{}", r.body);
    }
    let r = post(&staff, &json!({"description": "x", "client_id": 12345678})).await;
    assert_eq!(r.status.as_u16(), 422, "not text: {}", r.body);
    // A tampered form says so in the page's words, and keeps what was typed.
    let mut counter = PageClient::login(&app, "staff").await;
    let csrf = counter.page("/work/demands/new").await.csrf();
    let r = counter
        .post(
            "/work/demands/new",
            &[
                ("csrf", &csrf),
                ("client_id", "bad id"),
                ("channel", "walk_in"),
                ("anonymous", "on"),
                ("description", "篡改的表单"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains("客户端编号") && r.html.contains("篡改的表单"),
        "{}",
        r.html
    );
    assert_eq!(everything(&app).await, before);
}

#[tokio::test]
async fn another_persons_client_id_is_refused_without_a_word_of_their_demand() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    let first = post(&staff, &leak(hh, "office-intake-42")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.body["id"].as_i64().unwrap();
    let before = everything(&app).await;
    for who in ["grid01", "secretary", "resident"] {
        let c = app.login(who).await;
        let body = if who == "resident" {
            json!({"description": "我的诉求", "client_id": "office-intake-42"})
        } else {
            leak(hh, "office-intake-42")
        };
        let r = post(&c, &body).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (409, "client_id_taken"),
            "{who}: {}",
            r.body
        );
        let text = r.body.to_string();
        assert!(
            r.body.get("id").is_none()
                && !text.contains(&format!("{id}"))
                && !text.contains("厨房水管漏水")
                && !text.contains("刘女士"),
            "{who}: {text}"
        );
    }
    assert_eq!(everything(&app).await, before, "nothing written");
    assert_eq!(holding(&app, "office-intake-42").await, 1);
}
