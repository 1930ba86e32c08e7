//! The audit log as hash chains (issue 14 item 3): a row edited or deleted, the end of a
//! chain cut off, a head rewritten — `linli admin audit verify` finds each and fails;
//! pruning past the retention period keeps what remains verifiable; every row says from
//! which client address it came.

use std::process::Command;

use linli::audit::verify::{self, Problem};
use linli::db::Q;
use serde_json::json;

use crate::common::{TestApp, http, key_file, spawn_serve, stop_serve};

/// Audited work in the demo community: sign-ins (chain 0) and a resident created and
/// changed (the community's chain).
async fn audited_work(app: &TestApp) -> i64 {
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let id = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "审计测试", "phone": "13900001111"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    for note in ["腿脚不便", "需要助听器", "已安装扶手"] {
        let r = staff
            .patch(
                &format!("/api/v1/residents/{id}"),
                json!({"health_note": note}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    app.login("admin").await;
    id
}

async fn exec(app: &TestApp, sql: &'static str) -> u64 {
    let mut tx = app.state.db.begin().await.unwrap();
    let n = Q::new(sql).execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    n
}

/// `linli admin audit verify` on the test's database: whether it passed, and what it said.
fn verify_command(app: &TestApp) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args([
            "admin",
            "audit",
            "verify",
            "--database",
            app.state.settings.database.expose(),
        ])
        .env_remove("LINLI_CONFIG")
        .env("LINLI_LOG", "warn")
        .env("LINLI_KEY_FILE", key_file())
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn editing_or_deleting_an_audit_row_is_found_by_verify() {
    let app = TestApp::new().await;
    audited_work(&app).await;
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(r.holds(), "{:?}", r.problems);
    assert!(r.chains >= 2 && r.rows >= 6, "{r:?}");
    let (ok, said) = verify_command(&app);
    assert!(ok && said.contains("audit log verified"), "{said}");

    // Someone with the database but not the key file edits what a row says.
    let community = app
        .scalar("SELECT MAX(chain) FROM audit_log WHERE action = 'update'")
        .await;
    let edited = exec(
        &app,
        "UPDATE audit_log SET detail = 'nothing happened' WHERE id = \
         (SELECT MIN(id) FROM audit_log WHERE action = 'update')",
    )
    .await;
    assert_eq!(edited, 1);
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(
        matches!(r.problems.as_slice(), [Problem::Edited { chain, .. }] if *chain == community),
        "{:?}",
        r.problems
    );
    let (ok, said) = verify_command(&app);
    assert!(!ok, "{said}");
    assert!(said.contains("was changed after it was written"), "{said}");

    // Deletes a row in the middle of the chain.
    exec(
        &app,
        "DELETE FROM audit_log WHERE id = \
         (SELECT MIN(id) FROM audit_log WHERE action = 'update')",
    )
    .await;
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| matches!(p, Problem::Missing { chain, .. } if *chain == community)),
        "{:?}",
        r.problems
    );

    // Cuts the end off the sign-ins' chain: its head still knows how far it went.
    exec(
        &app,
        "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log WHERE chain = 0)",
    )
    .await;
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| matches!(p, Problem::Truncated { chain: 0, .. })),
        "{:?}",
        r.problems
    );
    // …and moving the head back to match is a forgery: its seal needs the key file.
    exec(
        &app,
        "UPDATE audit_heads SET seq = seq - 1, hash = (SELECT hash FROM audit_log \
         WHERE chain = 0 ORDER BY seq DESC LIMIT 1) WHERE chain = 0",
    )
    .await;
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| matches!(p, Problem::HeadForged { chain: 0 })),
        "{:?}",
        r.problems
    );
    // A row slipped in around the log belongs to no chain.
    exec(
        &app,
        "INSERT INTO audit_log (at, action, object_kind, object_id, detail) \
         SELECT at, 'view_pii', 'resident', 1, '' FROM audit_log LIMIT 1",
    )
    .await;
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| matches!(p, Problem::Unchained { rows: 1 })),
        "{:?}",
        r.problems
    );
}

#[tokio::test]
async fn pruning_past_the_retention_period_keeps_the_chain_verifiable() {
    let app = TestApp::new().await;
    audited_work(&app).await;
    let before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    // 181 days on, more work; then the retention job runs.
    app.advance_hours(181 * 24);
    let later = audited_work(&app).await;
    let kept_new = app
        .scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE at >= $1",
            app.now() - 3_600_000,
        )
        .await;
    let report = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(report.pruned_audit as i64, before, "{report:?}");
    let left = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(left, kept_new, "only what is younger than 180 days is left");
    // The later resident's history is still there.
    let n = app
        .scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE object_kind = 'resident' AND object_id = $1",
            later,
        )
        .await;
    assert!(n >= 4, "{n}");
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(r.holds(), "{:?}", r.problems);
    assert_eq!(r.pruned as i64, before);
    // Nothing more to prune on the next run.
    let again = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(again.pruned_audit, 0);

    // A checkpoint moved by someone without the key file (to hide a deletion) is found.
    exec(&app, "UPDATE audit_checkpoints SET seq = seq + 1").await;
    let r = verify::run(&app.state.db).await.unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| matches!(p, Problem::CheckpointForged { .. })),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_retention_shorter_than_six_months_is_refused() {
    let e = linli::config::Settings::load(
        None,
        [("LINLI_AUDIT_RETENTION_DAYS".to_string(), "90".to_string())],
    )
    .unwrap_err();
    assert!(e.contains("at least 180 days"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_audit_row_says_from_which_address() {
    let app = TestApp::new().await;
    let url = app.state.settings.database.expose().to_string();
    let (child, base) = spawn_serve(&url, &[]);
    let (status, _) = tokio::task::spawn_blocking(move || {
        http(
            &base,
            "POST",
            "/api/v1/login",
            None,
            Some(&json!({"username": "admin", "password": "wrong password"})),
        )
    })
    .await
    .unwrap();
    assert_eq!(status, 401);
    stop_serve(child);
    let mut c = app.state.db.conn().await.unwrap();
    let (client,): (Option<String>,) = Q::new(
        "SELECT client FROM audit_log WHERE action = 'sign_in_failed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(client.as_deref(), Some("127.0.0.1"));
    // Rows written by a router driven without a connection know no address.
    app.login("staff").await;
    let (client,): (Option<String>,) =
        Q::new("SELECT client FROM audit_log WHERE action = 'sign_in' ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(client, None);
}
