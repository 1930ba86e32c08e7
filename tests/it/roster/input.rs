//! Bad input is refused at the edge with the field named, and changes nothing; pages.

use axum::http::StatusCode;
use serde_json::json;

use super::*;
use crate::common::TestApp;

#[tokio::test]
async fn bad_input_is_refused_with_the_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let before = (
        count(&app, "residents").await,
        count(&app, "households").await,
        count(&app, "resident_tags").await,
    );
    let good = id_number("19800101", "123");
    let cases = [
        (
            json!({"household_id": h, "name": "张三", "phone": "12345"}),
            "phone",
            "invalid_phone",
        ),
        (
            json!({"household_id": h, "name": "张三", "id_number": wrong_check_digit(&good),
                   "tags": ["volunteer"]}),
            "id_number",
            "invalid_id_number",
        ),
        (
            json!({"household_id": h, "phone": "13800001111"}),
            "name",
            "missing_field",
        ),
        (
            json!({"household_id": h, "name": "   "}),
            "name",
            "missing_field",
        ),
        (
            json!({"household_id": h, "name": "张".repeat(51)}),
            "name",
            "text_too_long",
        ),
        (
            json!({"household_id": 999_999, "name": "张三"}),
            "household_id",
            "unknown_household",
        ),
        (
            json!({"household_id": h, "name": "张三", "id_number": good, "birth_date": "1980-01-02"}),
            "birth_date",
            "birth_date_mismatch",
        ),
        (
            json!({"household_id": h, "name": "张三", "tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
            "tags",
            "too_many_tags",
        ),
    ];
    for (body, field, code) in cases {
        let r = staff.post("/api/v1/residents", body).await;
        assert_invalid(&r, field, code);
    }
    // Chinese by default, English when asked for.
    let bad_id = json!({"household_id": h, "name": "张三", "id_number": wrong_check_digit(&good)});
    let zh = staff.post("/api/v1/residents", bad_id.clone()).await;
    assert!(
        zh.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("身份证")
    );
    let en = staff.post("/api/v1/residents?lang=en", bad_id).await;
    assert!(
        en.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ID number")
    );
    let r = staff
        .post(
            "/api/v1/households",
            json!({"building_id": 999_999, "room": "101"}),
        )
        .await;
    assert_invalid(&r, "building_id", "unknown_building");
    let r = staff
        .post("/api/v1/households", json!({"room": "101"}))
        .await;
    assert_invalid(&r, "building_id", "missing_field");
    let after = (
        count(&app, "residents").await,
        count(&app, "households").await,
        count(&app, "resident_tags").await,
    );
    assert_eq!(before, after, "a refused request wrote something");

    // A patch with one bad field changes none of the good ones.
    let r = app
        .scalar_with("SELECT MIN(id) FROM residents WHERE household_id = $1", h)
        .await;
    let name = staff.fetch(&format!("/api/v1/residents/{r}")).await["name"].clone();
    let p = staff
        .patch(
            &format!("/api/v1/residents/{r}"),
            json!({"name": "新名字", "phone": "110"}),
        )
        .await;
    assert_invalid(&p, "phone", "invalid_phone");
    assert_eq!(
        staff.fetch(&format!("/api/v1/residents/{r}")).await["name"],
        name
    );
}

#[tokio::test]
async fn an_id_number_is_on_the_roster_once() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let n = id_number("19621104", "011");
    let first = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "刘建国", "id_number": n}),
        )
        .await;
    assert_eq!(first["gender"], "male");
    let again = staff
        .post(
            "/api/v1/residents",
            json!({"household_id": h, "name": "刘建国", "id_number": n}),
        )
        .await;
    assert_status(&again, StatusCode::CONFLICT, "same ID number twice");
    assert_eq!(again.code(), "duplicate");
}

#[tokio::test]
async fn pages_return_every_row_exactly_once() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let community = yucheng(&app).await;
    let total = app
        .scalar_with(
            "SELECT COUNT(*) FROM residents WHERE community_id = $1",
            community,
        )
        .await;
    assert!(total > 7, "the small demo has {total} residents");
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor: Option<i64> = None;
    let mut pages = 0;
    loop {
        let path = match cursor {
            Some(c) => format!("/api/v1/residents?limit=7&cursor={c}"),
            None => "/api/v1/residents?limit=7".to_string(),
        };
        let page = staff.fetch(&path).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        seen.extend(items.iter().map(id));
        pages += 1;
        match page["next_cursor"].as_i64() {
            Some(c) => cursor = Some(c),
            None => break,
        }
        assert!(pages < 1000, "pages never end");
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, seen, "ids come in order, each once");
    assert_eq!(seen.len() as i64, total);
    let r = staff.get("/api/v1/residents?limit=0").await;
    assert_status(&r, StatusCode::BAD_REQUEST, "limit 0");
}
