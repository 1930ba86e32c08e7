//! Browser tests in real headless Chromium (Debian's chromium + chromium-driver), driven
//! over WebDriver. `scripts/test` starts ChromeDriver and sets `TEST_WEBDRIVER`; without
//! it these tests say so and pass nothing off as tested (they fail unless
//! `TEST_BROWSER_OPTIONAL=1`).
//!
//! Screenshots of every page visited go to `target/screenshots/` (build artefacts), and to
//! `docs/screenshots/` when `SAVE_SCREENSHOTS=docs/screenshots`.

mod a11y;
mod harness;
mod loop_roles;
mod phone;

use harness::{Browser, Server};

/// Aunt Pan's leak, by the pages: staff record it from a phone call and dispatch it, the
/// property company reports back, staff tell her, and she rates it on her phone.
#[tokio::test]
async fn story_01_aunt_pan_in_the_browser() {
    let Some(server) = Server::start().await else {
        return;
    };
    let b = Browser::open("staff", 1280, 900).await;
    b.login(&server, "staff").await;
    b.shot("workbench").await;
    b.go(&server, "/work/demands/new?q=%E6%BD%98").await;
    b.click_radio_first("resident_id").await;
    b.select("channel", "phone").await;
    b.select("category", "water").await;
    b.type_into("description", "热水器漏水，水流到楼下了（电话报修）")
        .await;
    b.shot("intake").await;
    b.submit_form_of("description").await;
    let page = b.path().await;
    assert!(page.starts_with("/work/demands/"), "landed on {page}");
    let id: i64 = page
        .trim_start_matches("/work/demands/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    b.submit_form_at(&format!("/work/demands/{id}/act/accept"))
        .await;
    b.select("to", &format!("unit:{}", server.unit_id("property").await))
        .await;
    b.submit_form_at(&format!("/work/demands/{id}/act/dispatch"))
        .await;
    assert!(b.text().await.contains("已派单"));
    b.shot("demand").await;
    b.logout().await;

    b.login(&server, "property").await;
    b.shot("unit").await;
    b.go(&server, &format!("/work/demands/{id}")).await;
    b.submit_form_at(&format!("/work/demands/{id}/act/take"))
        .await;
    b.type_into("r-result", "更换热水器进水阀，已不漏水").await;
    b.submit_form_at(&format!("/work/demands/{id}/act/resolve"))
        .await;
    assert!(b.text().await.contains("已办结"));
    b.logout().await;

    b.login(&server, "staff").await;
    b.go(&server, &format!("/work/demands/{id}")).await;
    b.type_into("f-note", "已电话告知潘阿姨维修结果").await;
    b.submit_form_at(&format!("/work/demands/{id}/act/feedback"))
        .await;
    b.logout().await;
    b.quit().await;

    // Aunt Pan, on a 360 px phone.
    let phone = Browser::open("resident", 360, 740).await;
    phone.login(&server, "resident").await;
    phone.shot("portal").await;
    phone.go(&server, &format!("/me/demands/{id}")).await;
    assert!(phone.text().await.contains("已电话告知潘阿姨维修结果"));
    assert!(phone.fits_width().await, "no sideways scrolling at 360 px");
    phone.click_value("solved", "true").await;
    phone.click_value("satisfaction", "satisfied").await;
    phone.shot("rate").await;
    phone
        .submit_form_at(&format!("/me/demands/{id}/rate"))
        .await;
    assert!(phone.text().await.contains("已关闭"));
    phone.go(&server, "/me/new").await;
    phone.shot("raise").await;
    phone.quit().await;

    let dash = Browser::open("dash", 1280, 1000).await;
    dash.login(&server, "secretary").await;
    dash.go(&server, "/dash").await;
    dash.shot("dashboard").await;
    dash.go(&server, "/roster").await;
    dash.shot("roster").await;
    dash.quit().await;
}

#[tokio::test]
async fn the_language_switch_is_remembered() {
    let Some(server) = Server::start().await else {
        return;
    };
    let b = Browser::open("lang", 1024, 768).await;
    b.login(&server, "staff").await;
    assert!(b.text().await.contains("工作台"));
    b.click_link("English").await;
    assert!(b.text().await.contains("Workbench"));
    b.go(&server, "/work/demands").await;
    assert!(b.text().await.contains("Demands"));
    b.shot("english").await;
    b.click_link("中文").await;
    assert!(b.text().await.contains("诉求"));
    b.quit().await;
}

#[tokio::test]
async fn a_forged_form_is_refused() {
    let Some(server) = Server::start().await else {
        return;
    };
    let id = server.record_in_grid(1, "楼道灯不亮").await;
    let b = Browser::open("csrf", 1024, 768).await;
    b.login(&server, "staff").await;
    b.go(&server, &format!("/work/demands/{id}")).await;
    b.run_js(
        "document.querySelectorAll('input[name=csrf]').forEach(function(i){ i.value = 'forged'; })",
    )
    .await;
    b.submit_form_at(&format!("/work/demands/{id}/act/accept"))
        .await;
    let text = b.text().await;
    assert!(text.contains("表单已失效"), "{text}");
    assert_eq!(server.status_of(id).await, "submitted", "nothing changed");
    b.quit().await;
}

#[tokio::test]
async fn a_grid_worker_cannot_open_another_grids_demand_page() {
    let Some(server) = Server::start().await else {
        return;
    };
    let other = server.record_in_grid(2, "二网格：路灯不亮").await;
    let b = Browser::open("scope", 1024, 768).await;
    b.login(&server, "grid01").await;
    b.go(&server, &format!("/work/demands/{other}")).await;
    let text = b.text().await;
    assert!(text.contains("找不到"), "{text}");
    assert!(!text.contains("二网格：路灯不亮"));
    b.quit().await;
}

/// The pages of the full demo community (4,060 households, two months of demands), as the
/// README shows them: runs when `SAVE_SCREENSHOTS` names where to put them
/// (`scripts/screenshots`).
#[tokio::test]
async fn screenshots_of_the_full_demo() {
    if std::env::var("SAVE_SCREENSHOTS").is_err() {
        eprintln!("SAVE_SCREENSHOTS is not set: no documentation screenshots taken");
        return;
    }
    let Some(server) = Server::start_full().await else {
        return;
    };
    let b = Browser::open("full", 1280, 1000).await;
    b.login(&server, "secretary").await;
    for (path, name, expect) in [
        ("/work", "full-workbench", "待受理"),
        ("/work/demands?overdue=true", "full-overdue", "超时"),
        ("/dash", "full-dashboard", "响应率"),
        ("/roster", "full-roster", "第一网格"),
        ("/dash/definitions", "full-definitions", "响应率 ="),
        (
            "/roster/residents?tag=elderly_alone",
            "full-elderly-alone",
            "独居老人",
        ),
        ("/audit", "full-audit", "查看完整个人信息"),
        (
            "/roster/residents/1/everything",
            "full-everything",
            "个人信息保护法",
        ),
    ] {
        b.go(&server, path).await;
        assert!(b.text().await.contains(expect), "{path} shows {expect}");
        b.shot(name).await;
    }
    b.quit().await;
}

/// Staff find the elderly living alone of the first grid, open one, type a phone the
/// roster refuses (the form comes back as typed, the field named), correct it and save,
/// then narrow the list to the over-80s of one building.
#[tokio::test]
async fn staff_edits_a_resident_and_filters_the_roster() {
    let Some(server) = Server::start().await else {
        return;
    };
    let (id, grid, building) = {
        let mut c = server.state.db.conn().await.unwrap();
        linli::db::Q::new(
            "SELECT r.id, b.grid_id, b.id FROM residents r \
             JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id \
             JOIN resident_tags t ON t.resident_id = r.id AND t.tag = 'elderly_alone' \
             WHERE b.grid_id IS NOT NULL ORDER BY r.id LIMIT 1",
        )
        .fetch_one::<(i64, i64, i64)>(&mut c)
        .await
        .unwrap()
    };
    let b = Browser::open("roster", 1280, 900).await;
    b.login(&server, "staff").await;
    b.go(&server, "/roster/residents").await;
    b.select("tag", "elderly_alone").await;
    b.select("grid_id", &grid.to_string()).await;
    b.submit_form_of("f-q").await;
    let text = b.text().await;
    assert!(text.contains("共 ") && text.contains("独居老人"), "{text}");
    b.shot("residents-elderly-alone").await;

    b.go(&server, &format!("/roster/residents/{id}/edit")).await;
    b.type_into("phone", "12345").await;
    b.type_into("relation", "户主本人").await;
    b.shot("resident-edit").await;
    b.submit_form_of("phone").await;
    let text = b.text().await;
    assert!(text.contains("电话 格式不正确"), "{text}");
    b.shot("resident-refused").await;
    b.type_into("phone", "13912340000").await;
    b.submit_form_of("phone").await;
    let text = b.text().await;
    assert!(
        // Saved, and shown masked again until someone asks to see it whole.
        text.contains("已保存") && text.contains("139****0000"),
        "{text}"
    );
    assert!(
        text.contains("户主本人"),
        "what was typed before the refusal is saved"
    );
    b.shot("resident-saved").await;

    b.go(
        &server,
        &format!("/roster/residents?building_id={building}&age=80%2B"),
    )
    .await;
    assert!(b.text().await.contains("共 "));
    assert!(b.fits_width().await, "no sideways scrolling at 1280 px");
    b.shot("residents-over-80").await;
    b.click_link("English").await;
    let text = b.text().await;
    assert!(
        text.contains("Residents") && text.contains("in all"),
        "{text}"
    );
    b.shot("residents-english").await;
    b.quit().await;
}

/// The admin makes a new grid worker in the pages — the account for the community, its
/// password typed twice, then the grid given to it — and that person signs in and sees
/// only that grid: its demands in the list, its households on the roster, nobody else's.
#[tokio::test]
async fn admin_creates_a_grid_worker_who_sees_only_that_grid() {
    let Some(server) = Server::start().await else {
        return;
    };
    let one = server.record_in_grid(1, "一网格：楼道灯坏了").await;
    let two = server.record_in_grid(2, "二网格：井盖松动").await;
    let scalar = |sql: &'static str| {
        let st = server.state.clone();
        async move {
            let mut c = st.db.conn().await.unwrap();
            linli::db::Q::new(sql)
                .fetch_one::<(i64,)>(&mut c)
                .await
                .unwrap()
                .0
        }
    };
    let community = scalar("SELECT MIN(id) FROM communities").await;
    let grid = scalar(
        "SELECT g.id FROM grids g JOIN users u ON u.id = g.worker_user_id WHERE u.username = 'grid02'",
    )
    .await;
    // A building of each grid, and a resident living in each.
    let building_two = scalar(
        "SELECT MIN(b.id) FROM buildings b JOIN households h ON h.building_id = b.id \
         WHERE b.grid_id = (SELECT g.id FROM grids g JOIN users u ON u.id = g.worker_user_id \
         WHERE u.username = 'grid02')",
    )
    .await;
    let building_one = scalar(
        "SELECT MIN(b.id) FROM buildings b JOIN households h ON h.building_id = b.id \
         WHERE b.grid_id = (SELECT g.id FROM grids g JOIN users u ON u.id = g.worker_user_id \
         WHERE u.username = 'grid01')",
    )
    .await;
    let name_in = |building: i64| {
        let st = server.state.clone();
        async move {
            let mut c = st.db.conn().await.unwrap();
            linli::db::Q::new(
                "SELECT MIN(r.name) FROM residents r JOIN households h ON h.id = r.household_id \
                 WHERE h.building_id = $1",
            )
            .bind(building)
            .fetch_one::<(String,)>(&mut c)
            .await
            .unwrap()
            .0
        }
    };
    let (resident_two, resident_one) = (name_in(building_two).await, name_in(building_one).await);

    let b = Browser::open("admin", 1280, 900).await;
    b.login(&server, "admin").await;
    b.click_link("管理").await;
    assert_eq!(b.path().await, "/admin/accounts");
    assert!(b.text().await.contains("个账号"));
    b.shot("admin-accounts").await;
    b.go(&server, "/admin/accounts/new").await;
    b.type_into("username", "wanghw").await;
    b.type_into("display_name", "王海文").await;
    b.select("role", "grid_worker").await;
    b.select("community_id", &community.to_string()).await;
    b.shot("admin-account-new").await;
    b.submit_form_at("/admin/accounts/new").await;
    let text = b.text().await;
    assert!(
        text.contains("账号已创建") && text.contains("新密码"),
        "{text}"
    );
    // The generated password is shown on the answer itself (never in an address).
    assert_eq!(b.path().await, "/admin/accounts/new");
    let id = scalar("SELECT id FROM users WHERE username = 'wanghw'").await;
    // Its password, typed twice.
    b.type_into("new_password", "wang-grid-2026").await;
    b.type_into("new_password2", "wang-grid-2026").await;
    b.submit_form_at(&format!("/admin/accounts/{id}/password"))
        .await;
    assert!(b.text().await.contains("密码已重设"));
    b.shot("admin-account").await;

    // The grid given to the new worker.
    b.go(&server, "/admin/grids").await;
    b.shot("admin-grids").await;
    b.go(&server, &format!("/admin/grids/{grid}")).await;
    b.select("worker_user_id", &id.to_string()).await;
    b.submit_form_at(&format!("/admin/grids/{grid}")).await;
    let text = b.text().await;
    assert!(text.contains("已保存网格名称和网格员"), "{text}");
    assert!(b.fits_width().await, "the grid page fits 1280 px");
    b.shot("admin-grid").await;
    b.go(&server, "/admin/categories").await;
    assert!(b.fits_width().await, "the categories fit 1280 px");
    b.shot("admin-categories").await;
    b.go(&server, "/admin/teams").await;
    b.shot("admin-teams").await;
    b.logout().await;

    // The new worker signs in with that password.
    b.go(&server, "/login").await;
    b.type_into("username", "wanghw").await;
    b.type_into("password", "wang-grid-2026").await;
    b.submit_form_at("/login").await;
    assert!(!b.path().await.starts_with("/login"), "signed in");
    let text = b.text().await;
    assert!(text.contains("王海文"), "{text}");
    b.go(&server, "/work/demands").await;
    let list = b.text().await;
    assert!(
        list.contains("二网格：井盖松动"),
        "their grid's demand: {list}"
    );
    assert!(!list.contains("一网格：楼道灯坏了"), "not another grid's");
    b.shot("new-worker-demands").await;
    b.go(&server, &format!("/work/demands/{one}")).await;
    assert!(b.text().await.contains("找不到"));
    b.go(&server, &format!("/work/demands/{two}")).await;
    assert!(b.text().await.contains("二网格：井盖松动"));
    // The roster: the households of their grid, not of the other.
    b.go(&server, &format!("/roster/buildings/{building_two}"))
        .await;
    let own = b.text().await;
    assert!(own.contains(&resident_two), "{resident_two} on {own}");
    b.shot("new-worker-roster").await;
    b.go(&server, &format!("/roster/buildings/{building_one}"))
        .await;
    let other = b.text().await;
    assert!(
        !other.contains(&resident_one),
        "{resident_one} hidden: {other}"
    );
    // And not the admin's pages.
    b.go(&server, "/admin/accounts").await;
    assert!(b.text().await.contains("无权"));
    b.quit().await;
}
