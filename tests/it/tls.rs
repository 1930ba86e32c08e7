//! `linli serve` over HTTPS without a proxy: the real binary with a self-signed certificate
//! for a LAN (made once, kept, trusted by a client that trusts only it), with the
//! operator's own certificate (and HSTS), stopping on a certificate or key it cannot use,
//! and warning at start when it serves plain HTTP beyond this machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use crate::common::pages::urlencode;
use crate::common::{TestApp, serve_command, serve_command_on, start_serve, stop_serve};

/// A client that trusts one certificate only, as a staff PC that installed it does.
struct Https {
    addr: SocketAddr,
    name: ServerName<'static>,
    config: Arc<rustls::ClientConfig>,
}

/// A response: status, headers, body.
struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Got {
    /// The `Set-Cookie` lines naming `name`.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

impl Https {
    fn trusting(base: &str, cert_pem: &Path, name: &str) -> Https {
        let addr = base
            .rsplit("//")
            .next()
            .unwrap()
            .replace("0.0.0.0", "127.0.0.1")
            .parse()
            .unwrap();
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_file_iter(cert_pem).unwrap() {
            roots.add(c.unwrap()).unwrap();
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Https {
            addr,
            name: ServerName::try_from(name.to_string()).unwrap(),
            config: Arc::new(config),
        }
    }

    /// One request on a connection of its own; an error when TLS does not hold.
    async fn send(&self, req: Request<String>) -> std::io::Result<Got> {
        let tcp = tokio::net::TcpStream::connect(self.addr).await?;
        let tls = tokio_rustls::TlsConnector::from(self.config.clone())
            .connect(self.name.clone(), tcp)
            .await?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(conn);
        let res = sender
            .send_request(req)
            .await
            .map_err(std::io::Error::other)?;
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Ok(Got {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    async fn get(&self, path: &str, host: &str, cookie: &str) -> Got {
        let req = Request::get(path)
            .header(header::HOST, host)
            .header(header::COOKIE, cookie)
            .body(String::new())
            .unwrap();
        self.send(req).await.expect("HTTPS request")
    }
}

/// The certificate and key files `linli serve` makes for `app`'s database when started in
/// `dir` (a PostgreSQL database's go in the working directory).
fn self_signed_files(app: &TestApp, dir: &Path) -> (PathBuf, PathBuf) {
    let settings = linli::config::Settings {
        database: app.state.settings.database.expose().into(),
        tls_self_signed: true,
        ..Default::default()
    };
    match settings.tls().unwrap() {
        Some(linli::config::Tls::SelfSigned { cert, key }) => (dir.join(cert), dir.join(key)),
        other => panic!("{other:?}"),
    }
}

/// Starts `linli serve` on `app`'s database in `dir` with `envs`, its standard error
/// written to `dir/<log>`.
fn start_in(
    app: &TestApp,
    dir: &Path,
    listen: &str,
    envs: &[(&str, &str)],
    log: &str,
) -> (std::process::Child, String) {
    let url = app.state.settings.database.expose().to_string();
    let mut cmd = serve_command_on(&url, listen, envs);
    cmd.current_dir(dir)
        .stderr(std::fs::File::create(dir.join(log)).unwrap());
    start_serve(cmd)
}

/// What one plain-HTTP request to `base` is answered.
async fn plain_http(base: &str, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.rsplit("//").next().unwrap().to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test]
async fn a_lan_server_serves_https_with_its_own_certificate_and_the_sign_in_holds() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed_files(&app, dir.path());
    let tls = [("LINLI_TLS_SELF_SIGNED", "true"), ("LINLI_JOBS", "false")];
    let (child, base) = start_in(&app, dir.path(), "127.0.0.1:0", &tls, "first.log");
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key is readable by its owner only");
    }
    let made = std::fs::read(&cert).expect("the certificate beside the database");

    // A PC that installed the certificate reaches the server by address and by name; the
    // page says nothing of plain HTTP, whatever name the browser used.
    let by_ip = Https::trusting(&base, &cert, "127.0.0.1");
    let by_name = Https::trusting(&base, &cert, "localhost");
    let host = base.trim_start_matches("https://");
    let form = by_ip.get("/login", "office-pc:8080", "").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("普通 HTTP"), "{}", form.body);
    let pre_cookie = form.set_cookie("linli_pre").unwrap();
    assert!(pre_cookie.contains("; Secure"), "{pre_cookie}");
    let pre = pre_cookie["linli_pre=".len()..].split(';').next().unwrap();
    assert_eq!(
        form.headers.get(header::STRICT_TRANSPORT_SECURITY),
        None,
        "no HSTS for a self-signed certificate unless asked"
    );

    // Signing in: the Secure session cookie comes back over HTTPS and holds.
    let body = urlencode(&[
        ("username", "staff"),
        ("password", "linli-demo"),
        ("csrf", pre),
        ("next", ""),
    ]);
    let req = Request::post("/login")
        .header(header::HOST, host)
        .header(header::ORIGIN, &base)
        .header(header::COOKIE, format!("linli_pre={pre}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .unwrap();
    let signed_in = by_name.send(req).await.unwrap();
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    let session = signed_in.set_cookie("linli_session").unwrap();
    assert!(session.contains("; Secure"), "{session}");
    assert_eq!(signed_in.set_cookie("linli_signed_in"), None);
    let session = session.split(';').next().unwrap().to_string();
    let work = by_ip.get("/work", host, &session).await;
    assert_eq!(work.status, StatusCode::OK, "{:?}", work.headers);
    assert!(work.body.contains("刘佳"), "staff's own workbench");

    // An old http:// bookmark reaches the same port: it is sent on to HTTPS.
    let answer = plain_http(
        &base,
        &format!("GET /work/demands?q=1 HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 307"), "{answer}");
    assert!(
        answer.contains(&format!("Location: https://{host}/work/demands?q=1\r\n")),
        "{answer}"
    );
    stop_serve(child);

    // The next start serves the same certificate: the PCs that trust it still do.
    let (child, base) = start_in(&app, dir.path(), "127.0.0.1:0", &tls, "second.log");
    assert_eq!(std::fs::read(&cert).unwrap(), made);
    let again = Https::trusting(&base, &cert, "127.0.0.1");
    let health = again
        .get("/healthz", base.trim_start_matches("https://"), "")
        .await;
    assert_eq!(health.status, StatusCode::OK);
    stop_serve(child);
    let first = std::fs::read_to_string(dir.path().join("first.log")).unwrap();
    let second = std::fs::read_to_string(dir.path().join("second.log")).unwrap();
    assert!(first.contains("Made a self-signed certificate"), "{first}");
    assert!(first.contains(&cert.file_name().unwrap().to_string_lossy().to_string()));
    assert!(first.contains("SHA-256 fingerprint"), "{first}");
    assert!(
        second.contains("Serving the self-signed certificate"),
        "{second}"
    );
    assert!(!second.contains("Made a"), "{second}");
}

/// A certificate for `names` and its key, written into `dir` as `<stem>.pem`, `<stem>.key`.
fn own_certificate(dir: &Path, stem: &str, names: &[&str]) -> (PathBuf, PathBuf) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let made = rcgen::generate_simple_self_signed(names).unwrap();
    let (cert, key) = (
        dir.join(format!("{stem}.pem")),
        dir.join(format!("{stem}.key")),
    );
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    (cert, key)
}

#[tokio::test]
async fn the_operators_certificate_is_served_with_hsts_and_one_it_cannot_use_stops_the_start() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = own_certificate(dir.path(), "linli.example", &["localhost"]);
    let (c, k) = (cert.to_string_lossy(), key.to_string_lossy());
    let own = [("LINLI_TLS_CERT", &*c), ("LINLI_TLS_KEY", &*k)];
    let (child, base) = start_in(&app, dir.path(), "127.0.0.1:0", &own, "own.log");
    let client = Https::trusting(&base, &cert, "localhost");
    let got = client.get("/login", "localhost", "").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(
        got.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .map(|v| v.to_str().unwrap()),
        Some("max-age=31536000")
    );
    // A client that trusts another certificate does not get in.
    let (other, _) = own_certificate(dir.path(), "other", &["localhost"]);
    let stranger = Https::trusting(&base, &other, "localhost");
    let req = Request::get("/healthz").body(String::new()).unwrap();
    assert!(stranger.send(req).await.is_err());
    stop_serve(child);

    // What cannot serve stops the start and names the file.
    let url = app.state.settings.database.expose().to_string();
    let refused = |envs: &[(&str, &str)]| {
        let out = serve_command(&url, envs)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{envs:?} started");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let missing = dir.path().join("nowhere.pem");
    let said = refused(&[
        ("LINLI_TLS_CERT", &missing.to_string_lossy()),
        ("LINLI_TLS_KEY", &k),
    ]);
    assert!(
        said.contains("cannot read the TLS certificate") && said.contains("nowhere.pem"),
        "{said}"
    );
    let other_key = dir.path().join("other.key").to_string_lossy().into_owned();
    let said = refused(&[("LINLI_TLS_CERT", &c), ("LINLI_TLS_KEY", &other_key)]);
    assert!(
        said.contains("other.key") && said.contains("does not fit the certificate"),
        "{said}"
    );
    let said = refused(&[("LINLI_TLS_CERT", &c), ("LINLI_TLS_KEY", &c)]);
    assert!(
        said.contains("linli.example.pem") && said.contains("holds no key"),
        "{said}"
    );
    let said = refused(&[("LINLI_TLS_CERT", &k), ("LINLI_TLS_KEY", &k)]);
    assert!(
        said.contains("linli.example.key") && said.contains("holds no certificate"),
        "{said}"
    );
    let said = refused(&[("LINLI_TLS_CERT", &c)]);
    assert!(said.contains("tls_key"), "{said}");
}

/// The warning a start gives when browsers elsewhere will drop the sign-in cookie.
const PLAIN_HTTP_WARNING: &str = "Browsers on other machines drop the sign-in cookie";

#[tokio::test]
async fn serving_plain_http_beyond_this_machine_warns_that_sign_in_will_not_hold() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let jobs_off = [("LINLI_JOBS", "false")];
    for (listen, envs, warned) in [
        ("0.0.0.0:0", &jobs_off[..], true),
        ("127.0.0.1:0", &jobs_off[..], false),
        (
            "0.0.0.0:0",
            &[("LINLI_JOBS", "false"), ("LINLI_TLS_SELF_SIGNED", "true")][..],
            false,
        ),
        (
            "0.0.0.0:0",
            &[("LINLI_JOBS", "false"), ("LINLI_SECURE_COOKIES", "false")][..],
            false,
        ),
    ] {
        let (child, _) = start_in(&app, dir.path(), listen, envs, "start.log");
        stop_serve(child);
        let said = std::fs::read_to_string(dir.path().join("start.log")).unwrap();
        assert_eq!(
            said.contains(PLAIN_HTTP_WARNING),
            warned,
            "{listen} {envs:?}: {said}"
        );
        if warned {
            for what_to_do in [
                "tls_self_signed = true",
                "trusted_proxies",
                "secure_cookies = false",
            ] {
                assert!(said.contains(what_to_do), "{what_to_do}: {said}");
            }
        }
    }
}
