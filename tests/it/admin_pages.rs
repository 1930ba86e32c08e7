//! The admin's pages without a browser: accounts (list, new, role and attachment,
//! password, lock, tokens) and grids (new, rename, worker, buildings), each created,
//! edited, refused with the field named and what was typed kept, and closed to everyone
//! the service would refuse; and `/api/v1/accounts`, the same door as JSON.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::pages::PageClient;
use crate::common::{TestApp, record};

/// Signs in through the login form with a password; the answer to the form.
async fn sign_in<'a>(
    app: &'a TestApp,
    username: &str,
    password: &str,
) -> (PageClient<'a>, StatusCode) {
    let mut c = PageClient::new(app);
    let csrf = c.get("/login").await.csrf();
    let r = c
        .post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", ""),
            ],
        )
        .await;
    (c, r.status)
}

/// The text between `<strong id="generated"><code>` and `</code>`.
fn generated(html: &str) -> String {
    let at = html
        .find("id=\"generated\"><code>")
        .expect("a generated password")
        + 21;
    html[at..at + html[at..].find("</code>").unwrap()].to_string()
}

async fn yucheng(app: &TestApp) -> i64 {
    app.scalar("SELECT MIN(id) FROM communities").await
}

#[tokio::test]
async fn the_admin_creates_an_account_whose_password_is_shown_once_and_finds_it_in_the_list() {
    let app = TestApp::new().await;
    let community = yucheng(&app).await.to_string();
    let mut admin = PageClient::login(&app, "admin").await;
    let before = app.scalar("SELECT COUNT(*) FROM users").await;
    let r = admin
        .submit(
            "/admin/accounts/new",
            "/admin/accounts/new",
            &[
                ("username", "lijz"),
                ("display_name", "李家正"),
                ("role", "grid_worker"),
                ("community_id", &community),
                ("password", ""),
                ("password2", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(r.html.contains("账号已创建"));
    assert!(
        r.html.contains("网格员") && r.html.contains("裕城"),
        "role and community shown"
    );
    let pw = generated(&r.html);
    assert!(pw.len() >= 12);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, before + 1);
    // Shown once: the account's page opened again does not show it.
    let id = app.user_id("lijz").await;
    let again = admin.page(&format!("/admin/accounts/{id}")).await;
    assert!(!again.html.contains(&pw));
    // Its owner signs in with it.
    let (_, status) = sign_in(&app, "lijz", &pw).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The list: everyone with the total, by role, by a part of the name.
    let all = admin.page("/admin/accounts").await;
    assert!(
        all.html.contains(&format!("共 {} 个账号", before + 1)),
        "{}",
        all.html
    );
    let workers = app
        .scalar("SELECT COUNT(*) FROM users WHERE role = 'grid_worker'")
        .await;
    let by_role = admin.page("/admin/accounts?role=grid_worker").await;
    assert!(by_role.html.contains(&format!("共 {workers} 个账号")));
    assert!(by_role.html.contains("lijz") && !by_role.html.contains(">staff<"));
    let by_name = admin.page("/admin/accounts?q=%E5%AE%B6%E6%AD%A3").await;
    assert!(by_name.html.contains("共 1 个账号") && by_name.html.contains("lijz"));
    // A typed password, twice, is set as typed (nothing shown).
    let r = admin
        .submit(
            "/admin/accounts/new",
            "/admin/accounts/new",
            &[
                ("username", "chen.staff"),
                ("role", "staff"),
                ("community_id", &community),
                ("password", "counter-window-7"),
                ("password2", "counter-window-7"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, status) = sign_in(&app, "chen.staff", "counter-window-7").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The creation is in the audit log.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'create_account'")
            .await,
        2
    );
}

#[tokio::test]
async fn a_refused_account_form_keeps_what_was_typed_and_names_the_field() {
    let app = TestApp::new().await;
    let community = yucheng(&app).await.to_string();
    let mut admin = PageClient::login(&app, "admin").await;
    let before = app.scalar("SELECT COUNT(*) FROM users").await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("username", "wang.lx"),
                ("display_name", "王丽霞"),
                ("role", "secretary"),
            ],
            "缺少必填项：社区",
        ),
        (
            &[
                ("username", "wang lx"),
                ("display_name", "王丽霞"),
                ("role", "secretary"),
                ("community_id", &community),
            ],
            "用户名 只能包含",
        ),
        (
            &[
                ("username", "staff"),
                ("display_name", "王丽霞"),
                ("role", "secretary"),
                ("community_id", &community),
            ],
            "该用户名已被使用",
        ),
        (
            &[
                ("username", "wang.lx"),
                ("display_name", "王丽霞"),
                ("role", "secretary"),
                ("community_id", &community),
                ("password", "long enough 1"),
                ("password2", "long enough 2"),
            ],
            "两次输入的密码不一致",
        ),
        (
            &[
                ("username", "wang.lx"),
                ("display_name", "王丽霞"),
                ("role", "secretary"),
                ("community_id", &community),
                ("password", "short"),
                ("password2", "short"),
            ],
            "密码至少 8 位",
        ),
    ];
    for (fields, why) in cases {
        let r = admin
            .submit("/admin/accounts/new", "/admin/accounts/new", fields)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert!(r.html.contains(why), "{why}: {}", r.html);
        assert!(
            r.html.contains("value=\"王丽霞\""),
            "the name typed is kept"
        );
        assert!(
            r.html.contains("<option value=\"secretary\" selected"),
            "the role chosen is kept"
        );
        assert!(
            !r.html.contains("long enough"),
            "passwords are not sent back"
        );
    }
    let r = admin
        .submit(
            "/admin/accounts/new",
            "/admin/accounts/new",
            &[("username", "x.y"), ("role", "mayor")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("角色 的取值不正确"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users").await,
        before,
        "nothing created"
    );
    // In English, the field is named in English.
    admin.set_cookie("lang", "en");
    let r = admin
        .submit(
            "/admin/accounts/new",
            "/admin/accounts/new",
            &[("username", "wang.lx"), ("role", "staff")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("Community"), "{}", r.html);
    assert!(!r.html.contains("缺少"));
}

#[tokio::test]
async fn the_admin_changes_an_accounts_role_resets_its_password_locks_it_and_ends_its_sessions() {
    let app = TestApp::new().await;
    let community = yucheng(&app).await.to_string();
    let id = app.user_id("staff").await;
    let page = format!("/admin/accounts/{id}");
    let mut admin = PageClient::login(&app, "admin").await;
    let mut staff = PageClient::login(&app, "staff").await;
    assert_eq!(staff.get("/work").await.status, StatusCode::OK);

    // Role and attachment.
    let r = admin
        .submit(
            &page,
            &page,
            &[
                ("display_name", "陈社工"),
                ("role", "secretary"),
                ("community_id", &community),
            ],
        )
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some(format!("{page}?done=changed").as_str())
    );
    let p = admin.page(&format!("{page}?done=changed")).await;
    assert!(
        p.html.contains("已保存角色和所属") && p.html.contains("书记") && p.html.contains("陈社工")
    );
    // Refused: a unit account without its unit; what was typed stays.
    let r = admin
        .submit(
            &page,
            &page,
            &[("display_name", "换个名字"), ("role", "unit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("缺少必填项：单位") && r.html.contains("value=\"换个名字\""));
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM users WHERE id = $1 AND role = 'secretary'",
            id
        )
        .await,
        1
    );
    // The admin does not demote themselves.
    let me = app.user_id("admin").await;
    let mine = format!("/admin/accounts/{me}");
    let r = admin
        .submit(
            &mine,
            &mine,
            &[("role", "staff"), ("community_id", &community)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("不能锁定自己的账号"));

    // Its sessions are listed, then all revoked: the staff member's page session ends.
    let p = admin.page(&page).await;
    assert!(p.html.contains("网页登录"), "the page session is listed");
    let r = admin
        .submit(&page, &format!("{page}/tokens/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = admin.page(r.location.as_deref().unwrap()).await;
    assert!(p.html.contains("已注销") && p.html.contains("没有有效的登录会话或令牌"));
    assert_eq!(
        staff.get("/work").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );

    // A password typed twice; refused when they differ.
    let pw = format!("{page}/password");
    let r = admin
        .submit(
            &page,
            &pw,
            &[
                ("password", "new secret 123"),
                ("password2", "new secret 124"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("两次输入的密码不一致"));
    let r = admin
        .submit(
            &page,
            &pw,
            &[
                ("password", "new secret 123"),
                ("password2", "new secret 123"),
                ("set", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sign_in(&app, "staff", "linli-demo").await.1,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&app, "staff", "new secret 123").await.1,
        StatusCode::SEE_OTHER
    );
    // Or generated, shown once.
    let r = admin.submit(&page, &pw, &[("generate", "1")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let generated = generated(&r.html);
    assert_eq!(
        sign_in(&app, "staff", &generated).await.1,
        StatusCode::SEE_OTHER
    );

    // Locked: no sign-in, and the session it had stops; unlocked: in again.
    let (mut session, _) = sign_in(&app, "staff", &generated).await;
    let r = admin
        .submit(&page, &format!("{page}/lock"), &[("locked", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(admin.page(&page).await.html.contains("已锁定"));
    assert_eq!(
        sign_in(&app, "staff", &generated).await.1,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(session.get("/work").await.status, StatusCode::SEE_OTHER);
    let r = admin
        .submit(&page, &format!("{page}/lock"), &[("locked", "0")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(admin.page(&page).await.html.contains("正常"));
    assert_eq!(
        sign_in(&app, "staff", &generated).await.1,
        StatusCode::SEE_OTHER
    );
    // Never one's own account.
    let r = admin
        .submit(&mine, &format!("{mine}/lock"), &[("locked", "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Every step is in the audit log, attributed to the admin.
    for action in [
        "change_account",
        "revoke_all_tokens",
        "reset_password",
        "lock_account",
        "unlock_account",
    ] {
        assert!(
            app.scalar_with(
                "SELECT COUNT(*) FROM audit_log WHERE object_kind = 'user' AND action = $1",
                action
            )
            .await
                >= 1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn only_the_admin_opens_the_account_pages_and_sees_the_admin_entry() {
    let app = TestApp::new().await;
    let staff_id = app.user_id("staff").await;
    for login in ["staff", "secretary", "street", "grid01"] {
        let mut c = PageClient::login(&app, login).await;
        let csrf = c.page("/work").await.csrf();
        assert!(
            !c.page("/work").await.html.contains("/admin/accounts"),
            "{login} sees no admin entry"
        );
        for path in [
            "/admin/accounts".to_string(),
            "/admin/accounts/new".into(),
            format!("/admin/accounts/{staff_id}"),
        ] {
            assert_eq!(
                c.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{login} {path}"
            );
        }
        let r = c
            .post(
                &format!("/admin/accounts/{staff_id}/lock"),
                &[("locked", "1"), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let mut resident = PageClient::login(&app, "resident").await;
    assert_eq!(
        resident.get("/admin/accounts").await.location.as_deref(),
        Some("/me")
    );
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM users WHERE id = $1 AND active = TRUE",
            staff_id
        )
        .await,
        1
    );
    let mut admin = PageClient::login(&app, "admin").await;
    let work = admin.page("/work").await;
    assert!(work.html.contains("href=\"/admin/accounts\"") && work.html.contains(">管理<"));
}

#[tokio::test]
async fn the_accounts_api_creates_changes_resets_locks_and_revokes_for_the_admin_only() {
    let app = TestApp::new().await;
    let community = yucheng(&app).await;
    let admin = app.login("admin").await;
    let r = admin
        .post(
            "/api/v1/accounts",
            json!({"username": "api.worker", "role": "grid_worker", "community_id": community}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["account"]["id"].as_i64().unwrap();
    let pw = r.body["generated_password"].as_str().unwrap().to_string();
    assert_eq!(r.body["account"]["community_id"], community);
    assert!(
        r.body["account"]["street_id"].is_i64(),
        "the street follows the community"
    );
    let login = app
        .anonymous()
        .post(
            "/api/v1/login",
            json!({"username": "api.worker", "password": pw}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);

    let list = admin.get("/api/v1/accounts?role=grid_worker&limit=2").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    let total = list.body["total"].as_i64().unwrap();
    assert_eq!(
        total,
        app.scalar("SELECT COUNT(*) FROM users WHERE role = 'grid_worker'")
            .await
    );
    let cursor = list.body["next_cursor"].as_i64().unwrap();
    let next = admin
        .get(&format!(
            "/api/v1/accounts?role=grid_worker&limit=2&cursor={cursor}"
        ))
        .await;
    assert!(next.body["items"][0]["id"].as_i64().unwrap() > cursor);

    let r = admin
        .put(&format!("/api/v1/accounts/{id}"), json!({"role": "street"}))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "missing_field")
    );
    assert_eq!(r.body["error"]["field"], "street_id");
    let r = admin
        .put(
            &format!("/api/v1/accounts/{id}"),
            json!({"role": "volunteer", "community_id": community, "display_name": "志愿者甲"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        (r.body["role"].as_str(), r.body["display_name"].as_str()),
        (Some("volunteer"), Some("志愿者甲"))
    );

    let r = admin
        .post(
            &format!("/api/v1/accounts/{id}/password"),
            json!({"password": "linli-demo"}),
        )
        .await;
    assert_eq!(r.code(), "password_is_demo");
    let r = admin
        .post(
            &format!("/api/v1/accounts/{id}/password"),
            json!({"password": "a fine passphrase"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["generated_password"].is_null());

    let r = admin
        .post(&format!("/api/v1/accounts/{id}/lock"), json!({}))
        .await;
    assert_eq!(
        (r.status, r.body["active"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let r = app
        .anonymous()
        .post(
            "/api/v1/login",
            json!({"username": "api.worker", "password": "a fine passphrase"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = admin.delete(&format!("/api/v1/accounts/{id}/lock")).await;
    assert_eq!(
        (r.status, r.body["active"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    let r = admin.delete(&format!("/api/v1/accounts/{id}/tokens")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body["revoked"].as_u64().unwrap() >= 1,
        "the login's session"
    );

    let staff = app.login("staff").await;
    for r in [
        staff.get("/api/v1/accounts").await,
        staff
            .post(
                "/api/v1/accounts",
                json!({"username": "sneaky", "role": "admin"}),
            )
            .await,
        staff.delete(&format!("/api/v1/accounts/{id}/tokens")).await,
    ] {
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"));
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE username = 'sneaky'")
            .await,
        0
    );
    assert_eq!(
        admin.get("/api/v1/accounts/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

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
