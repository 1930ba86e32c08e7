//! A real server on a real port, a real browser driving it, screenshots of what it saw.

use std::time::Duration;

use linli::config::Settings;
use linli::db::{ConnectOptions, Db, Q};
use linli::state::AppState;
use thirtyfour::prelude::*;

/// `linli` serving a fresh small demo community on `http://localhost:<port>`.
pub struct Server {
    pub base: String,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts the server on the small demo community, or says why the browser tests
    /// cannot run here.
    pub async fn start() -> Option<Server> {
        Server::start_with(linli::demo::Size::Small).await
    }

    /// The same on the full demo community.
    pub async fn start_full() -> Option<Server> {
        Server::start_with(linli::demo::Size::Full).await
    }

    async fn start_with(size: linli::demo::Size) -> Option<Server> {
        if std::env::var("TEST_WEBDRIVER").is_err() {
            eprintln!(
                "TEST_WEBDRIVER is not set: the browser tests run from ./scripts/test, which \
                 installs Chromium and starts ChromeDriver"
            );
            assert!(
                std::env::var("TEST_REQUIRE_BROWSER").is_err(),
                "TEST_REQUIRE_BROWSER is set but TEST_WEBDRIVER is not"
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            database: format!("sqlite://{}", dir.path().join("linli.db").display()).into(),
            jobs: false,
            ..Settings::default()
        };
        let db = Db::connect(&ConnectOptions {
            url: settings.database.expose().to_string(),
            create: true,
            max_connections: 4,
        })
        .await
        .unwrap();
        linli::db::migrate::run(&db).await.unwrap();
        linli::vault::keys::for_tests_on(&db).await.unwrap();
        let state = AppState::new(db, settings);
        linli::demo::seed(&state, size).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let serving = state.clone();
        tokio::spawn(async move {
            linli::app::serve(listener, serving, std::future::pending())
                .await
                .unwrap();
        });
        Some(Server {
            base: format!("http://localhost:{port}"),
            state,
            _dir: dir,
        })
    }

    pub async fn unit_id(&self, kind: &str) -> i64 {
        let mut c = self.state.db.conn().await.unwrap();
        Q::new("SELECT MIN(id) FROM units WHERE kind = $1")
            .bind(kind)
            .fetch_one::<(i64,)>(&mut c)
            .await
            .unwrap()
            .0
    }

    /// A demand recorded by staff for a household of grid `n`; returns its id.
    pub async fn record_in_grid(&self, n: i64, description: &str) -> i64 {
        let mut tx = self.state.db.begin().await.unwrap();
        let staff = linli::auth::store::find_by_username(&mut tx, "staff")
            .await
            .unwrap()
            .unwrap();
        let actor = linli::auth::store::actor_of(&mut tx, staff).await.unwrap();
        let (hh,): (i64,) = Q::new(
            "SELECT MIN(h.id) FROM households h JOIN buildings b ON b.id = h.building_id \
             JOIN grids g ON g.id = b.grid_id JOIN users u ON u.id = g.worker_user_id \
             WHERE u.username = $1",
        )
        .bind(format!("grid{n:02}"))
        .fetch_one(&mut tx)
        .await
        .unwrap();
        let ctx = linli::demands::service::Ctx {
            actor: &actor,
            now: self.state.clock.now(),
            policy: self.state.policy(),
        };
        let row = linli::demands::service::intake::intake(
            &mut tx,
            &ctx,
            linli::demands::service::NewDemand {
                description: description.into(),
                household_id: Some(hh),
                category: Some("public_facility".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        row.id
    }

    /// The signed-in person `username` as the services see them.
    pub async fn actor(&self, username: &str) -> linli::auth::Actor {
        let mut c = self.state.db.conn().await.unwrap();
        let user = linli::auth::store::find_by_username(&mut c, username)
            .await
            .unwrap()
            .unwrap();
        linli::auth::store::actor_of(&mut c, user).await.unwrap()
    }

    /// A demand Aunt Pan (`resident`) raised online; returns its id.
    pub async fn raised_by_resident(&self, description: &str) -> i64 {
        let pan = self.actor("resident").await;
        linli::demands::service::intake(
            &self.state,
            &pan,
            linli::demands::service::NewDemand {
                channel: Some(linli::demands::model::Channel::Online),
                description: description.into(),
                category: Some("water".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .demand
        .id
    }

    /// Staff accept, resolve and feed back demand `id`: it waits for the resident's rating.
    pub async fn fed_back(&self, id: i64) {
        use linli::demands::model::{Command, FeedbackMethod};
        let staff = self.actor("staff").await;
        for cmd in [
            Command::Accept {
                category: None,
                grid_id: None,
                urgency: None,
                note: None,
            },
            Command::Resolve {
                result: "已修好".into(),
            },
            Command::Feedback {
                method: FeedbackMethod::Phone,
                note: "已电话告知结果".into(),
            },
        ] {
            linli::demands::service::act(&self.state, &staff, id, cmd)
                .await
                .unwrap();
        }
        assert_eq!(self.status_of(id).await, "feedback_given");
    }

    /// Aunt Pan rates demand `id`: solved, satisfied.
    pub async fn rate(&self, id: i64, comment: &str) {
        let pan = self.actor("resident").await;
        let cmd = linli::demands::model::Command::Rate {
            solved: true,
            satisfaction: linli::demands::model::Satisfaction::Satisfied,
            comment: Some(comment.into()),
            on_behalf: None,
        };
        linli::demands::service::act(&self.state, &pan, id, cmd)
            .await
            .unwrap();
    }

    /// The first row of a table, for pages that show one (`/roster/buildings/{id}`).
    pub async fn first_id(&self, table: &str) -> i64 {
        let mut c = self.state.db.conn().await.unwrap();
        Q::new(format!("SELECT MIN(id) FROM {table}"))
            .fetch_one::<(i64,)>(&mut c)
            .await
            .unwrap()
            .0
    }

    pub async fn status_of(&self, id: i64) -> String {
        let mut c = self.state.db.conn().await.unwrap();
        Q::new("SELECT status FROM demands WHERE id = $1")
            .bind(id)
            .fetch_one::<(String,)>(&mut c)
            .await
            .unwrap()
            .0
    }
}

/// Headless Chromium with a name (for its screenshots) and a window size; a width under
/// 500 px is emulated as a phone (Chrome's windows do not get that narrow).
pub struct Browser {
    pub driver: WebDriver,
    name: String,
    shots: std::sync::atomic::AtomicUsize,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn open(name: &str, width: u32, height: u32) -> Browser {
        let url = std::env::var("TEST_WEBDRIVER").expect("TEST_WEBDRIVER");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = DesiredCapabilities::chrome();
        if std::path::Path::new("/usr/bin/chromium").exists() {
            caps.set_binary("/usr/bin/chromium").unwrap();
        }
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=zh-CN",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
            .unwrap();
        // A browser in China asks for Chinese pages.
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({"intl.accept_languages": "zh-CN,zh"}),
        )
        .unwrap();
        if width < 500 {
            caps.add_experimental_option(
                "mobileEmulation",
                serde_json::json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0}}),
            )
            .unwrap();
        } else {
            caps.add_arg(&format!("--window-size={width},{height}"))
                .unwrap();
        }
        let driver = WebDriver::new(url, caps)
            .await
            .expect("a Chromium session from ChromeDriver");
        driver
            .set_implicit_wait_timeout(Duration::from_secs(5))
            .await
            .unwrap();
        Browser {
            driver,
            name: name.to_string(),
            shots: Default::default(),
            _profile: profile,
        }
    }

    pub async fn go(&self, server: &Server, path: &str) {
        self.driver
            .goto(format!("{}{path}", server.base))
            .await
            .unwrap();
    }

    pub async fn login(&self, server: &Server, username: &str) {
        self.go(server, "/login").await;
        self.type_into("username", username).await;
        self.type_into("password", "linli-demo").await;
        let old = self.driver.find(By::Tag("html")).await.unwrap();
        self.driver
            .find(By::Css("form[action='/login'] button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.wait_for_new_page(old).await;
        let path = self.path().await;
        assert!(
            !path.starts_with("/login"),
            "{username} logged in, at {path}"
        );
    }

    pub async fn logout(&self) {
        let old = self.driver.find(By::Tag("html")).await.unwrap();
        self.driver
            .find(By::Css("form[action='/logout'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.wait_for_new_page(old).await;
    }

    /// Types into the input or textarea with this id.
    pub async fn type_into(&self, id: &str, text: &str) {
        let e = self.driver.find(By::Id(id)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Picks an option of the select named `name`.
    pub async fn select(&self, name: &str, value: &str) {
        self.driver
            .find(By::Css(format!(
                "select[name='{name}'] option[value='{value}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn click_radio_first(&self, name: &str) {
        self.driver
            .find(By::Css(format!("input[name='{name}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn click_value(&self, name: &str, value: &str) {
        self.driver
            .find(By::Css(format!("input[name='{name}'][value='{value}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn click_link(&self, text: &str) {
        self.driver
            .find(By::LinkText(text))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Submits the form whose action is `action` with its own button (opening its
    /// `<details>` first if it is folded).
    pub async fn submit_form_at(&self, action: &str) {
        let selector = format!("form[action='{action}']");
        self.run_js(&format!(
            "var f = document.querySelector(\"{selector}\"); var d = f && f.closest('details'); if (d) d.open = true;"
        ))
        .await;
        let old = self.driver.find(By::Tag("html")).await.unwrap();
        self.driver
            .find(By::Css(format!("{selector} button[type=submit]")))
            .await
            .unwrap_or_else(|e| panic!("no form at {action}: {e}"))
            .click()
            .await
            .unwrap();
        self.wait_for_new_page(old).await;
    }

    /// Waits until the page `old` belonged to has been replaced, and the new one loaded.
    async fn wait_for_new_page(&self, old: WebElement) {
        for _ in 0..100 {
            if old.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for _ in 0..100 {
            let ready = self
                .driver
                .execute("return document.readyState;", Vec::new())
                .await
                .map(|r| r.json().as_str() == Some("complete"))
                .unwrap_or(false);
            if ready {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Submits the form that holds the field with this id.
    pub async fn submit_form_of(&self, field_id: &str) {
        let old = self.driver.find(By::Tag("html")).await.unwrap();
        self.run_js(&format!("document.getElementById('{field_id}').form.querySelector('button[type=submit]').click()"))
            .await;
        self.wait_for_new_page(old).await;
    }

    pub async fn run_js(&self, script: &str) {
        self.driver.execute(script, Vec::new()).await.unwrap();
    }

    pub async fn path(&self) -> String {
        let u = self.driver.current_url().await.unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        self.driver
            .find(By::Tag("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// No horizontal scrolling: the page fits the viewport's width.
    pub async fn fits_width(&self) -> bool {
        let r = self
            .driver
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
                Vec::new(),
            )
            .await
            .unwrap();
        r.json().as_bool().unwrap_or(false)
    }

    /// Saves a screenshot as `target/screenshots/<browser>-<n>-<what>.png` (and into
    /// `$SAVE_SCREENSHOTS/<what>.png` when set).
    pub async fn shot(&self, what: &str) {
        let png = self.driver.screenshot_as_png().await.unwrap();
        let n = self
            .shots
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{}-{n:02}-{what}.png", self.name)), &png).unwrap();
        if let Ok(docs) = std::env::var("SAVE_SCREENSHOTS") {
            let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(docs);
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(docs.join(format!("{what}.png")), &png).unwrap();
        }
    }

    /// The serious and critical WCAG 2.1 A and AA violations axe-core finds on the page
    /// shown, one line each (rule, impact, what to do, where).
    pub async fn axe_violations(&self) -> Vec<String> {
        self.driver
            .execute(axe_script(), Vec::new())
            .await
            .expect("axe-core injected");
        let r = self
            .driver
            .execute_async(
                r#"var done = arguments[arguments.length - 1];
                axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                    resultTypes: ['violations']
                }).then(function (r) {
                    done(r.violations
                        .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                        .map(function (v) {
                            return v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 4)
                                .map(function (n) { return n.target.join(' ') + ' [' + (n.failureSummary || '').replace(/\s+/g, ' ') + ']'; })
                                .join('; ');
                        }));
                }).catch(function (e) { done(['axe did not run: ' + e]); });"#,
                Vec::new(),
            )
            .await
            .expect("axe.run answered");
        serde_json::from_value(r.json().clone()).expect("a list of violations")
    }

    /// The rectangle (`x`, `y`, `width`, `height`) of every element `css` selects.
    pub async fn rects(&self, css: &str) -> Vec<Rect> {
        let r = self
            .driver
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0])).map(function (e) { \
                 var r = e.getBoundingClientRect(); \
                 return {x: r.left, y: r.top + window.scrollY, width: r.width, height: r.height}; });",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap();
        serde_json::from_value(r.json().clone()).unwrap()
    }

    /// The elements `css` selects whose text is cut: wider inside than their box.
    /// The texts of the page's charts that reach outside their chart (cut off when drawn).
    pub async fn chart_text_outside(&self) -> Vec<String> {
        let r = self
            .driver
            .execute(
                "var out = []; document.querySelectorAll('svg').forEach(function (svg) { \
                 var box = svg.getBoundingClientRect(); \
                 svg.querySelectorAll('text').forEach(function (t) { \
                   var r = t.getBoundingClientRect(); \
                   if (r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || \
                       r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)) { \
                     out.push(t.textContent.trim()); } }); }); return out;",
                Vec::new(),
            )
            .await
            .unwrap();
        serde_json::from_value(r.json().clone()).unwrap()
    }

    pub async fn clipped(&self, css: &str) -> Vec<String> {
        let r = self
            .driver
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0])) \
                 .filter(function (e) { return e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight + 1; }) \
                 .map(function (e) { return e.textContent.trim(); });",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap();
        serde_json::from_value(r.json().clone()).unwrap()
    }

    pub async fn quit(self) {
        self.driver.quit().await.unwrap();
    }
}

/// An element's box on the page (scrolled in: `y` counts from the top of the document).
#[derive(serde::Deserialize, Debug, Clone, Copy)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// Whether the two boxes share any area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.width
            && o.x < self.x + self.width
            && self.y < o.y + o.height
            && o.y < self.y + self.height
    }
}

/// axe-core's script, as `scripts/browser` installed it (into `$LINLI_AXE_DIR`, by default
/// `~/.cache/linli/axe`); nothing is downloaded here.
fn axe_script() -> &'static str {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCRIPT.get_or_init(|| {
        let dir = std::env::var("LINLI_AXE_DIR").unwrap_or_else(|_| {
            let cache = std::env::var("XDG_CACHE_HOME")
                .unwrap_or_else(|_| format!("{}/.cache", std::env::var("HOME").unwrap()));
            format!("{cache}/linli/axe")
        });
        let path = format!("{dir}/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("axe-core is not at {path} ({e}): run ./scripts/browser, which installs it")
        })
    })
}
