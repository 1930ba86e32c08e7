//! Personal fields sealed at rest (issue 14): known values are written through the API,
//! read back whole by those who may, found at the counter by their keyed hashes, and found
//! nowhere in the raw database — its file and WAL on SQLite, a backup, a PostgreSQL dump.
//! A server with a wrong or missing key file stops and says which file and what is wrong;
//! a database holding plain values (written before encryption) is sealed at start.

mod upgrade;

use std::process::Command;

use linli::roster::ids::check_digit;
use serde_json::json;

use crate::common::pages::PageClient;
use crate::common::{
    TestApp, http, key_file, postgres_server, serve_command, spawn_serve, start_serve, stop_serve,
};

const PHONE: &str = "13987654321";
const REPORTER_PHONE: &str = "13711112222";
const HEALTH: &str = "心脏搭桥术后需定期复查";
/// A child under 14 of her household: every personal field sealed.
const CHILD: &str = "钱小宝";
const CHILD_BORN: &str = "2019-03-17";

fn id_number() -> String {
    let first17 = "13010419430708024";
    format!("{first17}{}", check_digit(first17))
}

/// Where in `hay` any of `needles` is, as "needle at offset".
fn found_in(hay: &[u8], needles: &[&str]) -> Vec<String> {
    needles
        .iter()
        .filter_map(|n| {
            hay.windows(n.len())
                .position(|w| w == n.as_bytes())
                .map(|at| format!("{n} at {at}"))
        })
        .collect()
}

/// The resident and the demand with known values; their ids.
async fn write_known(app: &TestApp) -> (i64, i64) {
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let r = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "钱阿婆", "id_number": id_number(),
                   "phone": PHONE, "health_note": HEALTH,
                   "tags": ["elderly_alone", "disabled", "low_income"]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": CHILD, "birth_date": CHILD_BORN,
                   "gender": "female", "relation": "孙女", "guardian_id": r,
                   "consent_method": "in_person"}),
        )
        .await;
    let d = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "description": "楼下的路灯坏了好几天了",
                   "reporter_name": "过路的王先生", "reporter_phone": REPORTER_PHONE,
                   "household_id": h, "category": "water"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    (r, d)
}

#[tokio::test]
async fn known_personal_values_are_nowhere_in_the_raw_database_its_wal_a_backup_or_a_dump() {
    let app = TestApp::new().await;
    let (r, d) = write_known(&app).await;
    let id = id_number();
    // The accounts' own phones too (the demo gives some), read opened.
    let accounts: Vec<(linli::vault::sql::Opened<linli::auth::store::AccountPhone>,)> = {
        let mut c = app.state.db.conn().await.unwrap();
        linli::db::Q::new("SELECT phone FROM users WHERE phone IS NOT NULL")
            .fetch_all(&mut c)
            .await
            .unwrap()
    };
    let accounts: Vec<String> = accounts.into_iter().map(|(p,)| p.into()).collect();
    assert!(!accounts.is_empty(), "the demo's accounts have phones");
    // The sensitive tags are stored as keyed hashes: their names are nowhere either.
    let mut needles = vec![
        id.as_str(),
        PHONE,
        REPORTER_PHONE,
        HEALTH,
        "low_income",
        "disabled",
        CHILD,
        CHILD_BORN,
    ];
    needles.extend(accounts.iter().map(String::as_str));

    // Those who may read them whole do: the API opens what the database keeps sealed.
    let staff = app.login("staff").await;
    let whole = staff
        .fetch(&format!("/api/v1/residents/{r}?reveal=visit"))
        .await;
    assert_eq!(
        (whole["phone"].as_str(), whole["id_number"].as_str()),
        (Some(PHONE), Some(id.as_str())),
        "{whole}"
    );
    assert_eq!(whole["health_note"], HEALTH);
    assert_eq!(
        whole["tags"],
        json!(["disabled", "elderly_alone", "low_income"]),
        "the sensitive tags read back by name"
    );
    let listed = staff
        .fetch("/api/v1/residents?tag=low_income&limit=500")
        .await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == r),
        "found by a sensitive tag: {listed}"
    );
    let demand = staff
        .fetch(&format!("/api/v1/demands/{d}?reveal=call_back"))
        .await;
    assert_eq!(
        demand["demand"]["reporter_phone"], REPORTER_PHONE,
        "{demand}"
    );
    // The counter finds her by the last four digits and by the whole number, not by
    // another four.
    let mut c = PageClient::login(&app, "staff").await;
    for (q, finds) in [("4321", true), (PHONE, true), ("4322", false)] {
        let page = c.page(&format!("/work/residents/search?q={q}")).await;
        assert_eq!(page.html.contains("钱阿婆"), finds, "{q}: {}", page.html);
    }

    let url = app.state.settings.database.expose().to_string();
    if let Some(server) = postgres_server() {
        // A plain-text dump: what an operator's backup of the database holds.
        let db = url.rsplit('/').next().unwrap().to_string();
        let out = Command::new("pg_dump")
            .args(["--format=plain", "--no-owner", &format!("{server}/{db}")])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.len() > 10_000, "a dump of the whole database");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("钱阿婆"),
            "the dump holds the roster (names are not sealed)"
        );
        assert_eq!(found_in(&out.stdout, &needles), Vec::<String>::new());
        println!(
            "scanned a {} byte dump: none of {} values found",
            out.stdout.len(),
            needles.len()
        );
        return;
    }
    // SQLite: the file and its write-ahead log as they are on disk, while serving...
    let path = linli::db::sqlite_path(&url).to_string();
    let mut scanned = 0;
    for file in [path.clone(), format!("{path}-wal")] {
        if let Ok(bytes) = std::fs::read(&file) {
            scanned += bytes.len();
            assert_eq!(found_in(&bytes, &needles), Vec::<String>::new(), "{file}");
        }
    }
    assert!(
        scanned > 100_000,
        "the file and the WAL were read ({scanned} bytes)"
    );
    // ... and a backup.
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("linli-backup.db");
    crate::backup::backup(&url, &backup);
    let bytes = std::fs::read(&backup).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("钱阿婆"));
    assert_eq!(
        found_in(&bytes, &needles),
        Vec::<String>::new(),
        "the backup"
    );
    println!(
        "scanned {} bytes of file, WAL and backup: none of {} values found",
        scanned + bytes.len(),
        needles.len()
    );
}

/// `linli serve` on the app's database with `key_file`; its exit and what it said.
fn serve_with_key_file(app: &TestApp, key_file: &std::path::Path) -> (bool, String) {
    let url = app.state.settings.database.expose().to_string();
    let key_file = key_file.to_string_lossy();
    let out = serve_command(
        &url,
        &[("LINLI_LOG", "error"), ("LINLI_KEY_FILE", &key_file)],
    )
    .output()
    .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_wrong_or_missing_key_file_stops_the_server_and_says_which_and_why() {
    let app = TestApp::new().await;
    write_known(&app).await;
    let dir = tempfile::tempdir().unwrap();

    let missing = dir.path().join("elsewhere-keys.toml");
    let (ok, said) = serve_with_key_file(&app, &missing);
    assert!(!ok);
    assert!(
        said.contains("elsewhere-keys.toml") && said.contains("not found"),
        "{said}"
    );
    assert!(
        !missing.exists(),
        "no key file made for a database that has sealed values"
    );

    let other = dir.path().join("other-keys.toml");
    linli::vault::keyfile::KeyFile::generate(linli::vault::Algorithm::Aes256Gcm)
        .write(&other)
        .unwrap();
    let (ok, said) = serve_with_key_file(&app, &other);
    assert!(!ok);
    assert!(
        said.contains("other-keys.toml") && said.contains("another database"),
        "{said}"
    );

    let broken = dir.path().join("broken-keys.toml");
    std::fs::write(&broken, "active = 1\n").unwrap();
    let (ok, said) = serve_with_key_file(&app, &broken);
    assert!(!ok);
    assert!(
        said.contains("broken-keys.toml") && said.contains("not a valid key file"),
        "{said}"
    );
}

#[tokio::test]
async fn plain_values_left_from_before_encryption_are_sealed_when_the_server_starts() {
    let app = TestApp::new().await;
    let (r, _) = write_known(&app).await;
    // As an older Linli wrote them: plain text, no lookup hashes.
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new(
        "UPDATE residents SET phone = $1, phone_hash = NULL, phone_tail = NULL, \
         health_note = $2 WHERE id = $3",
    )
    .bind("13600001111")
    .bind("旧数据里的健康情况")
    .bind(r)
    .execute(&mut c)
    .await
    .unwrap();
    linli::db::Q::new("DELETE FROM resident_tags WHERE resident_id = $1 AND tag LIKE 'blind:%'")
        .bind(r)
        .execute(&mut c)
        .await
        .unwrap();
    for t in ["disabled", "low_income"] {
        linli::db::Q::new(
            "INSERT INTO resident_tags (resident_id, tag, community_id) \
             SELECT id, $1, community_id FROM residents WHERE id = $2",
        )
        .bind(t)
        .bind(r)
        .execute(&mut c)
        .await
        .unwrap();
    }
    drop(c);
    let url = app.state.settings.database.expose().to_string();
    let (child, base) = spawn_serve(&url, &[("LINLI_JOBS", "false")]);
    let (status, _) =
        tokio::task::spawn_blocking(move || http(&base, "GET", "/healthz", None, None))
            .await
            .unwrap();
    assert_eq!(status, 200);
    stop_serve(child);
    let mut c = app.state.db.conn().await.unwrap();
    let (phone, tail, health): (String, Option<Vec<u8>>, String) =
        linli::db::Q::new("SELECT phone, phone_tail, health_note FROM residents WHERE id = $1")
            .bind(r)
            .fetch_one(&mut c)
            .await
            .unwrap();
    drop(c);
    assert!(
        linli::vault::is_sealed(&phone) && linli::vault::is_sealed(&health),
        "{phone}"
    );
    assert_eq!(
        tail,
        linli::vault::sql::blind(linli::vault::Blind::PhoneTail, "13600001111"),
        "its lookup hashes filled"
    );
    let plain_tags = app
        .scalar("SELECT COUNT(*) FROM resident_tags WHERE tag IN ('low_income', 'disabled')")
        .await;
    assert_eq!(plain_tags, 0, "the sensitive tags stored as their hashes");
    // Recorded, so that the next start does not scan every sealed column again.
    assert_eq!(
        app.scalar("SELECT active_key FROM vault_pass WHERE id = 1")
            .await,
        1
    );
    // Read back whole, and found by its last four digits.
    let staff = app.login("staff").await;
    let whole = staff
        .fetch(&format!("/api/v1/residents/{r}?reveal=visit"))
        .await;
    assert_eq!(whole["phone"], "13600001111");
    assert_eq!(whole["health_note"], "旧数据里的健康情况");
    assert_eq!(
        whole["tags"],
        json!(["disabled", "elderly_alone", "low_income"])
    );
    let mut p = PageClient::login(&app, "staff").await;
    assert!(
        p.page("/work/residents/search?q=1111")
            .await
            .html
            .contains("钱阿婆")
    );
}

/// The raw stored values of every sealed column that holds one.
async fn stored_sealed(app: &TestApp) -> Vec<String> {
    let mut c = app.state.db.conn().await.unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT id_number FROM residents WHERE id_number IS NOT NULL",
        "SELECT phone FROM residents WHERE phone IS NOT NULL",
        "SELECT health_note FROM residents WHERE health_note IS NOT NULL",
        "SELECT reporter_phone FROM demands WHERE reporter_phone IS NOT NULL",
        "SELECT phone FROM users WHERE phone IS NOT NULL",
    ] {
        let rows: Vec<(String,)> = linli::db::Q::new(sql).fetch_all(&mut c).await.unwrap();
        out.extend(rows.into_iter().map(|(v,)| v));
    }
    out
}

#[tokio::test]
async fn a_key_rotation_seals_everything_again_while_the_server_serves() {
    let app = TestApp::new().await;
    let (r, _) = write_known(&app).await;
    assert!(
        stored_sealed(&app)
            .await
            .iter()
            .all(|v| v.starts_with("enc1:1:"))
    );
    // A key file of its own: the rotation writes to it.
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.toml");
    std::fs::copy(key_file(), &keys).unwrap();
    let keys = keys.to_string_lossy().into_owned();
    let url = app.state.settings.database.expose().to_string();
    let env = [
        ("LINLI_KEY_FILE", keys.as_str()),
        ("LINLI_JOB_INTERVAL_SECS", "1"),
    ];
    let (child, base) = spawn_serve(&url, &env);
    let call = |method: &'static str,
                path: String,
                token: Option<String>,
                body: Option<serde_json::Value>| {
        let base = base.clone();
        tokio::task::spawn_blocking(move || {
            http(&base, method, &path, token.as_deref(), body.as_ref())
        })
    };
    let (_, login) = call(
        "POST",
        "/api/v1/login".into(),
        None,
        Some(json!({"username": "staff", "password": "linli-demo"})),
    )
    .await
    .unwrap();
    let token = login["token"].as_str().unwrap().to_string();

    // To SM4 (国密), while the server serves.
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["admin", "keys", "rotate", "--sm4", "--database", &url])
        .env_remove("LINLI_CONFIG")
        .env("LINLI_LOG", "warn")
        .envs(env)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("key 2 (sm4-gcm)") && said.contains("none is left"),
        "{said}"
    );
    let stored = stored_sealed(&app).await;
    assert!(stored.len() >= 4);
    assert!(
        stored.iter().all(|v| v.starts_with("enc1:2:")),
        "{stored:?}"
    );

    // The server started with key 1 alone reads what key 2 sealed...
    let (status, whole) = call(
        "GET",
        format!("/api/v1/residents/{r}?reveal=visit"),
        Some(token.clone()),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (status, whole["phone"].as_str()),
        (200, Some(PHONE)),
        "{whole}"
    );
    // ... and after its next job tick seals what it writes with key 2.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let h = app.household_in_grid(1).await;
    let (status, made) = call(
        "POST",
        "/api/v1/residents".into(),
        Some(token),
        Some(json!({"household_id": h, "name": "孙大爷", "phone": "13500002222"})),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{made}");
    stop_serve(child);
    let mut c = app.state.db.conn().await.unwrap();
    let (phone,): (String,) = linli::db::Q::new("SELECT phone FROM residents WHERE id = $1")
        .bind(made["id"].as_i64().unwrap())
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert!(phone.starts_with("enc1:2:"), "{phone}");
}

#[tokio::test]
async fn no_personal_value_reaches_the_log_even_at_debug_level() {
    let app = TestApp::new().await;
    let url = app.state.settings.database.expose().to_string();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let mut cmd = serve_command(&url, &[("LINLI_LOG", "debug"), ("LINLI_JOBS", "false")]);
    cmd.env_remove("RUST_LOG")
        .stderr(std::fs::File::create(&log).unwrap());
    let (child, base) = start_serve(cmd);
    let h = app.household_in_grid(1).await;
    let id = id_number();
    let calls = {
        let base = base.clone();
        let id = id.clone();
        tokio::task::spawn_blocking(move || {
            let (_, login) = http(
                &base,
                "POST",
                "/api/v1/login",
                None,
                Some(&json!({"username": "staff", "password": "linli-demo"})),
            );
            let token = login["token"].as_str().unwrap().to_string();
            let (made, body) = http(
                &base,
                "POST",
                "/api/v1/residents",
                Some(&token),
                Some(&json!({"household_id": h, "name": "钱阿婆", "id_number": id,
                             "phone": PHONE, "health_note": HEALTH})),
            );
            // A phone and an ID number in a query string, as a search would send them.
            let (searched, _) = http(
                &base,
                "GET",
                &format!("/api/v1/residents?q={PHONE}&id_number={id}"),
                Some(&token),
                None,
            );
            let (refused, _) = http(
                &base,
                "POST",
                "/api/v1/residents",
                Some(&token),
                Some(&json!({"household_id": h, "name": "钱阿婆", "id_number": id, "phone": "12345"})),
            );
            (made, body, searched, refused, token)
        })
        .await
        .unwrap()
    };
    assert_eq!(calls.0, 201, "{}", calls.1);
    assert_eq!(calls.2, 200);
    assert!(calls.3 >= 400);
    stop_serve(child);
    let written = std::fs::read(&log).unwrap();
    let text = String::from_utf8_lossy(&written);
    assert!(
        text.contains("DEBUG") && text.contains("/api/v1/residents"),
        "the log is at debug level and names the requests: {text}"
    );
    let token = calls.4;
    let needles = [id.as_str(), PHONE, HEALTH, "linli-demo", token.as_str()];
    assert_eq!(found_in(&written, &needles), Vec::<String>::new(), "{text}");
}
