//! The roster pages and the API are two doors to one service: for the same caller they
//! show the same compounds, grids, households, people and history.

use serde_json::{Value, json};

use super::*;
use crate::common::pages::PageClient;
use crate::common::{Client, TestApp};

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

fn occurrences(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// A tag as the page names it (the sensitive ones never appear on a list).
fn label(tag: &str) -> String {
    match tag {
        "elderly_alone" => "独居老人".into(),
        "party_member" => "党员".into(),
        "volunteer" => "志愿者".into(),
        "floating" => "流动人口".into(),
        "limited_mobility" => "行动不便".into(),
        other => other.into(),
    }
}

/// How the building page writes a resident: the name, and the tags a list may show.
fn listed(r: &Value) -> String {
    let name = r["name"].as_str().unwrap().to_string();
    let tags: Vec<String> = r["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| label(t.as_str().unwrap()))
        .collect();
    if tags.is_empty() {
        name
    } else {
        format!("{name}（{}）", tags.join("、"))
    }
}

/// The rows of a page's history table: one action cell each.
fn history_rows(html: &str) -> usize {
    ["<td>新建</td>", "<td>修改</td>", "<td>删除</td>"]
        .iter()
        .map(|a| occurrences(html, a))
        .sum()
}

async fn community_agrees(api: &Client<'_>, pages: &mut PageClient<'_>, yc: i64, who: &str) {
    let html = pages.page(&format!("/roster/communities/{yc}")).await.html;
    let compounds = api
        .fetch(&format!("/api/v1/compounds?community_id={yc}&limit=500"))
        .await;
    assert_eq!(
        occurrences(&html, "href=\"/roster/compounds/"),
        items(&compounds).len(),
        "{who}: compounds"
    );
    for c in items(&compounds) {
        assert!(html.contains(c["name"].as_str().unwrap()), "{who}: {c}");
    }
    let grids = api
        .fetch(&format!("/api/v1/grids?community_id={yc}&limit=500"))
        .await;
    assert!(!items(&grids).is_empty());
    for g in items(&grids) {
        let link = format!("grid_id={}\">{}</a>", g["id"], g["name"].as_str().unwrap());
        let at = html.find(&link).unwrap_or_else(|| panic!("{who}: {link}"));
        let row = &html[at..at + html[at..].find("</tr>").unwrap()];
        let n = g["building_ids"].as_array().unwrap().len();
        assert!(row.ends_with(&format!("<td>{n}</td>")), "{who}: {row}");
    }
}

async fn building_agrees(api: &Client<'_>, pages: &mut PageClient<'_>, b: i64, who: &str) {
    let html = pages.page(&format!("/roster/buildings/{b}")).await.html;
    let people = api
        .fetch(&format!("/api/v1/residents?building_id={b}&limit=500"))
        .await;
    for r in items(&people) {
        assert!(
            html.contains(&listed(r)),
            "{who}: {} on the page",
            listed(r)
        );
    }
    let households = api
        .fetch(&format!("/api/v1/households?building_id={b}&limit=500"))
        .await;
    let lived_in = items(&households)
        .iter()
        .filter(|h| items(&people).iter().any(|r| r["household_id"] == h["id"]))
        .count();
    assert_eq!(
        occurrences(&html, "href=\"/roster/residents/"),
        lived_in,
        "{who}"
    );
    let history = api
        .fetch(&format!(
            "/api/v1/roster/history?object_kind=building&object_id={b}"
        ))
        .await;
    assert!(!items(&history).is_empty());
    assert_eq!(history_rows(&html), items(&history).len(), "{who}: history");
}

#[tokio::test]
async fn the_roster_pages_show_what_the_api_gives_the_same_caller() {
    let app = TestApp::new().await;
    let yc = yucheng(&app).await;
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let b = app
        .scalar_with("SELECT building_id FROM households WHERE id = $1", h)
        .await;
    let r = id(&staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "邵凤英", "tags": ["party_member", "disabled"]}),
        )
        .await);
    staff
        .patch(&format!("/api/v1/buildings/{b}"), json!({"floors": 7}))
        .await;
    staff
        .patch(
            &format!("/api/v1/residents/{r}"),
            json!({"relation": "户主"}),
        )
        .await;
    for who in ["staff", "street"] {
        let api = app.login(who).await;
        let mut pages = PageClient::login(&app, who).await;
        community_agrees(&api, &mut pages, yc, who).await;
        building_agrees(&api, &mut pages, b, who).await;
        let html = pages.page(&format!("/roster/residents/{r}")).await.html;
        let history = api
            .fetch(&format!(
                "/api/v1/roster/history?object_kind=resident&object_id={r}"
            ))
            .await;
        assert_eq!(items(&history).len(), 2);
        assert_eq!(history_rows(&html), 2, "{who}: the resident's history");
        assert!(html.contains("刘佳"), "{who}: who changed it");
    }
}
