//! The workbench and the secretary's lists as people meet them (issue 13, items 5, 8, 9):
//! a tile for every state that needs someone, a grid worker's "today", totals on every
//! list, the period kept, the rates defined in words, and a page for a browser that asks
//! for something that is not there.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::common::pages::PageClient;
use crate::common::{TestApp, record, step};

/// The number a tile of the workbench shows, found by its link.
fn tile(html: &str, link: &str) -> i64 {
    let at = html
        .find(&format!("href=\"{link}\""))
        .unwrap_or_else(|| panic!("no tile linking to {link}"));
    let rest = &html[at..];
    let open = rest.find("<strong").unwrap();
    let value = &rest[open..];
    let value = &value[value.find('>').unwrap() + 1..value.find("</strong>").unwrap()];
    value.trim().parse().unwrap()
}

fn total(html: &str) -> i64 {
    let at = html.find("data-total=\"").expect("the list says its total") + 12;
    html[at..at + html[at..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn every_state_that_needs_someone_has_a_tile_that_opens_as_many_demands() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    let waiting = record(&staff, hh, "water", "等待派单的漏水").await;
    step(&staff, waiting, "accept", json!({})).await;
    let rated = record(&staff, hh, "water", "等待评价的漏水").await;
    step(&staff, rated, "accept", json!({})).await;
    step(&staff, rated, "resolve", json!({"result": "当场处理好了"})).await;
    step(&staff, rated, "feedback", json!({"note": "已告知"})).await;
    let mut c = PageClient::login(&app, "staff").await;
    let work = c.page("/work").await.html;
    for (link, status) in [
        ("/work/demands?status=accepted", "accepted"),
        ("/work/demands?status=feedback_given", "feedback_given"),
        ("/work/demands?status=submitted", "submitted"),
        ("/work/demands?status=resolved", "resolved"),
    ] {
        let n = tile(&work, link);
        let api = staff.all_ids(&format!("status={status}")).await.len() as i64;
        assert_eq!(n, api, "{link}");
        assert_eq!(
            total(&c.page(link).await.html),
            n,
            "the list opened holds as many"
        );
    }
    assert!(tile(&work, "/work/demands?status=accepted") >= 1);
    assert!(tile(&work, "/work/demands?status=feedback_given") >= 1);
    assert!(work.contains("已受理待派单") && work.contains("待居民评价"));
}

#[tokio::test]
async fn a_grid_worker_sees_what_is_due_today_in_the_grid() {
    let app = TestApp::new().await;
    let grid = app.login("grid01").await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    // Received at 08:00 in China (accept by 08:00 tomorrow); at 04:00 tomorrow it is due
    // that day. The clock first goes on to the next 08:00, so the day is the same whatever
    // the hour the test runs at.
    let hour = linli::clock::civil_in(app.now(), &linli::clock::china())
        .unwrap()
        .hour() as i64;
    app.advance_hours((8 - hour).rem_euclid(24));
    let id = record(&staff, hh, "water", "明天要受理的").await;
    app.advance_hours(20);
    let today = linli::clock::rfc3339(app.now())[..10].to_string();
    let mut due: Vec<i64> = Vec::new();
    for d in grid.all_ids("").await {
        let v = grid.fetch(&format!("/api/v1/demands/{d}")).await["demand"].clone();
        let deadline = match v["status"].as_str().unwrap() {
            "submitted" => v["accept_due_at"].as_str(),
            "accepted" | "dispatched" | "in_progress" | "resolved" => v["feedback_due_at"].as_str(),
            _ => None,
        };
        if deadline.is_some_and(|t| t.starts_with(&today)) {
            due.push(d);
        }
    }
    let listed = grid.all_ids("due_today=true").await;
    let mut sorted = listed.clone();
    sorted.sort();
    due.sort();
    assert_eq!(
        sorted, due,
        "exactly the open demands with a deadline today"
    );
    assert!(!due.is_empty(), "the demo has work due today in grid 1");
    let mut c = PageClient::login(&app, "grid01").await;
    let work = c.page("/work").await.html;
    assert!(
        work.contains("我的网格今天到期"),
        "the worker's day starts with it"
    );
    assert_eq!(
        tile(&work, "/work/demands?due_today=true"),
        due.len() as i64
    );
    if due.contains(&id) {
        assert!(work.contains(&format!("/work/demands/{id}\"")));
    }
}

#[tokio::test]
async fn lists_show_their_total_and_a_changed_filter_keeps_the_period() {
    let app = TestApp::new().await;
    let mut c = PageClient::login(&app, "secretary").await;
    let staff = app.login("secretary").await;
    let all = staff.all_ids("").await.len() as i64;
    let html = c.page("/work/demands").await.html;
    assert_eq!(total(&html), all);
    assert!(html.contains(&format!("共 {all} 件")));
    // Opened from a figure with a period: the form shows the period, and sending it again
    // with another status keeps it.
    let path = "/work/demands?counted=rated&from=2026-01-01&to=2027-01-01";
    let html = c.page(path).await.html;
    assert!(
        html.contains("name=\"from\" type=\"date\" value=\"2026-01-01\""),
        "{html}"
    );
    assert!(html.contains("name=\"to\" type=\"date\" value=\"2027-01-01\""));
    assert!(
        html.contains("name=\"counted\" value=\"rated\""),
        "the figure is kept"
    );
    let rated = staff
        .all_ids("counted=rated&from=2026-01-01&to=2027-01-01")
        .await
        .len();
    assert_eq!(total(&html), rated as i64);
}

#[tokio::test]
async fn the_rates_are_defined_in_a_page_in_the_readers_language() {
    let app = TestApp::new().await;
    let mut c = PageClient::login(&app, "secretary").await;
    let dash = c.page("/dash").await.html;
    assert!(
        dash.contains("href=\"/dash/definitions\""),
        "not the OpenAPI JSON"
    );
    assert!(!dash.contains("/api/openapi.json"));
    let html = c.page("/dash/definitions").await.html;
    for rate in ["响应率", "解决率", "满意率", "按时反馈率"] {
        assert!(html.contains(&format!("{rate} = ")), "{rate}");
    }
    assert!(html.contains("href=\"/work/demands?counted=pleased\""));
    assert!(
        html.contains("回访时代居民录入的评价"),
        "how a call-back rating counts"
    );
    assert!(html.contains("受理时限（小时）"));
    let en = c.page("/dash/definitions?lang=en").await.html;
    assert!(
        en.contains("call-back") && !en.contains("响应率"),
        "English when asked"
    );
}

#[tokio::test]
async fn a_browser_asking_for_a_missing_page_gets_a_page_and_the_api_its_json() {
    let app = TestApp::new().await;
    let mut c = PageClient::login(&app, "staff").await;
    let req = Request::get("/work/no-such-page")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::COOKIE, c.cookie_header())
        .body(Body::empty())
        .unwrap();
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.html.contains("<html") && r.html.contains("lang=\"zh-CN\""),
        "{}",
        r.html
    );
    let api = app.login("staff").await.get("/api/v1/no-such-thing").await;
    assert_eq!((api.status.as_u16(), api.code()), (404, "not_found"));
    let req = Request::get("/api/v1/no-such-thing")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let r = c.send(req).await;
    assert!(
        r.html.starts_with('{'),
        "JSON under /api, even to a browser"
    );
}

#[tokio::test]
async fn a_list_longer_than_ten_thousand_says_more_than_and_how_to_narrow_it() {
    let app = TestApp::new().await;
    linli::bench::generate::demands(&app.state.db, 14_000, 60, 5, app.now(), |_, _| {})
        .await
        .unwrap();
    let mut c = PageClient::login(&app, "secretary").await;
    let html = c.page("/work/demands").await.html;
    assert!(
        html.contains("超过 10000 件"),
        "not counted past the cap: {}",
        total(&html)
    );
    assert_eq!(total(&html), 10_001);
    // Narrowed, it is counted exactly again.
    let staff = app.login("secretary").await;
    let submitted = staff.all_ids("status=submitted").await.len() as i64;
    assert!(submitted < 10_000);
    let html = c.page("/work/demands?status=submitted").await.html;
    assert_eq!(total(&html), submitted);
    assert!(html.contains(&format!("共 {submitted} 件")));
}
