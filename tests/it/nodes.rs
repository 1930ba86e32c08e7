//! Several `linli serve` processes on one database: the same data, sessions valid on every
//! node, and background jobs that do each due item exactly once however many nodes run.

use serde_json::json;

use crate::common::{TestApp, http, record, spawn_serve, stop_serve};

#[tokio::test]
async fn two_nodes_share_data_sessions_and_run_each_reminder_once() {
    let app = TestApp::new().await;
    let url = app.state.settings.database.expose().to_string();
    // Six demands received two days ago that nobody accepted: overdue for both nodes.
    app.advance_hours(-49);
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(record(&staff, hh, "water", &format!("两天前的漏水 {i}")).await);
    }
    app.advance_hours(49);

    let fast_jobs = [("LINLI_JOB_INTERVAL_SECS", "1")];
    let (a, base_a) = spawn_serve(&url, &fast_jobs);
    let (b, base_b) = spawn_serve(&url, &fast_jobs);
    let (a_url, b_url) = (base_a.clone(), base_b.clone());
    let shared = tokio::task::spawn_blocking(move || {
        let (s, login) = http(
            &a_url,
            "POST",
            "/api/v1/login",
            None,
            Some(&json!({"username": "grid01", "password": "linli-demo"})),
        );
        assert_eq!(s, 200, "{login}");
        let token = login["token"].as_str().unwrap().to_string();
        // The session made on node A works on node B.
        let (s, me) = http(&b_url, "GET", "/api/v1/me", Some(&token), None);
        assert_eq!((s, me["username"].as_str()), (200, Some("grid01")));
        // What node B records, node A shows.
        let (s, d) = http(
            &b_url,
            "POST",
            "/api/v1/demands",
            Some(&token),
            Some(
                &json!({"description": "节点B记录的诉求", "category": "other", "channel": "patrol"}),
            ),
        );
        assert_eq!(s, 201, "{d}");
        let id = d["id"].as_i64().unwrap();
        let (s, seen) = http(
            &a_url,
            "GET",
            &format!("/api/v1/demands/{id}"),
            Some(&token),
            None,
        );
        assert_eq!(
            (s, seen["demand"]["description"].as_str()),
            (200, Some("节点B记录的诉求"))
        );
        // Logging out on A ends the session on B too.
        assert_eq!(
            http(&a_url, "POST", "/api/v1/logout", Some(&token), None).0,
            204
        );
        assert_eq!(http(&b_url, "GET", "/api/v1/me", Some(&token), None).0, 401);
    });
    shared.await.unwrap();

    // Let both nodes run their jobs a few times.
    let mut reminded = 0;
    for _ in 0..60 {
        reminded = app
            .scalar("SELECT COUNT(*) FROM demand_events WHERE action = 'remind'")
            .await;
        if reminded >= 6 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    stop_serve(a);
    stop_serve(b);
    let reminded_after = app
        .scalar("SELECT COUNT(*) FROM demand_events WHERE action = 'remind'")
        .await;
    assert_eq!(
        (reminded, reminded_after),
        (6, 6),
        "each overdue demand reminded once"
    );
    for id in ids {
        let n = app
            .scalar_with(
                "SELECT COUNT(*) FROM demand_events WHERE action = 'remind' AND demand_id = $1",
                id,
            )
            .await;
        assert_eq!(n, 1, "demand {id}");
    }
}
