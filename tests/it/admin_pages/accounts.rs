//! The account pages and the accounts API: create, refuse, change, reset, lock, revoke.

use super::*;

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
            "密码至少 12 位",
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
