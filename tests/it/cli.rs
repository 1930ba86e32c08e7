//! The `linli` binary itself: migrate, admin, config print, and serve's refusal of demo
//! passwords, its start and its graceful stop on SIGTERM.

use std::process::{Command, Stdio};

use linli::config::Settings;

use crate::common::{TestApp, http, spawn_serve, stop_serve};

fn linli() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_linli"));
    c.env_remove("LINLI_CONFIG")
        .env("LINLI_LOG", "warn")
        .env("LINLI_KEY_FILE", crate::common::key_file());
    c
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = linli().args(args).output().expect("run linli");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn serve_refuses_demo_passwords_until_they_are_changed_or_allowed() {
    let app = TestApp::new().await;
    let url = app.state.settings.database.expose().to_string();
    app.state.db.close().await;

    let (ok, _, err) = run(&["serve", "--database", &url, "--listen", "127.0.0.1:0"]);
    assert!(!ok);
    assert!(err.contains("demo password"), "{err}");

    // Allowed explicitly: it serves, answers, and stops cleanly on SIGTERM.
    let (child, base) = spawn_serve(&url, &[("LINLI_JOBS", "false")]);
    let (status, body) =
        tokio::task::spawn_blocking(move || http(&base, "GET", "/healthz", None, None))
            .await
            .unwrap();
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    stop_serve(child);
}

/// From the moment it says it serves, SIGTERM stops it cleanly (a supervisor may stop it
/// at once): the handler is in place before the line is printed.
#[tokio::test]
async fn serve_stops_cleanly_on_sigterm_right_after_it_says_it_serves() {
    let app = TestApp::new().await;
    let url = app.state.settings.database.expose().to_string();
    app.state.db.close().await;
    for _ in 0..3 {
        let (child, _) = spawn_serve(&url, &[("LINLI_JOBS", "false")]);
        stop_serve(child);
    }
}

#[tokio::test]
async fn admin_commands_manage_accounts_and_tokens() {
    let app = TestApp::new().await;
    let url = app.state.settings.database.expose().to_string();

    let (ok, out, err) = run(&[
        "admin",
        "create-user",
        "--database",
        &url,
        "--username",
        "wanglx",
        "--role",
        "secretary",
        "--community-id",
        "1",
        "--display-name",
        "王丽霞",
    ]);
    assert!(ok, "{err}");
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap()
        .to_string();
    assert!(password.len() >= 12);
    let r = app
        .anonymous()
        .post(
            "/api/v1/login",
            serde_json::json!({"username": "wanglx", "password": password}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["user"]["role"], "secretary");

    let (ok, _, err) = run(&[
        "admin",
        "create-user",
        "--database",
        &url,
        "--username",
        "x",
        "--role",
        "mayor",
    ]);
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, _, err) = run(&[
        "admin",
        "create-user",
        "--database",
        &url,
        "--username",
        "wanglx",
        "--role",
        "staff",
    ]);
    assert!(!ok && err.contains("taken"), "{err}");

    // Resetting the demo password of staff clears the demo flag.
    let demo_before = app
        .scalar("SELECT COUNT(*) FROM users WHERE password_is_demo = TRUE")
        .await;
    let mut child = linli()
        .args([
            "admin",
            "reset-password",
            "--database",
            &url,
            "--username",
            "staff",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a much better passphrase\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE password_is_demo = TRUE")
            .await,
        demo_before - 1
    );
    let r = app
        .anonymous()
        .post(
            "/api/v1/login",
            serde_json::json!({"username": "staff", "password": "a much better passphrase"}),
        )
        .await;
    assert_eq!(r.status, 200);

    let (ok, out, _) = run(&[
        "admin",
        "issue-token",
        "--database",
        &url,
        "--username",
        "grid01",
        "--label",
        "12345 bridge",
    ]);
    assert!(ok);
    let token = out.trim().to_string();
    assert!(token.starts_with("ll_"));
    let r = app
        .send(axum::http::Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(r.body["username"], "grid01");
}

#[test]
fn migrate_and_config_print() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.db").display());
    let (ok, out, err) = run(&["migrate", "--database", &url]);
    assert!(ok, "{err}");
    assert!(out.contains("applied migrations"), "{out}");
    let (ok, out, _) = run(&["migrate", "--database", &url]);
    assert!(ok);
    assert!(out.contains("up to date"));

    let out = linli()
        .args(["config", "print"])
        .env("LINLI_RATING_WINDOW_DAYS", "9")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let printed: Settings = toml::from_str(&text).unwrap();
    assert_eq!(printed.rating_window_days, 9);
    let bad = linli()
        .args(["config", "print"])
        .env("LINLI_JOBZ", "1")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let (ok, _, err) = run(&["serve", "--database", "mysql://nope"]);
    assert!(!ok && err.contains("unsupported database URL"), "{err}");
}

#[test]
fn config_print_and_debug_hide_the_database_password() {
    let out = linli()
        .args(["config", "print"])
        .env("LINLI_DATABASE", "postgres://u:secret@h/db")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("secret"), "{text}");
    assert!(text.contains("postgres://u:***@h/db"), "{text}");

    let settings = Settings::load(
        None,
        [(
            "LINLI_DATABASE".to_string(),
            "postgres://u:secret@h/db".to_string(),
        )],
    )
    .unwrap();
    let debug = format!("{settings:?}");
    assert!(!debug.contains("secret"), "{debug}");
    // The server still connects with the password.
    assert_eq!(settings.database.expose(), "postgres://u:secret@h/db");
}
