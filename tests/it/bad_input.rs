//! Bad input: a clear error with a stable code, a 4xx status, and nothing changed.

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::json;

use crate::common::{TestApp, record};

#[tokio::test]
async fn bad_intake_is_refused_with_the_field_named_and_nothing_written() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    let cases = [
        (
            json!({"household_id": hh}),
            422,
            "missing_field",
            Some("description"),
        ),
        (
            json!({"description": "   "}),
            422,
            "missing_field",
            Some("description"),
        ),
        (
            json!({"description": "x", "category": "weather"}),
            422,
            "unknown_category",
            Some("category"),
        ),
        (json!({"description": 123}), 422, "invalid_body", None),
        (
            json!({"description": "x", "household_id": "three"}),
            422,
            "invalid_body",
            None,
        ),
        (
            json!({"description": "x", "channel": "pigeon"}),
            422,
            "invalid_body",
            None,
        ),
        (
            json!({"description": "x", "colour": "red"}),
            422,
            "invalid_body",
            None,
        ),
        (
            json!({"description": "漏".repeat(2001)}),
            422,
            "text_too_long",
            Some("description"),
        ),
        (
            json!({"description": "x", "title": "题".repeat(101)}),
            422,
            "text_too_long",
            Some("title"),
        ),
        (
            json!({"description": "x", "reporter_phone": "12345"}),
            422,
            "invalid_phone",
            Some("reporter_phone"),
        ),
        (
            json!({"description": "x", "household_id": 999_999}),
            422,
            "unknown_household",
            Some("household_id"),
        ),
        (
            json!({"description": "x", "building_id": 999_999}),
            422,
            "unknown_building",
            Some("building_id"),
        ),
    ];
    let before = app.demand_footprint().await;
    for (body, status, code, field) in cases {
        let r = staff.post("/api/v1/demands", body.clone()).await;
        assert_eq!((r.status.as_u16(), r.code()), (status, code), "{body}");
        assert!(!r.body["error"]["message"].as_str().unwrap().is_empty());
        if let Some(f) = field {
            assert_eq!(r.body["error"]["field"], f, "{body}");
        }
    }
    assert_eq!(app.demand_footprint().await, before);
}

#[tokio::test]
async fn malformed_requests_and_illegal_steps_change_nothing() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let id = record(&staff, app.household_in_grid(1).await, "water", "漏水").await;
    let before = app.demand_footprint().await;

    // Not JSON at all.
    let req = Request::post("/api/v1/demands")
        .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"description\": "))
        .unwrap();
    let r = app.send_request(req).await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "invalid_json"));
    // No content type.
    let req = Request::post("/api/v1/demands")
        .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(app.send_request(req).await.status, 415);
    // A step not possible from here.
    let r = staff
        .post(&format!("/api/v1/demands/{id}/take"), json!({}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "illegal_transition"));
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/rate"),
            json!({"solved": true, "satisfaction": "satisfied"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (409, "illegal_transition"));
    // Missing and mistyped fields of a step.
    let r = staff
        .post(&format!("/api/v1/demands/{id}/dispatch"), json!({}))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_body"));
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/accept"),
            json!({"grid_id": "north"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "invalid_body"));
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/accept"),
            json!({"category": "weather"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "unknown_category"));
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/accept"),
            json!({"grid_id": 999_999}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "unknown_grid"));
    let r = staff
        .post(
            &format!("/api/v1/demands/{id}/decline"),
            json!({"reason": "理".repeat(1001)}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "text_too_long"));
    // No such demand, and a path that is not an id.
    assert_eq!(
        staff
            .post("/api/v1/demands/999999/accept", json!({}))
            .await
            .status,
        404
    );
    assert_eq!(staff.get("/api/v1/demands/abc").await.status, 404);
    // A bad filter.
    let r = staff.get("/api/v1/demands?status=lost").await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "invalid_query"));
    let r = staff.get("/api/v1/demands?limit=0").await;
    assert_eq!(r.status, 400);
    assert_eq!(app.demand_footprint().await, before);
}

#[tokio::test]
async fn errors_speak_chinese_by_default_and_english_when_asked() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let r = staff.post("/api/v1/demands", json!({})).await;
    assert_eq!(r.body["error"]["message"], "缺少必填项：诉求内容");
    let req = Request::post("/api/v1/demands")
        .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .body(Body::from("{}"))
        .unwrap();
    let r = app.send_request(req).await;
    assert_eq!(
        r.body["error"]["message"],
        "Required field missing: Description"
    );
    let r = app.anonymous().get("/api/v1/demands?lang=en").await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "unauthorized"));
    assert_eq!(r.body["error"]["message"], "Please log in");
}

#[tokio::test]
async fn attachments_take_photos_and_refuse_other_files() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let id = record(
        &staff,
        app.household_in_grid(1).await,
        "public_facility",
        "地砖破损",
    )
    .await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let upload = |ct: &'static str, body: Vec<u8>| {
        Request::post(format!(
            "/api/v1/demands/{id}/attachments?file_name=%E5%9C%B0%E7%A0%96.png"
        ))
        .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap()
    };
    let r = app.send_request(upload("image/png", png.clone())).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["file_name"], "地砖.png");
    let url = r.body["url"].as_str().unwrap().to_string();
    let r = app
        .send_request(upload("application/x-msdownload", b"MZ...".to_vec()))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (415, "unsupported_file"));
    let r = app
        .send_request(upload("image/png", b"GIF89a".to_vec()))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (415, "unsupported_file"),
        "the bytes must match the type"
    );

    let req = Request::get(&url)
        .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(bytes.to_vec(), png);
    let detail = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(detail["attachments"].as_array().unwrap().len(), 1);
    assert_eq!(
        detail["timeline"].as_array().unwrap().last().unwrap()["action"],
        "attach"
    );
    // Out of scope: another grid's worker cannot download it.
    let grid02 = app.login("grid02").await;
    assert_eq!(grid02.get(&url).await.status, 404);
}

#[tokio::test]
async fn a_handler_that_panics_answers_500_with_the_error_body_in_the_users_language() {
    let app = TestApp::new().await;
    let routes = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            let digits: Vec<u8> = Vec::new();
            // An out-of-bounds index, as a careless parser would make.
            digits[3].to_string()
        }),
    );
    let router = linli::app::with_layers(routes, &app.state.settings).with_state(app.state.clone());
    let req = Request::get("/boom?lang=en").body(Body::empty()).unwrap();
    let res = tower::ServiceExt::oneshot(router, req).await.unwrap();
    assert_eq!(res.status(), 500);
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "internal");
    assert_eq!(
        body["error"]["message"],
        "Internal server error; please try again later"
    );
}
