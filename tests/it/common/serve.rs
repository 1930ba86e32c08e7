//! The real `linli` binary started by tests: its key file, its command, starting it on
//! a free port and stopping it.

/// The tests' key file (the vault every test database records), written once per test
/// process, for the `linli` processes tests start (`LINLI_KEY_FILE`).
pub fn key_file() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("linli-test-keys-{}.toml", std::process::id()));
        linli::vault::keys::write_for_tests(&path).expect("write the tests' key file");
        path.to_string_lossy().into_owned()
    })
}

/// `linli serve` on a free port against `database`, with the tests' key file and `envs`
/// over the defaults (a warn-level log), not started.
pub fn serve_command(database: &str, envs: &[(&str, &str)]) -> std::process::Command {
    serve_command_on(database, "127.0.0.1:0", envs)
}

/// [`serve_command`] listening on `listen` (`0.0.0.0:0`: every address, a free port).
pub fn serve_command_on(
    database: &str,
    listen: &str,
    envs: &[(&str, &str)],
) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_linli"));
    cmd.args([
        "serve",
        "--database",
        database,
        "--listen",
        listen,
        "--allow-demo-passwords",
    ])
    .env_remove("LINLI_CONFIG")
    .env("LINLI_LOG", "warn")
    .env("LINLI_KEY_FILE", key_file());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

/// Starts `linli serve` on a free port against `database`; returns the child and its URL.
pub fn spawn_serve(database: &str, envs: &[(&str, &str)]) -> (std::process::Child, String) {
    let mut cmd = serve_command(database, envs);
    cmd.stderr(std::process::Stdio::null());
    start_serve(cmd)
}

/// Starts a `linli serve` command and waits for the URL it prints (`http://` or, serving
/// TLS, `https://`).
pub fn start_serve(mut cmd: std::process::Command) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start linli serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    assert!(
        ["http://", "https://"].iter().any(|s| base
            .strip_prefix(s)
            .is_some_and(|a| a.starts_with("127.0.0.1:") || a.starts_with("0.0.0.0:"))),
        "linli serve printed {line:?}"
    );
    (child, base)
}

/// Stops a `linli serve` with SIGTERM and insists that it exits cleanly.
pub fn stop_serve(mut child: std::process::Child) {
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful stop exits 0, got {status}");
}
