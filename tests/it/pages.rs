//! The pages without a browser: login and sessions, CSRF, the loop carried through forms,
//! scope on pages, the language switch, dashboards, page weight.

use axum::http::StatusCode;
use linli::roster::model::sealed::ResidentPhone;
use linli::vault::sql::Opened;

use crate::common::pages::PageClient;
use crate::common::{TestApp, record};

#[tokio::test]
async fn login_lands_each_role_on_its_own_start_page_and_logout_ends_the_session() {
    let app = TestApp::new().await;
    let mut anon = PageClient::new(&app);
    let r = anon.get("/work").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login?next=/work"));
    for (user, home) in [
        ("staff", "/work"),
        ("resident", "/me"),
        ("property", "/unit"),
    ] {
        let mut c = PageClient::new(&app);
        let form = c.get("/login").await;
        let csrf = form.csrf();
        let r = c
            .post(
                "/login",
                &[
                    ("username", user),
                    ("password", "linli-demo"),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(r.location.as_deref(), Some(home), "{user}");
        assert_eq!(c.get(home).await.status, StatusCode::OK);
    }
    // A wrong password: the form again, with the reason, and no session.
    let mut c = PageClient::new(&app);
    let csrf = c.get("/login").await.csrf();
    let r = c
        .post(
            "/login",
            &[("username", "staff"), ("password", "nope"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.html.contains("用户名或密码错误"));
    // `next` brings you back, but never to another site.
    let mut c = PageClient::new(&app);
    let csrf = c.get("/login?next=/dash").await.csrf();
    let r = c
        .post(
            "/login",
            &[
                ("username", "staff"),
                ("password", "linli-demo"),
                ("csrf", &csrf),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/work"));
    // Logout ends it.
    let mut staff = PageClient::login(&app, "staff").await;
    let r = staff.submit("/work", "/logout", &[]).await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert_eq!(staff.get("/work").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let api = app.login("staff").await;
    let id = record(&api, app.household_in_grid(1).await, "water", "漏水").await;
    let mut staff = PageClient::login(&app, "staff").await;
    let before = app.demand_footprint().await;
    let r = staff
        .post(
            &format!("/work/demands/{id}/act/accept"),
            &[("category", "water"), ("csrf", "forged")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.html.contains("表单已失效"));
    let r = staff
        .post(
            &format!("/work/demands/{id}/act/accept"),
            &[("category", "water")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another session's token does not do either.
    let mut other = PageClient::login(&app, "secretary").await;
    let theirs = other.page("/work").await.csrf();
    let r = staff
        .post(
            &format!("/work/demands/{id}/act/accept"),
            &[("category", "water"), ("csrf", &theirs)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.demand_footprint().await, before);
    // The login form itself wants its double-submit token.
    let mut c = PageClient::new(&app);
    let r = c
        .post(
            "/login",
            &[
                ("username", "staff"),
                ("password", "linli-demo"),
                ("csrf", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_loop_through_the_pages_from_the_counter_to_the_residents_rating() {
    let app = TestApp::new().await;
    let mut staff = PageClient::login(&app, "staff").await;
    // Find Aunt Pan by name at the counter.
    let found = staff.page("/work/demands/new?q=%E6%BD%98").await;
    let pan = app
        .scalar("SELECT resident_id FROM users WHERE username = 'resident'")
        .await;
    assert!(
        found.html.contains(&format!("value=\"{pan}\"")),
        "Aunt Pan is found by her surname"
    );
    let r = staff
        .submit(
            "/work/demands/new",
            "/work/demands/new",
            &[
                ("resident_id", &pan.to_string()),
                ("channel", "phone"),
                ("category", "water"),
                ("description", "热水器漏水，电话报修"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let page = r.location.unwrap().split('?').next().unwrap().to_string();
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    // Only the steps legal now are offered.
    let p = staff.page(&page).await;
    for offered in ["/act/accept", "/act/decline", "/act/merge", "/act/escalate"] {
        assert!(p.html.contains(offered), "{offered}");
    }
    for not_yet in [
        "/act/take",
        "/act/resolve",
        "/act/rate",
        "/act/feedback",
        "/act/close",
    ] {
        assert!(!p.html.contains(not_yet), "{not_yet}");
    }
    let grid = app
        .scalar_with("SELECT grid_id FROM demands WHERE id = $1", id)
        .await;
    let r = staff
        .submit(
            &page,
            &format!("{page}/act/accept"),
            &[
                ("category", "water"),
                ("grid_id", &grid.to_string()),
                ("urgency", "urgent"),
            ],
        )
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some(format!("{page}?done=accept").as_str())
    );
    let unit = app.unit_id("property").await;
    let r = staff
        .submit(
            &page,
            &format!("{page}/act/dispatch"),
            &[("to", &format!("unit:{unit}")), ("note", "请物业上门")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The property company takes it and reports back.
    let mut property = PageClient::login(&app, "property").await;
    assert!(
        property
            .page("/unit")
            .await
            .html
            .contains(&format!("/work/demands/{id}"))
    );
    property
        .submit(&page, &format!("{page}/act/take"), &[])
        .await;
    let r = property
        .submit(&page, &format!("{page}/act/resolve"), &[("result", "")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty result is refused on the page"
    );
    assert!(r.html.contains("缺少必填项"));
    let r = property
        .submit(
            &page,
            &format!("{page}/act/resolve"),
            &[("result", "更换进水阀")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    staff
        .submit(
            &page,
            &format!("{page}/act/feedback"),
            &[("method", "phone"), ("note", "已电话告知潘阿姨")],
        )
        .await;

    // Aunt Pan rates it in her portal.
    let mut pan_c = PageClient::login(&app, "resident").await;
    let mine = pan_c.page(&format!("/me/demands/{id}")).await;
    assert!(
        mine.html.contains("已电话告知潘阿姨"),
        "she reads the result"
    );
    let r = pan_c
        .submit(
            &format!("/me/demands/{id}"),
            &format!("/me/demands/{id}/rate"),
            &[("solved", "true"), ("satisfaction", "satisfied")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let done = staff.page(&page).await;
    assert!(done.html.contains("已关闭"));
    assert!(done.html.contains("已解决 · 满意"));
}

#[tokio::test]
async fn a_grid_worker_cannot_open_another_grids_demand_page() {
    let app = TestApp::new().await;
    let api = app.login("staff").await;
    let other = record(&api, app.household_in_grid(2).await, "water", "二网格的事").await;
    let mine = record(&api, app.household_in_grid(1).await, "water", "一网格的事").await;
    let mut grid01 = PageClient::login(&app, "grid01").await;
    let r = grid01.get(&format!("/work/demands/{other}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.html.contains("<html"), "a page, not JSON");
    assert!(!r.html.contains("二网格的事"));
    assert_eq!(
        grid01.get(&format!("/work/demands/{mine}")).await.status,
        StatusCode::OK
    );
    let list = grid01.page("/work/demands").await;
    assert!(!list.html.contains("二网格的事"));
    assert!(list.html.contains("一网格的事"));
    // Nor act on it through a form.
    let csrf = list.csrf();
    let r = grid01
        .post(
            &format!("/work/demands/{other}/act/accept"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn english_is_selectable_and_remembered() {
    let app = TestApp::new().await;
    let mut staff = PageClient::login(&app, "staff").await;
    assert!(staff.page("/work").await.html.contains("工作台"));
    let r = staff.get("/lang/en?next=/work").await;
    assert_eq!(r.location.as_deref(), Some("/work"));
    let p = staff.page("/work").await;
    assert!(p.html.contains("Workbench"));
    assert!(p.html.contains("lang=\"en\""));
    assert!(staff.page("/dash").await.html.contains("Response rate"));
    staff.get("/lang/zh-CN?next=/work").await;
    assert!(staff.page("/work").await.html.contains("工作台"));
}

#[tokio::test]
async fn dashboards_chart_the_rates_and_link_each_figure_to_its_records() {
    let app = TestApp::new().await;
    let api = app.login("staff").await;
    let id = record(&api, app.household_in_grid(1).await, "water", "漏水").await;
    crate::common::step(&api, id, "accept", serde_json::json!({})).await;
    let mut staff = PageClient::login(&app, "staff").await;
    let d = staff.page("/dash").await;
    assert!(d.html.contains("<svg"));
    assert!(d.html.contains("响应率"));
    assert!(
        d.html.contains("href=\"/work/demands?grid_id="),
        "each grid bar opens its demands"
    );
    assert!(
        d.html.contains("href=\"/work/demands?from="),
        "each rate opens its records"
    );
    let mut street = PageClient::login(&app, "street").await;
    assert!(
        street.page("/dash").await.html.contains("裕城社区"),
        "the street sees its communities"
    );
    // Staff pages are for staff: a resident is sent to the portal.
    let mut resident = PageClient::login(&app, "resident").await;
    assert_eq!(resident.get("/dash").await.location.as_deref(), Some("/me"));
}

#[tokio::test]
async fn no_page_weighs_more_than_300_kb() {
    let app = TestApp::new().await;
    let api = app.login("staff").await;
    let id = record(&api, app.household_in_grid(1).await, "water", "漏水").await;
    let mut staff = PageClient::login(&app, "staff").await;
    let css = staff.page("/static/app.css").await.html.len();
    for path in [
        "/work",
        "/work/demands",
        &format!("/work/demands/{id}"),
        "/work/demands/new",
        "/dash",
    ] {
        let html = staff.page(path).await.html.len();
        assert!(html + css < 300 * 1024, "{path}: {html} + {css} bytes");
    }
}

#[tokio::test]
async fn the_roster_pages_walk_the_tree_and_mask_what_they_should() {
    let app = TestApp::new().await;
    let mut staff = PageClient::login(&app, "staff").await;
    let start = staff.get("/roster").await;
    assert_eq!(
        start.status,
        StatusCode::SEE_OTHER,
        "staff go straight to their community"
    );
    let community = start.location.unwrap();
    let c = staff.page(&community).await;
    assert!(c.html.contains("裕城小区") && c.html.contains("第一网格"));
    let compound = app.scalar("SELECT MIN(id) FROM compounds").await;
    let p = staff.page(&format!("/roster/compounds/{compound}")).await;
    let building = app
        .scalar_with(
            "SELECT MIN(id) FROM buildings WHERE compound_id = $1",
            compound,
        )
        .await;
    assert!(p.html.contains(&format!("/roster/buildings/{building}")));
    let b = staff.page(&format!("/roster/buildings/{building}")).await;
    assert!(b.html.contains("/roster/residents/"));

    // Aunt Pan: whole for staff (and audited), masked for the street, out of reach for
    // another grid's worker.
    let pan = app
        .scalar("SELECT resident_id FROM users WHERE username = 'resident'")
        .await;
    let phone: String = {
        let mut c = app.state.db.conn().await.unwrap();
        let (p,): (Opened<ResidentPhone>,) =
            linli::db::Q::new("SELECT phone FROM residents WHERE id = $1")
                .bind(pan)
                .fetch_one(&mut c)
                .await
                .unwrap();
        String::from(p)
    };
    let audits = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii'")
        .await;
    // Masked first, with the form that asks for a reason to show it whole.
    let first = staff.page(&format!("/roster/residents/{pan}")).await;
    assert!(!first.html.contains(&phone));
    assert!(first.html.contains("name=\"reveal\""), "{}", first.html);
    assert!(first.html.contains("显示完整信息"));
    let whole = staff
        .page(&format!(
            "/roster/residents/{pan}?reveal=%E4%B8%8A%E9%97%A8%E8%B5%B0%E8%AE%BF"
        ))
        .await;
    assert!(whole.html.contains(&phone));
    assert!(
        whole.html.contains("审计日志（原因：上门走访）"),
        "{}",
        whole.html
    );
    assert!(!whole.html.contains("name=\"reveal\""));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii'")
            .await,
        audits + 1
    );
    let mut street = PageClient::login(&app, "street").await;
    let masked = street.page(&format!("/roster/residents/{pan}")).await;
    assert!(!masked.html.contains(&phone));
    assert!(masked.html.contains("****"));
    assert!(
        !masked.html.contains("name=\"reveal\""),
        "the street may not ask"
    );
    let mut grid02 = PageClient::login(&app, "grid02").await;
    assert_eq!(
        grid02.get(&format!("/roster/residents/{pan}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut resident = PageClient::login(&app, "resident").await;
    assert_eq!(
        resident.get("/roster").await.location.as_deref(),
        Some("/me")
    );
}
