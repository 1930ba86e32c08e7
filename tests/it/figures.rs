//! Each figure of the measures opens exactly the demands it counts: for every part of
//! every rate, the demand list filtered by it (`counted=…`, with the period) holds as many
//! demands as the figure says — through the API, and through the dashboard's own links,
//! for the office (read from the rollups), the street and a grid worker (counted live).

use serde_json::{Value, json};

use crate::common::pages::PageClient;
use crate::common::{Client, TestApp, record, step};

/// Demands in every state that counts differently: on time and late, rated well and
/// badly, declined, merged, closed unrated, not yet answered.
async fn history(app: &TestApp) {
    let staff = app.login("staff").await;
    let grid01 = app.login("grid01").await;
    let (h1, h2) = (
        app.household_in_grid(1).await,
        app.household_in_grid(2).await,
    );
    let grid = |n: i64| async move {
        app.scalar_with(
            "SELECT id FROM grids WHERE worker_user_id = (SELECT id FROM users WHERE username = $1)",
            format!("grid{n:02}"),
        )
        .await
    };
    let (g1, g2) = (grid(1).await, grid(2).await);
    // Three rated: solved and satisfied, solved but only basically, not solved.
    for (h, g, solved, satisfaction) in [
        (h1, g1, true, "satisfied"),
        (h1, g1, true, "basically"),
        (h2, g2, false, "unsatisfied"),
    ] {
        let id = record(&staff, h, "water", "水管漏水").await;
        step(&staff, id, "accept", json!({"grid_id": g})).await;
        step(&staff, id, "resolve", json!({"result": "已修好"})).await;
        step(
            &staff,
            id,
            "feedback",
            json!({"method": "phone", "note": "已告知"}),
        )
        .await;
        step(
            &staff,
            id,
            "rate",
            json!({"solved": solved, "satisfaction": satisfaction, "on_behalf": "phone"}),
        )
        .await;
    }
    // Declined, and a duplicate merged into an open one.
    let declined = record(&staff, h2, "parking", "不属于社区的事").await;
    step(&staff, declined, "decline", json!({"reason": "请联系交警"})).await;
    let open = record(&grid01, h1, "sanitation", "楼道垃圾").await;
    let dup = record(&staff, h1, "sanitation", "楼道垃圾又来了").await;
    step(&staff, dup, "merge", json!({"into": open})).await;
    // One fed back, left unrated until the window passes, then closed unrated.
    let unrated = record(&staff, h2, "greening", "树枝挡窗").await;
    step(&staff, unrated, "accept", json!({"grid_id": g2})).await;
    step(&staff, unrated, "resolve", json!({"result": "已修剪"})).await;
    step(
        &staff,
        unrated,
        "feedback",
        json!({"method": "visit", "note": "上门告知"}),
    )
    .await;
    // Left waiting: accept deadline (a day) and feedback deadline (two weeks) pass.
    record(&staff, h1, "water", "夜里水压低").await;
    record(&staff, h2, "gas", "燃气味").await;
    app.advance_hours(24 * 16);
    step(&staff, unrated, "close", json!({"note": "未评价"})).await;
    // Late: accepted and fed back after both deadlines.
    let late = record(&staff, h1, "water", "热水器坏了").await;
    app.advance_hours(24 * 15);
    step(&staff, late, "accept", json!({"grid_id": g1})).await;
    step(&staff, late, "resolve", json!({"result": "已更换"})).await;
    step(
        &staff,
        late,
        "feedback",
        json!({"method": "phone", "note": "已告知"}),
    )
    .await;
}

/// The parts of the rates, as the measures name them and the list filters by them.
const PARTS: [&str; 12] = [
    "received",
    "due_for_response",
    "responded_on_time",
    "rated",
    "solved",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "due_for_feedback",
    "fed_back_on_time",
    "closed_unrated",
    "closed",
];

async fn listed(who: &Client<'_>, query: &str) -> usize {
    who.all_ids(query).await.len()
}

async fn every_part_opens_its_demands(who: &Client<'_>, period: &str) -> Value {
    let m = who.fetch(&format!("/api/v1/measures?{period}")).await;
    let counts = &m["total"]["counts"];
    assert!(counts["received"].as_i64().unwrap() > 0, "{m}");
    for part in PARTS {
        let n = listed(who, &format!("{period}&counted={part}")).await;
        assert_eq!(
            n as i64,
            counts[part].as_i64().unwrap(),
            "{part}: the list opened from the figure holds what the figure counts"
        );
    }
    let pleased = listed(who, &format!("{period}&counted=pleased")).await as i64;
    assert_eq!(
        pleased,
        counts["satisfied"].as_i64().unwrap() + counts["basically_satisfied"].as_i64().unwrap()
    );
    counts.clone()
}

#[tokio::test]
async fn every_part_of_every_rate_opens_exactly_the_demands_it_counts() {
    let app = TestApp::new().await;
    history(&app).await;
    let today = linli::clock::format_local(app.now());
    let start = linli::clock::format_local(app.now() - 40 * linli::clock::DAY);
    let period = format!("from={}&to={}", &start[..10], &today[..10]);
    // The office reads from the rollups, the street too; a grid worker is counted live.
    let staff = app.login("staff").await;
    let counts = every_part_opens_its_demands(&staff, &period).await;
    assert_eq!(counts["rated"], 3);
    assert_eq!(counts["closed_unrated"], 1);
    every_part_opens_its_demands(&app.login("street").await, &period).await;
    every_part_opens_its_demands(&app.login("grid01").await, &period).await;
    // Grouped figures too: a category's received demands.
    let m = staff
        .fetch(&format!("/api/v1/measures?{period}&group_by=category"))
        .await;
    for g in m["groups"].as_array().unwrap() {
        let filter = match g["key"].as_str() {
            Some(k) => format!("category={k}"),
            None => "no_category=true".into(),
        };
        let n = listed(&staff, &format!("{period}&counted=received&{filter}")).await;
        assert_eq!(n as i64, g["counts"]["received"].as_i64().unwrap(), "{g}");
    }
}

/// The dashboard's rate figures as shown: each number with the list it links to.
fn figure_links(html: &str) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<a href=\"/work/demands?") {
        rest = &rest[at + 9..];
        let end = rest.find('"').unwrap();
        let href = rest[..end].replace("&amp;", "&").replace("&#38;", "&");
        let after = &rest[end + 2..];
        let shown: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        if href.contains("counted=") && after[shown.len()..].starts_with("</a>") {
            out.push((href, shown.parse().unwrap()));
        }
    }
    out
}

#[tokio::test]
async fn the_dashboards_rate_figures_link_to_lists_of_as_many_demands() {
    let app = TestApp::new().await;
    history(&app).await;
    for login in ["staff", "street"] {
        let mut page = PageClient::login(&app, login).await;
        let html = page.page("/dash").await.html;
        let links = figure_links(&html);
        // Four rates, each with its part and its whole.
        assert_eq!(links.len(), 8, "{login}: {links:?}");
        let api = app.login(login).await;
        for (href, shown) in links {
            let query = href.trim_start_matches("/work/demands?");
            assert_eq!(
                listed(&api, query).await as i64,
                shown,
                "{login}: {href} shows {shown}"
            );
            // And the list page says what it holds.
            let list = page.page(&href).await.html;
            assert!(list.contains("这份清单是"), "{href} names its definition");
        }
    }
}
