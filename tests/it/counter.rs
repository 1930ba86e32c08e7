//! At the counter: finding the resident a demand is for, by an address typed as the pages
//! show it (issue 13).

use crate::common::TestApp;
use crate::common::pages::PageClient;

/// Building 1 and building 11 of one compound: 潘阿姨 at 1号楼 1单元 101, 李叔 at
/// 11号楼 1单元 102.
async fn two_buildings() -> TestApp {
    let mut app = TestApp::bare()
        .await
        .with_staff("staff")
        .await
        .with_grid_worker("w1")
        .await
        .with_resident("pan", "潘阿姨")
        .await;
    for n in 2..=11 {
        app = app.with_grid_worker(&format!("w{n}")).await;
    }
    app.with_resident("li", "李叔").await
}

async fn found(c: &mut PageClient<'_>, q: &str) -> String {
    let query = crate::common::pages::urlencode(&[("q", q)]);
    c.page(&format!("/work/residents/search?{query}"))
        .await
        .html
}

#[tokio::test]
async fn an_address_typed_as_the_pages_show_it_finds_that_household_and_not_building_11() {
    let app = two_buildings().await;
    let mut c = PageClient::login(&app, "staff").await;
    for q in [
        "1号楼 1单元 101",
        "1号楼1单元101",
        "1-1-101",
        "１号楼１单元１０１",
        "1栋1单元101室",
    ] {
        let html = found(&mut c, q).await;
        assert!(html.contains("潘阿姨"), "{q}: {html}");
        assert!(!html.contains("李叔"), "{q}: building 11 is not building 1");
    }
    let html = found(&mut c, "1号楼").await;
    assert!(html.contains("潘阿姨") && !html.contains("李叔"), "{html}");
    let html = found(&mut c, "11-1-102").await;
    assert!(html.contains("李叔") && !html.contains("潘阿姨"), "{html}");
    // A name and a phone's last digits still find as before.
    assert!(found(&mut c, "李叔").await.contains("李叔"));
    let by_phone = found(&mut c, "5678").await;
    assert!(by_phone.contains("潘阿姨") && by_phone.contains("李叔"));
    // An address nobody lives at finds nobody.
    let none = found(&mut c, "1号楼 1单元 202").await;
    assert!(!none.contains("潘阿姨") && !none.contains("李叔"));
}

#[tokio::test]
async fn the_only_match_is_chosen_several_are_not_and_a_cut_list_says_so() {
    let app = two_buildings().await;
    let mut c = PageClient::login(&app, "staff").await;
    // Before any search the form says nothing about finding nobody.
    let form = c.page("/work/demands/new").await.html;
    assert!(!form.contains("没有找到"), "no 'not found' before a search");
    // One match: chosen for the worker. Two: the worker chooses.
    assert!(found(&mut c, "1号楼").await.contains(" checked"));
    let two = found(&mut c, "5678").await;
    assert_eq!(two.matches("name=\"resident_id\"").count(), 2);
    assert!(!two.contains(" checked"), "none chosen among several");
    assert!(!two.contains("data-more"));
    // Nobody: said after the search.
    assert!(found(&mut c, "王大爷").await.contains("没有找到"));
    // More than the list holds: it says so, and shows the first 20.
    let mut app = app;
    for i in 0..20 {
        app = app
            .with_resident(&format!("r{i}"), &format!("住户{i}"))
            .await;
    }
    let mut c = PageClient::login(&app, "staff").await;
    let many = found(&mut c, "5678").await;
    assert_eq!(many.matches("name=\"resident_id\"").count(), 20);
    assert!(
        many.contains("data-more") && many.contains("只列出前 20 位"),
        "{many}"
    );
}

#[tokio::test]
async fn a_refused_form_comes_back_with_the_resident_chosen_and_everything_typed() {
    let app = two_buildings().await;
    let mut c = PageClient::login(&app, "staff").await;
    let pan = app
        .scalar("SELECT id FROM residents WHERE name = '潘阿姨'")
        .await
        .to_string();
    let before = app.scalar("SELECT COUNT(*) FROM demands").await;
    // Several found by the phone's ending; she is chosen; the description is missing.
    let r = c
        .submit(
            "/work/demands/new",
            "/work/demands/new",
            &[
                ("q", "5678"),
                ("resident_id", &pan),
                ("channel", "wechat"),
                ("urgency", "urgent"),
                ("title", "楼道灯不亮"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM demands").await, before);
    let html = r.html;
    let chosen = format!("value=\"{pan}\" checked");
    assert!(html.contains(&chosen), "she is still chosen: {html}");
    assert!(
        html.contains("李叔"),
        "the search's other match is still listed"
    );
    assert!(html.contains("value=\"wechat\" selected"));
    assert!(html.contains("value=\"urgent\" selected"));
    assert!(html.contains("value=\"楼道灯不亮\""));
}

/// Tags the resident through the roster's API, as staff would.
async fn tag(app: &TestApp, name: &str, tags: &[&str]) -> i64 {
    let staff = app.login("staff").await;
    let id = app
        .scalar_with("SELECT id FROM residents WHERE name = $1", name.to_string())
        .await;
    let r = staff
        .patch(
            &format!("/api/v1/residents/{id}"),
            serde_json::json!({ "tags": tags }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    id
}

#[tokio::test]
async fn her_flags_for_the_visit_are_shown_at_the_counter_and_copied_onto_the_demand() {
    let app = two_buildings().await;
    let pan = tag(
        &app,
        "潘阿姨",
        &["elderly_alone", "limited_mobility", "爱心"],
    )
    .await;
    let mut c = PageClient::login(&app, "staff").await;
    let html = found(&mut c, "1-1-101").await;
    assert!(
        html.contains("data-flag=\"elderly_alone\">独居老人")
            && html.contains("data-flag=\"limited_mobility\">行动不便"),
        "{html}"
    );
    assert!(!html.contains("爱心"), "only what a visit must know");
    let r = c
        .submit(
            "/work/demands/new",
            "/work/demands/new",
            &[
                ("resident_id", &pan.to_string()),
                ("channel", "phone"),
                ("urgency", "normal"),
                ("description", "卫生间水管漏水"),
            ],
        )
        .await;
    let to = r.location.clone().unwrap_or_default();
    assert!(
        to.starts_with("/work/demands/"),
        "{:?} {}",
        r.status,
        r.html
    );
    // The roster may change later; the demand keeps what the visit must know.
    tag(&app, "潘阿姨", &[]).await;
    let page = c.page(&to).await.html;
    assert!(page.contains("data-visit-flags"), "{page}");
    assert!(page.contains("独居老人") && page.contains("行动不便"));
    assert!(page.contains("data-address>"), "where to go is shown");
    assert!(page.contains("1号楼 1单元 101</dd>"), "{page}");
    let staff = app.login("staff").await;
    let id: i64 = to
        .trim_start_matches("/work/demands/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let d = staff.fetch(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(
        d["demand"]["visit_flags"],
        serde_json::json!(["elderly_alone", "limited_mobility"])
    );
}

#[tokio::test]
async fn a_demand_names_its_reporter_or_says_they_asked_not_to_be() {
    let app = two_buildings().await;
    let mut c = PageClient::login(&app, "staff").await;
    let before = app.demand_footprint().await;
    let form = [
        ("channel", "phone"),
        ("urgency", "normal"),
        ("description", "小区门口路灯不亮"),
    ];
    let r = c
        .submit("/work/demands/new", "/work/demands/new", &form)
        .await;
    assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("匿名"), "the page says what is missing");
    assert!(r.html.contains("小区门口路灯不亮"), "what was typed stays");
    assert_eq!(app.demand_footprint().await, before, "nothing stored");
    // The explicit word: they asked not to be named.
    let mut anonymous = form.to_vec();
    anonymous.push(("anonymous", "on"));
    let r = c
        .submit("/work/demands/new", "/work/demands/new", &anonymous)
        .await;
    let to = r.location.clone().unwrap_or_default();
    assert!(to.starts_with("/work/demands/"), "{}", r.html);
    assert!(c.page(&to).await.html.contains("匿名（反映人不愿留名）"));
    // A name alone is enough, and so is the API's household.
    let mut named = form.to_vec();
    named.push(("reporter_name", "过路的王先生"));
    let r = c
        .submit("/work/demands/new", "/work/demands/new", &named)
        .await;
    assert!(r.location.is_some(), "{}", r.html);
    // In the API as on the page.
    let staff = app.login("staff").await;
    let r = staff
        .post(
            "/api/v1/demands",
            serde_json::json!({"channel": "wechat", "description": "噪音扰民"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "reporter_needed"));
    // A patrol finds things on its own.
    let r = staff
        .post(
            "/api/v1/demands",
            serde_json::json!({"channel": "patrol", "description": "井盖松动"}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.body);
}

#[tokio::test]
async fn text_over_its_limit_is_refused_with_the_field_named_and_kept_whole() {
    let app = two_buildings().await;
    let mut c = PageClient::login(&app, "staff").await;
    let pan = app
        .scalar("SELECT id FROM residents WHERE name = '潘阿姨'")
        .await
        .to_string();
    let form = c.page("/work/demands/new").await.html;
    // A visible counter, and nothing that cuts the text in the browser.
    assert!(form.contains("id=\"description-count\"") && form.contains("最多 2000 字"));
    assert!(
        !form.contains("maxlength=\"2000\""),
        "the browser must not cut it silently"
    );
    let long = "漏".repeat(10_000);
    let before = app.demand_footprint().await;
    let r = c
        .submit(
            "/work/demands/new",
            "/work/demands/new",
            &[
                ("resident_id", &pan),
                ("channel", "phone"),
                ("urgency", "normal"),
                ("description", &long),
            ],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains("诉求内容 过长，最多 2000 个字"),
        "named in Chinese"
    );
    assert!(
        r.html.contains(&long),
        "all 10,000 characters are still there to shorten"
    );
    assert_eq!(app.demand_footprint().await, before);
    // A required field by its name on the form, in the user's language.
    let r = c
        .submit(
            "/work/demands/new",
            "/work/demands/new",
            &[
                ("resident_id", &pan),
                ("channel", "phone"),
                ("description", ""),
            ],
        )
        .await;
    assert!(r.html.contains("缺少必填项：诉求内容"), "{}", r.html);
}
