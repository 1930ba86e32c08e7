//! One door: the API and the pages take the same steps through the same service, so they
//! agree. Each test drives one step through the API and through the page form, and
//! compares what is stored.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::common::pages::{PageClient, PageResp};
use crate::common::{Client, Resp, TestApp, record, step};

/// A JPEG, as far as anyone checking its first bytes can tell.
pub const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00 a photo of the leak";

/// Posts a multipart form (text fields, then the file as `photo`) with the page client's
/// session.
pub async fn multipart(
    c: &mut PageClient<'_>,
    path: &str,
    fields: &[(&str, &str)],
    photo: Option<(&str, &str, &[u8])>,
) -> PageResp {
    let b = "linli-test-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .into_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = photo {
        body.extend(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{name}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .into_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{b}--\r\n").into_bytes());
    let req = Request::post(path)
        .header(header::COOKIE, c.cookie_header())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .body(Body::from(body))
        .unwrap();
    c.send(req).await
}

/// Every id a query gives.
pub async fn ids_of(app: &TestApp, sql: &'static str, arg: i64) -> Vec<i64> {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new(sql)
        .bind(arg)
        .fetch_all::<(i64,)>(&mut c)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect()
}

/// What a demand's summons hold: (kind, id), in order.
async fn summoned(app: &TestApp, id: i64) -> Vec<(String, i64)> {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new(
        "SELECT target_kind, target_id FROM demand_summons WHERE demand_id = $1 \
         ORDER BY target_kind, target_id",
    )
    .bind(id)
    .fetch_all::<(String, i64)>(&mut c)
    .await
    .unwrap()
}

pub async fn events(app: &TestApp, id: i64, action: &'static str) -> i64 {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new("SELECT COUNT(*) FROM demand_events WHERE demand_id = $1 AND action = $2")
        .bind(id)
        .bind(action)
        .fetch_one::<(i64,)>(&mut c)
        .await
        .unwrap()
        .0
}

/// The whistle form of the demand page, with these parties ticked.
async fn whistle_form(page: &mut PageClient<'_>, id: i64, parties: &[(&str, i64)]) -> PageResp {
    let fields: Vec<(String, String)> = parties
        .iter()
        .map(|(k, id)| ("summon".to_string(), format!("{k}:{id}")))
        .collect();
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let path = format!("/work/demands/{id}");
    page.submit(&path, &format!("{path}/act/whistle"), &refs)
        .await
}

#[tokio::test]
async fn the_whistles_limit_of_twenty_holds_on_the_page_form_as_in_the_api() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let secretary = app.login("secretary").await;
    let mut page = PageClient::login(&app, "secretary").await;
    let by_api = record(&staff, app.household_in_grid(1).await, "water", "楼道漏水").await;
    let by_page = record(&staff, app.household_in_grid(1).await, "water", "楼道漏水").await;
    for id in [by_api, by_page] {
        step(&staff, id, "accept", json!({})).await;
    }
    // Twenty-one parties that could each be summoned: the street's units, the community's
    // people.
    let street = app
        .scalar_with("SELECT street_id FROM demands WHERE id = $1", by_api)
        .await;
    let community = app
        .scalar_with("SELECT community_id FROM demands WHERE id = $1", by_api)
        .await;
    let mut parties: Vec<(&str, i64)> = ids_of(
        &app,
        "SELECT id FROM units WHERE street_id = $1 ORDER BY id",
        street,
    )
    .await
    .into_iter()
    .map(|id| ("unit", id))
    .collect();
    parties.extend(
        ids_of(
            &app,
            "SELECT id FROM users WHERE community_id = $1 AND active = TRUE \
             AND role IN ('grid_worker', 'volunteer', 'staff', 'secretary') ORDER BY id",
            community,
        )
        .await
        .into_iter()
        .map(|id| ("user", id)),
    );
    parties.truncate(21);
    assert_eq!(parties.len(), 21, "the demo has enough parties to summon");

    let api_body = |ps: &[(&str, i64)]| json!({"summon": ps.iter().map(|(k, id)| json!({"kind": k, "id": id})).collect::<Vec<_>>()});

    // Twenty-one: refused by both, with the same code, and nothing is stored.
    let before = app.demand_footprint().await;
    let r = secretary
        .post(
            &format!("/api/v1/demands/{by_api}/whistle"),
            api_body(&parties),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "too_many_summoned"));
    let r = whistle_form(&mut page, by_page, &parties).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        r.location
    );
    assert!(
        r.html.contains("一次最多吹哨 20 个单位或人员"),
        "the page says why"
    );
    assert_eq!(app.demand_footprint().await, before);
    assert!(summoned(&app, by_api).await.is_empty());
    assert!(summoned(&app, by_page).await.is_empty());

    // Two: taken by both, and stored alike.
    let two = vec![parties[0], parties[20]];
    secretary
        .ok(&format!("/api/v1/demands/{by_api}/whistle"), api_body(&two))
        .await;
    let r = whistle_form(&mut page, by_page, &two).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(summoned(&app, by_api).await, summoned(&app, by_page).await);
    assert_eq!(summoned(&app, by_page).await.len(), 2);
    assert_eq!(events(&app, by_page, "whistle").await, 1);
}

async fn method_stored(app: &TestApp, id: i64) -> (String, Option<String>) {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new("SELECT status, feedback_method FROM demands WHERE id = $1")
        .bind(id)
        .fetch_one::<(String, Option<String>)>(&mut c)
        .await
        .unwrap()
}

/// The feedback form of the demand page.
async fn feedback_form(page: &mut PageClient<'_>, id: i64, method: &str) -> PageResp {
    let path = format!("/work/demands/{id}");
    page.submit(
        &path,
        &format!("{path}/act/feedback"),
        &[("method", method), ("note", "已告知居民")],
    )
    .await
}

#[tokio::test]
async fn an_unknown_feedback_method_is_refused_on_the_page_as_in_the_api() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let mut page = PageClient::login(&app, "staff").await;
    let by_api = record(&staff, app.household_in_grid(1).await, "water", "水压低").await;
    let by_page = record(&staff, app.household_in_grid(1).await, "water", "水压低").await;
    for id in [by_api, by_page] {
        step(&staff, id, "accept", json!({})).await;
        step(&staff, id, "resolve", json!({"result": "调整了减压阀"})).await;
    }

    let r = staff
        .post(
            &format!("/api/v1/demands/{by_api}/feedback"),
            json!({"method": "carrier_pigeon", "note": "已告知居民"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = feedback_form(&mut page, by_page, "carrier_pigeon").await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        r.location
    );
    assert!(r.html.contains("方式 的取值不正确"), "the page says why");
    for id in [by_api, by_page] {
        assert_eq!(
            method_stored(&app, id).await,
            ("resolved".to_string(), None),
            "demand {id}"
        );
    }

    step(
        &staff,
        by_api,
        "feedback",
        json!({"method": "visit", "note": "已告知居民"}),
    )
    .await;
    let r = feedback_form(&mut page, by_page, "visit").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    for id in [by_api, by_page] {
        assert_eq!(
            method_stored(&app, id).await,
            ("feedback_given".to_string(), Some("visit".to_string())),
            "demand {id}"
        );
    }
}

/// A photo sent to the API as the request body.
pub async fn upload(app: &TestApp, who: &Client<'_>, id: i64) -> Resp {
    let req = Request::post(format!("/api/v1/demands/{id}/attachments?file_name=a.jpg"))
        .header(header::AUTHORIZATION, format!("Bearer {}", who.token))
        .header(header::CONTENT_TYPE, "image/jpeg")
        .body(Body::from(JPEG.to_vec()))
        .unwrap();
    app.send_request(req).await
}

/// A photo sent through the demand page's photo form.
async fn photo_form(c: &mut PageClient<'_>, id: i64) -> PageResp {
    let path = format!("/work/demands/{id}");
    let csrf = c.page(&path).await.csrf();
    multipart(
        c,
        &format!("{path}/photo"),
        &[("csrf", &csrf)],
        Some(("a.jpg", "image/jpeg", JPEG)),
    )
    .await
}

#[tokio::test]
async fn a_photo_is_a_step_refused_on_a_closed_demand_and_to_those_who_only_read() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let street = app.login("street").await;
    let mut staff_page = PageClient::login(&app, "staff").await;
    let mut street_page = PageClient::login(&app, "street").await;
    let open = record(&staff, app.household_in_grid(1).await, "water", "井盖松动").await;
    let declined = record(
        &staff,
        app.household_in_grid(1).await,
        "water",
        "不归社区管",
    )
    .await;
    step(&staff, open, "accept", json!({})).await;
    step(
        &staff,
        declined,
        "decline",
        json!({"reason": "属于市政管辖"}),
    )
    .await;
    let attachments = || app.scalar("SELECT COUNT(*) FROM attachments");

    // Whoever works on an open demand attaches through either door.
    assert_eq!(upload(&app, &staff, open).await.status, StatusCode::CREATED);
    let r = photo_form(&mut staff_page, open).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(attachments().await, 2);
    assert_eq!(events(&app, open, "attach").await, 2);

    // The street reads a grid's demand and only reads it: refused by both.
    let r = upload(&app, &street, open).await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "not_allowed"));
    let r = photo_form(&mut street_page, open).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.html.contains("您无权对此诉求执行“添加附件”"));
    assert!(
        !street_page
            .page(&format!("/work/demands/{open}"))
            .await
            .html
            .contains("/photo\""),
        "no photo form for a reader"
    );

    // A declined demand takes no photo, from anyone.
    let r = upload(&app, &staff, declined).await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "illegal_transition"));
    let r = photo_form(&mut staff_page, declined).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(attachments().await, 2, "nothing more was stored");
    assert_eq!(events(&app, declined, "attach").await, 0);
}
