//! Every page of every role, checked by axe-core in the browser for WCAG 2.1 A and AA at
//! a desk's width and a phone's: a serious or critical violation fails the test, listed.
//! A new page is one line of `PAGES`.

use crate::harness::{Browser, Server};

/// Who opens which page. `{demand}`, `{rated}`, `{community}`, `{compound}`, `{building}` and
/// `{resident}` stand for a demand of Aunt Pan's (fed back, so its forms are all there)
/// and one she rated, and the first of each place of the roster.
const PAGES: &[(&str, &str)] = &[
    ("", "/login"),
    ("staff", "/work"),
    ("staff", "/work/demands"),
    ("staff", "/work/demands?overdue=true"),
    ("staff", "/work/demands/{demand}"),
    ("staff", "/work/demands/new"),
    ("staff", "/work/demands/new?q=%E6%BD%98"),
    ("staff", "/work/demands/999999999"),
    ("staff", "/dash"),
    ("staff", "/dash/definitions"),
    ("staff", "/work/demands?due_today=true"),
    ("staff", "/work/no-such-page"),
    ("staff", "/roster/residents"),
    ("staff", "/roster/residents/{resident}/edit"),
    ("staff", "/roster"),
    ("staff", "/roster/communities/{community}"),
    ("staff", "/roster/compounds/{compound}"),
    ("staff", "/roster/buildings/{building}"),
    ("staff", "/roster/residents/{resident}"),
    ("admin", "/admin/accounts"),
    ("admin", "/admin/accounts/new"),
    ("admin", "/admin/accounts/{account}"),
    ("admin", "/admin/grids"),
    ("admin", "/admin/grids/{grid}"),
    ("admin", "/admin/units"),
    ("admin", "/admin/teams"),
    ("admin", "/admin/categories"),
    ("grid01", "/work"),
    ("property", "/unit"),
    ("property", "/work/demands"),
    ("resident", "/me"),
    ("resident", "/me/new"),
    ("resident", "/me/demands/{demand}"),
    ("resident", "/me/demands/{demand}?sent=1"),
    ("resident", "/me/demands/{rated}?rated=1"),
    // The same pages in the large-text view.
    ("resident", "/me?large_text=1"),
    ("resident", "/me/demands/{demand}"),
    ("resident", "/me/demands/{rated}"),
    ("resident", "/me/new?large_text=0"),
];

/// Opens every page of `PAGES` as its role in a browser `width` px wide and returns what
/// axe-core finds, page by page.
async fn violations_at(server: &Server, width: u32, height: u32) -> Vec<String> {
    let demand = server
        .raised_by_resident("厨房的下水道堵了，水排不下去，已经两天了")
        .await;
    server.fed_back(demand).await;
    let rated = server.raised_by_resident("楼下的路灯不亮").await;
    server.fed_back(rated).await;
    server.rate(rated, "修得很快，谢谢").await;
    let ids = [
        ("{demand}", demand),
        ("{rated}", rated),
        ("{community}", server.first_id("communities").await),
        ("{compound}", server.first_id("compounds").await),
        ("{building}", server.first_id("buildings").await),
        ("{resident}", server.first_id("residents").await),
        ("{account}", server.first_id("users").await),
        ("{grid}", server.first_id("grids").await),
    ];
    let b = Browser::open(&format!("a11y-{width}"), width, height).await;
    let mut who = "";
    let mut found = Vec::new();
    for (role, path) in PAGES {
        let path = ids
            .iter()
            .fold(path.to_string(), |p, (k, v)| p.replace(k, &v.to_string()));
        if *role != who {
            if !who.is_empty() {
                b.logout().await;
            }
            if !role.is_empty() {
                b.login(server, role).await;
            }
            who = role;
        }
        b.go(server, &path).await;
        for v in b.axe_violations().await {
            found.push(format!("{role} {path} at {width} px: {v}"));
        }
    }
    b.shot("last-page").await;
    b.quit().await;
    found
}

#[tokio::test]
async fn every_page_of_every_role_passes_axe_at_a_desk() {
    let Some(server) = Server::start().await else {
        return;
    };
    let found = violations_at(&server, 1280, 900).await;
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}

#[tokio::test]
async fn every_page_of_every_role_passes_axe_on_a_phone() {
    let Some(server) = Server::start().await else {
        return;
    };
    let found = violations_at(&server, 360, 740).await;
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}
