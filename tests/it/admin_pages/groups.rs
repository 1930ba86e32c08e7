//! The grid, category, unit and team pages, and every admin page in both languages.

use super::*;

#[tokio::test]
async fn the_grid_pages_create_rename_give_a_worker_and_buildings() {
    let app = TestApp::new().await;
    let community = yucheng(&app).await;
    let mut admin = PageClient::login(&app, "admin").await;
    let list = admin.page("/admin/grids").await;
    assert!(list.html.contains("第一网格"));
    // Refused: a name left blank; nothing made.
    let grids = app.scalar("SELECT COUNT(*) FROM grids").await;
    let r = admin
        .submit(
            "/admin/grids",
            "/admin/grids",
            &[("community_id", &community.to_string()), ("name", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("缺少必填项：名称"), "{}", r.html);
    // Refused: a name another grid of the community has.
    let r = admin
        .submit(
            "/admin/grids",
            "/admin/grids",
            &[
                ("community_id", &community.to_string()),
                ("name", "第一网格"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.html.contains("value=\"第一网格\""));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, grids);

    let r = admin
        .submit(
            "/admin/grids",
            "/admin/grids",
            &[
                ("community_id", &community.to_string()),
                ("name", "新建网格"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let at = r.location.unwrap();
    let id: i64 = at
        .trim_start_matches("/admin/grids/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let p = admin.page(&at).await;
    assert!(p.html.contains("网格已创建") && p.html.contains("新建网格"));

    // A worker of the community, and a new name.
    let worker = app.user_id("grid02").await;
    let path = format!("/admin/grids/{id}");
    let r = admin
        .submit(
            &path,
            &path,
            &[
                ("name", "东区新网格"),
                ("worker_user_id", &worker.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let grid = app
        .login("admin")
        .await
        .fetch(&format!("/api/v1/grids/{id}"))
        .await;
    assert_eq!(
        (grid["name"].as_str(), grid["worker_user_id"].as_i64()),
        (Some("东区新网格"), Some(worker))
    );
    // Refused: an account that is no grid worker; the name typed is kept.
    let staff = app.user_id("staff").await;
    let r = admin
        .submit(
            &path,
            &path,
            &[("name", "改个名"), ("worker_user_id", &staff.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains("网格员必须是本社区的网格员账号") && r.html.contains("value=\"改个名\"")
    );

    // Buildings: two of other grids move here, by compound.
    let b: Vec<i64> = {
        let mut c = app.state.db.conn().await.unwrap();
        linli::db::Q::new("SELECT id FROM buildings WHERE grid_id IS NOT NULL ORDER BY id LIMIT 2")
            .fetch_all::<(i64,)>(&mut c)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.0)
            .collect()
    };
    let p = admin.page(&path).await;
    assert!(p.html.contains("<legend>") && p.html.contains("现属：第"));
    let (one, two) = (b[0].to_string(), b[1].to_string());
    let r = admin
        .submit(
            &path,
            &format!("{path}/buildings"),
            &[("building_ids", &one), ("building_ids", &two)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = admin.page(r.location.as_deref().unwrap()).await;
    assert!(p.html.contains("已保存网格的楼栋"));
    assert!(p.html.contains(&format!("value=\"{one}\" checked")));
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM buildings WHERE grid_id = $1", id)
            .await,
        2
    );
    // Refused: a building id that is none of the community's; nothing moves.
    let r = admin
        .submit(
            &path,
            &format!("{path}/buildings"),
            &[("building_ids", "999999")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM buildings WHERE grid_id = $1", id)
            .await,
        2
    );
}

#[tokio::test]
async fn the_grid_pages_are_for_those_who_may_edit_grids_in_their_own_reach() {
    let app = TestApp::new().await;
    let grid = app.scalar("SELECT MIN(id) FROM grids").await;
    for login in ["grid01", "volunteer", "property"] {
        let mut c = PageClient::login(&app, login).await;
        assert_eq!(
            c.get("/admin/grids").await.status,
            StatusCode::FORBIDDEN,
            "{login}"
        );
        assert_eq!(
            c.get(&format!("/admin/grids/{grid}")).await.status,
            StatusCode::FORBIDDEN
        );
    }
    // The community's secretary edits the grids of her community, as the API lets her.
    let mut secretary = PageClient::login(&app, "secretary").await;
    let path = format!("/admin/grids/{grid}");
    let p = secretary.page(&path).await;
    assert!(p.html.contains("第一网格"));
    let worker = app.user_id("grid01").await.to_string();
    let r = secretary
        .submit(
            &path,
            &path,
            &[("name", "第一网格（东）"), ("worker_user_id", &worker)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM grids WHERE id = $1 AND name = '第一网格（东）'",
            grid
        )
        .await,
        1
    );
    // A demand raised meanwhile is untouched by it.
    let staff = app.login("staff").await;
    record(&staff, app.household_in_grid(1).await, "water", "漏水").await;
}

#[tokio::test]
async fn the_admin_sets_a_categorys_deadlines_and_adds_one_and_bad_numbers_are_refused() {
    let app = TestApp::new().await;
    let mut admin = PageClient::login(&app, "admin").await;
    let p = admin.page("/admin/categories").await;
    assert!(p.html.contains("供水") && p.html.contains("value=\"24\""));
    let row = |f: &[(&'static str, &'static str)]| f.to_vec();
    let water = row(&[
        ("code", "water"),
        ("name_zh", "供水"),
        ("name_en", "Water supply"),
        ("accept_hours", "12"),
        ("feedback_days", "7"),
        ("sort", "10"),
        ("active", "1"),
    ]);
    let r = admin
        .submit("/admin/categories", "/admin/categories", &water)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = admin.page(r.location.as_deref().unwrap()).await;
    assert!(p.html.contains("已保存类别“供水”"));
    let api = app.login("staff").await;
    let cats = api.fetch("/api/v1/categories").await;
    let w = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "water")
        .unwrap();
    assert_eq!(
        (w["accept_hours"].as_i64(), w["feedback_days"].as_i64()),
        (Some(12), Some(7))
    );

    // Out of range, not a number, a new code taken: refused, what was typed kept.
    let mut bad = water.clone();
    bad[3] = ("accept_hours", "1000");
    let r = admin
        .submit("/admin/categories", "/admin/categories", &bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains("受理时限（小时） 应在 1 到 720 之间"),
        "{}",
        r.html
    );
    assert!(r.html.contains("value=\"1000\""));
    bad[3] = ("accept_hours", "一天");
    let r = admin
        .submit("/admin/categories", "/admin/categories", &bad)
        .await;
    assert!(r.html.contains("受理时限（小时） 应为数字"));
    let r = admin
        .submit(
            "/admin/categories",
            "/admin/categories",
            &[
                ("new", "1"),
                ("code", "water"),
                ("name_zh", "又一个"),
                ("accept_hours", "24"),
                ("feedback_days", "14"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.html.contains("value=\"又一个\""));
    let w = api.fetch("/api/v1/categories").await;
    let w = w
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "water")
        .unwrap()
        .clone();
    assert_eq!(
        (w["accept_hours"].as_i64(), w["name_zh"].as_str()),
        (Some(12), Some("供水")),
        "unchanged"
    );

    // A new one, not offered yet.
    let r = admin
        .submit(
            "/admin/categories",
            "/admin/categories",
            &[
                ("new", "1"),
                ("code", "heating_pipes"),
                ("name_zh", "暖气管道"),
                ("name_en", "Heating pipes"),
                ("accept_hours", "6"),
                ("feedback_days", "3"),
                ("sort", "15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cats = api.fetch("/api/v1/categories").await;
    let h = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "heating_pipes")
        .unwrap();
    assert_eq!(
        (h["accept_hours"].as_i64(), h["active"].as_bool()),
        (Some(6), Some(false))
    );

    // Only the admin.
    for login in ["staff", "secretary", "street"] {
        let mut c = PageClient::login(&app, login).await;
        assert_eq!(
            c.get("/admin/categories").await.status,
            StatusCode::FORBIDDEN,
            "{login}"
        );
    }
}

#[tokio::test]
async fn units_and_teams_are_created_edited_refused_and_their_members_set() {
    let app = TestApp::new().await;
    let community = yucheng(&app).await.to_string();
    let mut admin = PageClient::login(&app, "admin").await;
    // A unit of the community.
    let place = format!("c{community}");
    let r = admin
        .submit(
            "/admin/units",
            "/admin/units",
            &[
                ("place", &place),
                ("kind", "heating"),
                ("name", "城东热力"),
                ("phone", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.html.contains("电话 格式不正确") && r.html.contains("value=\"城东热力\""),
        "{}",
        r.html
    );
    let r = admin
        .submit(
            "/admin/units",
            "/admin/units",
            &[
                ("place", &place),
                ("kind", "heating"),
                ("name", "城东热力"),
                ("phone", "0311-87654321"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = admin.page("/admin/units?done=created").await;
    assert!(
        list.html.contains("单位已新增")
            && list.html.contains("城东热力")
            && list.html.contains("供热公司")
    );
    let unit = app
        .scalar("SELECT id FROM units WHERE name = '城东热力'")
        .await;
    let path = format!("/admin/units/{unit}");
    let r = admin
        .submit(
            &path,
            &path,
            &[("name", "城东热力公司"), ("kind", "heating"), ("phone", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM units WHERE name = '城东热力公司' AND phone IS NULL")
            .await,
        1
    );
    // A unit accounts and demands refer to cannot go; a new one can.
    let property = app.unit_id("property").await;
    let p = format!("/admin/units/{property}");
    let r = admin.submit(&p, &format!("{p}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.html.contains("仍有其他记录引用它"));
    let r = admin.submit(&path, &format!("{path}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM units WHERE id = $1", unit)
            .await,
        0
    );

    // A team, its leader and members.
    let r = admin
        .submit(
            "/admin/teams",
            "/admin/teams",
            &[
                ("community_id", &community),
                ("kind", "volunteer"),
                ("name", " "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("缺少必填项：名称"));
    let r = admin
        .submit(
            "/admin/teams",
            "/admin/teams",
            &[
                ("community_id", &community),
                ("kind", "volunteer"),
                ("name", "银发修理队"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let at = r.location.unwrap();
    let team = app
        .scalar("SELECT id FROM teams WHERE name = '银发修理队'")
        .await;
    assert!(admin.page(&at).await.html.contains("队伍已新建"));
    let path = format!("/admin/teams/{team}");
    let volunteer = app.user_id("volunteer").await.to_string();
    let staff = app.user_id("staff").await.to_string();
    let r = admin
        .submit(
            &path,
            &format!("{path}/members"),
            &[("user_ids", &volunteer), ("user_ids", &staff)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM team_members WHERE team_id = $1", team)
            .await,
        2
    );
    let p = admin.page(&path).await;
    assert!(p.html.contains(&format!("value=\"{volunteer}\" checked")));
    // One removed.
    let r = admin
        .submit(
            &path,
            &format!("{path}/members"),
            &[("user_ids", &volunteer)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM team_members WHERE team_id = $1", team)
            .await,
        1
    );
    // Someone of no community of the team's: refused, nothing changes.
    let r = admin
        .submit(&path, &format!("{path}/members"), &[("user_ids", "999999")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM team_members WHERE team_id = $1", team)
            .await,
        1
    );
    let r = admin
        .submit(
            &path,
            &path,
            &[
                ("name", "银发修理队"),
                ("kind", "linkage"),
                ("leader_user_id", &volunteer),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM teams WHERE id = $1 AND kind = 'linkage' AND leader_user_id IS NOT NULL", team).await,
        1
    );
    // Not for a grid worker or a volunteer.
    for login in ["grid01", "volunteer"] {
        let mut c = PageClient::login(&app, login).await;
        assert_eq!(c.get("/admin/units").await.status, StatusCode::FORBIDDEN);
        assert_eq!(c.get(&path).await.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_grid_worker_made_staff_leaves_their_grid_and_it_is_written_down() {
    let app = TestApp::new().await;
    let community = yucheng(&app).await.to_string();
    let id = app.user_id("grid01").await;
    let grids = "SELECT COUNT(*) FROM grids WHERE worker_user_id = $1";
    assert_eq!(app.scalar_with(grids, id).await, 1);
    let mut admin = PageClient::login(&app, "admin").await;
    let page = format!("/admin/accounts/{id}");
    let r = admin
        .submit(
            &page,
            &page,
            &[("role", "staff"), ("community_id", &community)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar_with(grids, id).await, 0);
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'change_account' AND object_id = $1 \
             AND detail LIKE '%left_grids=1%'",
            id
        )
        .await,
        1
    );
    let grid01 = app.login("grid01").await;
    assert_eq!(grid01.fetch("/api/v1/me").await["grid_ids"], json!([]));
}

#[tokio::test]
async fn every_admin_page_speaks_the_chosen_language_with_no_missing_text() {
    let app = TestApp::new().await;
    let staff = app.user_id("staff").await;
    let grid = app.scalar("SELECT MIN(id) FROM grids").await;
    let unit = app.unit_id("property").await;
    let team = app.scalar("SELECT MIN(id) FROM teams").await;
    let pages = [
        ("/admin/accounts".to_string(), "账号管理", "Accounts"),
        ("/admin/accounts/new".into(), "新建账号", "New account"),
        (
            format!("/admin/accounts/{staff}"),
            "重设密码",
            "Reset the password",
        ),
        ("/admin/grids".into(), "网格管理", "Grids"),
        (format!("/admin/grids/{grid}"), "保存楼栋", "Save buildings"),
        ("/admin/units".into(), "新增单位", "New unit"),
        (
            format!("/admin/units/{unit}"),
            "物业公司",
            "Property company",
        ),
        ("/admin/teams".into(), "新建队伍", "New team"),
        (format!("/admin/teams/{team}"), "保存成员", "Save members"),
        (
            "/admin/categories".into(),
            "受理时限（小时）",
            "Accept within (hours)",
        ),
    ];
    let mut admin = PageClient::login(&app, "admin").await;
    for (path, zh, _) in &pages {
        let p = admin.page(path).await;
        assert!(p.html.contains(zh), "{path} in Chinese");
        assert!(
            !p.html.contains("web.admin."),
            "{path}: a key without its text"
        );
    }
    admin.set_cookie("lang", "en");
    for (path, zh, en) in &pages {
        let p = admin.page(path).await;
        assert!(p.html.contains(en), "{path} in English");
        assert!(
            !p.html.contains(zh),
            "{path}: Chinese label left in English"
        );
        assert!(
            !p.html.contains("web.admin."),
            "{path}: a key without its text"
        );
    }
}
