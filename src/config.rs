//! Settings: defaults, then a TOML file, then `LINLI_*` environment variables, then flags.
//! Secrets among them are wrapped ([`Secret`]) so that nothing that shows the settings
//! shows them; addresses are parsed as they are read ([`Network`]).

mod hsts;
mod networks;
mod secret;

use serde::{Deserialize, Serialize};

pub use hsts::Hsts;
pub use networks::{Network, canonical};
pub use secret::{DatabaseUrl, HIDDEN, Redact, Secret, UrlPassword, Whole};

/// Everything an operator can set. Each field can be set in the file under its own name or
/// by the environment variable `LINLI_<NAME>` (upper case), e.g. `LINLI_DATABASE`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://path/to/linli.db` or `postgres://user@host/db`. Shown without its password.
    pub database: DatabaseUrl,
    /// Connections in the read pool (SQLite) or the pool (PostgreSQL).
    pub max_connections: u32,
    /// Start even though accounts still use the published demo password.
    pub allow_demo_passwords: bool,
    /// Run the background jobs (overdue scan, reminders, closing unrated demands).
    pub jobs: bool,
    /// Seconds between two runs of the background jobs.
    pub job_interval_secs: u64,
    /// Days a resident has to rate a result before it may be closed unrated.
    pub rating_window_days: i64,
    /// Days after feedback when a resident who has not rated is asked again.
    pub rating_reminder_days: i64,
    /// Days after closing when staff may still reopen a demand on a late complaint.
    pub reopen_window_days: i64,
    /// Hours a login session lasts at most.
    pub session_hours: i64,
    /// Minutes without activity after which a page session ends.
    pub session_idle_minutes: i64,
    /// Mark the session cookie `Secure` (sent over HTTPS only; browsers also accept it on
    /// http://localhost). Turn off only for a plain-HTTP intranet, as a last resort: serve
    /// HTTPS instead (`tls_self_signed`).
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (a year): browsers then reach this name over HTTPS
    /// only. `"auto"`: when Linli serves HTTPS from `tls_cert`. `true` behind a proxy that
    /// answers over HTTPS, and will; `false` never.
    pub hsts: Hsts,
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first),
    /// beside `tls_key`. Empty: plain HTTP, unless `tls_self_signed`.
    pub tls_cert: String,
    /// The private key of `tls_cert` (PEM: PKCS#8, PKCS#1 or SEC1), readable by Linli's
    /// user only.
    pub tls_key: String,
    /// Serve HTTPS with a self-signed certificate for a LAN, made on first start for
    /// localhost, this machine's name and its addresses, and kept beside a SQLite database
    /// (`linli.db-tls.pem`, `linli.db-tls.key`; `linli-tls.pem`, `linli-tls.key` in the
    /// working directory for PostgreSQL). Browsers warn once until it is accepted or
    /// installed (docs/operations.md). Not with `tls_cert`.
    pub tls_self_signed: bool,
    /// Failed logins in a row that lock an account (for every address it has not signed
    /// in from before: see `known_address_days`).
    pub lockout_failures: i64,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    /// Failed logins from one client address, within `address_window_minutes`, that lock
    /// the address: it may not try any account until `address_lockout_minutes` have passed.
    pub address_lockout_failures: i64,
    /// Minutes over which the failures of one address are counted.
    pub address_window_minutes: i64,
    /// Minutes a client address stays locked.
    pub address_lockout_minutes: i64,
    /// Days an address an account signed in from stays known to it: from a known address a
    /// locked account can still sign in, so that nobody can lock anybody out by failing on
    /// purpose.
    pub known_address_days: i64,
    /// Roles whose accounts must sign in with a second factor (TOTP): after the password,
    /// such an account without one is sent to enrol before it can do anything else, and
    /// the API gives it no token. Others may enrol if they wish. In the environment,
    /// separated by commas (`admin,street,secretary`); empty: nobody must.
    pub totp_required_roles: Vec<crate::auth::role::Role>,
    /// Rules for new passwords: `asvs` (12 characters or more, no composition rules, no
    /// forced rotation) or `dengbao` (等保 2.0: 8 or more of three kinds among upper case,
    /// lower case, digits and symbols; changed every 90 days; none of the last 5 again).
    /// Under both, common passwords are refused.
    pub password_policy: crate::auth::policy::PasswordPolicy,
    /// Proxies (addresses or networks such as `10.0.0.0/8`) whose `X-Forwarded-For` is
    /// believed; from anyone else it is ignored. Empty by default. In the environment,
    /// separated by commas.
    pub trusted_proxies: Vec<Network>,
    /// Days an API token lasts when `linli admin issue-token` is not given `--days`.
    pub api_token_days: i64,
    /// Largest request body accepted, in bytes (photos included).
    pub max_body_bytes: usize,
    /// Log filter, e.g. `info` or `linli=debug,tower_http=info`.
    pub log: String,
    /// The key file of the personal fields sealed at rest (ID numbers, phones, health
    /// notes), readable by Linli's user only; keep it out of the database's backups. Made
    /// on first start for a database that has sealed nothing yet; for one that has, the
    /// server does not start without it. Empty: beside a SQLite database
    /// (`linli.db-keys.toml`), `linli-keys.toml` in the working directory for PostgreSQL.
    pub key_file: String,
    /// Days the audit log is kept before the retention job prunes it (behind a sealed
    /// checkpoint, so the rest still verifies). At least 180: the Cybersecurity Law
    /// (网络安全法 art. 21) asks for six months of logs.
    pub audit_retention_days: i64,
    /// Days after a demand closed that the reporter's phone is kept (to call back on a
    /// late complaint); then the retention job clears it. The demand stays.
    pub reporter_phone_retention_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            database: DatabaseUrl::from("sqlite://linli.db"),
            max_connections: 8,
            allow_demo_passwords: false,
            jobs: true,
            job_interval_secs: 60,
            rating_window_days: 7,
            rating_reminder_days: 3,
            reopen_window_days: 30,
            session_hours: 12,
            session_idle_minutes: 30,
            secure_cookies: true,
            hsts: Hsts::Auto,
            tls_cert: String::new(),
            tls_key: String::new(),
            tls_self_signed: false,
            lockout_failures: 5,
            lockout_minutes: 15,
            address_lockout_failures: 20,
            address_window_minutes: 15,
            address_lockout_minutes: 15,
            known_address_days: 30,
            totp_required_roles: vec![
                crate::auth::role::Role::Admin,
                crate::auth::role::Role::Street,
            ],
            password_policy: crate::auth::policy::PasswordPolicy::Asvs,
            trusted_proxies: Vec::new(),
            api_token_days: 90,
            max_body_bytes: 10 * 1024 * 1024,
            log: "info".into(),
            key_file: String::new(),
            audit_retention_days: 180,
            reporter_phone_retention_days: 365,
        }
    }
}

impl Settings {
    /// Where the key file is: `key_file`, or its default for the database.
    pub fn key_path(&self) -> std::path::PathBuf {
        if !self.key_file.is_empty() {
            return self.key_file.clone().into();
        }
        let url = self.database.expose();
        match crate::db::engine_of(url) {
            Ok(crate::db::Engine::Sqlite) => {
                format!("{}-keys.toml", crate::db::sqlite_path(url)).into()
            }
            _ => "linli-keys.toml".into(),
        }
    }

    /// Where the certificate and key Linli serves HTTPS with are, and whose they are;
    /// `None` for plain HTTP. Refuses settings that contradict each other.
    pub fn tls(&self) -> Result<Option<Tls>, String> {
        let (cert, key) = (self.tls_cert.trim(), self.tls_key.trim());
        match (cert.is_empty(), key.is_empty(), self.tls_self_signed) {
            (true, true, false) => Ok(None),
            (false, false, false) => Ok(Some(Tls::Own {
                cert: cert.into(),
                key: key.into(),
            })),
            (true, true, true) => {
                let base = match crate::db::engine_of(self.database.expose()) {
                    Ok(crate::db::Engine::Sqlite) => {
                        format!("{}-tls", crate::db::sqlite_path(self.database.expose()))
                    }
                    _ => "linli-tls".into(),
                };
                Ok(Some(Tls::SelfSigned {
                    cert: format!("{base}.pem").into(),
                    key: format!("{base}.key").into(),
                }))
            }
            (_, _, true) => Err("tls_self_signed makes its own certificate: leave tls_cert \
                                 and tls_key empty, or turn tls_self_signed off"
                .into()),
            _ => Err("tls_cert and tls_key go together: set both, or neither".into()),
        }
    }

    /// Whether `linli serve` answers over HTTPS (every request that reaches the router
    /// came over TLS).
    pub fn serves_tls(&self) -> bool {
        matches!(self.tls(), Ok(Some(_)))
    }

    /// Whether responses carry `Strict-Transport-Security` (see [`Hsts`]).
    pub fn sends_hsts(&self) -> bool {
        self.hsts
            .sent(matches!(self.tls(), Ok(Some(Tls::Own { .. }))))
    }

    /// Defaults, overlaid by `file` (if given) and then by `LINLI_*` variables from `env`.
    pub fn load(
        file: Option<&std::path::Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, String> {
        // The names and types of the settings; the values given are read into a table of
        // their own, and what is not given takes its default as `Settings` is read from it
        // (defaults never pass through the redacting serialisation).
        let known = toml::Table::try_from(Settings::default()).map_err(|e| e.to_string())?;
        let mut given = toml::Table::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let from_file: toml::Table =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            for (k, v) in from_file {
                if !known.contains_key(&k) {
                    return Err(format!("{}: unknown setting `{k}`", path.display()));
                }
                given.insert(k, v);
            }
        }
        for (k, v) in env {
            let Some(name) = k.strip_prefix("LINLI_") else {
                continue;
            };
            let name = name.to_ascii_lowercase();
            if name == "config" {
                continue;
            }
            let Some(default) = known.get(&name) else {
                return Err(format!("unknown setting in environment variable {k}"));
            };
            given.insert(name, from_env(&k, &v, default)?);
        }
        let s: Settings = given
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        s.check()?;
        Ok(s)
    }

    /// Refuses values the law or the system cannot live with.
    fn check(&self) -> Result<(), String> {
        if self.audit_retention_days < MIN_AUDIT_RETENTION_DAYS {
            return Err(format!(
                "audit_retention_days is {}; the audit log must be kept at least \
                 {MIN_AUDIT_RETENTION_DAYS} days (six months, 网络安全法 art. 21)",
                self.audit_retention_days
            ));
        }
        if self.reporter_phone_retention_days < self.reopen_window_days {
            return Err(format!(
                "reporter_phone_retention_days ({}) is shorter than reopen_window_days ({}): \
                 a demand could be reopened without a number to call back",
                self.reporter_phone_retention_days, self.reopen_window_days
            ));
        }
        Ok(())
    }

    /// The settings as TOML (for `linli config print`), secrets redacted.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// The shortest time the audit log may be kept.
pub const MIN_AUDIT_RETENTION_DAYS: i64 = 180;

/// The certificate and key of HTTPS: the operator's own, or one Linli made for a LAN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tls {
    Own {
        cert: std::path::PathBuf,
        key: std::path::PathBuf,
    },
    SelfSigned {
        cert: std::path::PathBuf,
        key: std::path::PathBuf,
    },
}

/// The value of environment variable `k` as the type of its setting's `default`.
fn from_env(k: &str, v: &str, default: &toml::Value) -> Result<toml::Value, String> {
    Ok(match default {
        toml::Value::Integer(_) => v
            .parse::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| format!("{k} must be a whole number"))?,
        toml::Value::Boolean(_) => match v {
            "1" | "true" | "yes" | "on" => toml::Value::Boolean(true),
            "0" | "false" | "no" | "off" => toml::Value::Boolean(false),
            _ => return Err(format!("{k} must be true or false")),
        },
        toml::Value::Array(_) => toml::Value::Array(
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_string()))
                .collect(),
        ),
        _ => toml::Value::String(v.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_file_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("linli.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nrating_window_days = 5\n").unwrap();
        let s = Settings::load(
            Some(&file),
            [
                ("LINLI_RATING_WINDOW_DAYS".to_string(), "10".to_string()),
                ("LINLI_JOBS".to_string(), "false".to_string()),
                ("PATH".to_string(), "/bin".to_string()),
            ],
        )
        .unwrap();
        assert_eq!(s.listen, "0.0.0.0:9000");
        assert_eq!(s.rating_window_days, 10);
        assert!(!s.jobs);
        assert_eq!(s.database, Settings::default().database);
    }

    #[test]
    fn secrets_are_hidden_when_shown_and_whole_when_used() {
        let s = Settings::load(
            None,
            [(
                "LINLI_DATABASE".to_string(),
                "postgres://linli:s3cret@db/linli".to_string(),
            )],
        )
        .unwrap();
        assert_eq!(s.database.expose(), "postgres://linli:s3cret@db/linli");
        assert!(!format!("{s:?}").contains("s3cret"), "{s:?}");
        let printed = s.to_toml();
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(
            printed.contains("postgres://linli:***@db/linli"),
            "{printed}"
        );
    }

    #[test]
    fn trusted_proxies_are_networks_from_a_file_or_a_list() {
        let s = Settings::load(
            None,
            [(
                "LINLI_TRUSTED_PROXIES".to_string(),
                "10.0.0.1, 172.16.0.0/12".to_string(),
            )],
        )
        .unwrap();
        assert_eq!(s.trusted_proxies.len(), 2);
        assert!(s.trusted_proxies[1].contains("172.20.1.1".parse().unwrap()));
        assert!(Settings::default().trusted_proxies.is_empty());
        let bad = Settings::load(
            None,
            [(
                "LINLI_TRUSTED_PROXIES".to_string(),
                "proxy.internal".to_string(),
            )],
        );
        assert!(bad.unwrap_err().contains("proxy.internal"));
    }

    #[test]
    fn tls_is_the_operators_certificate_or_a_self_signed_one_beside_the_database() {
        let load = |pairs: &[(&str, &str)]| {
            Settings::load(
                None,
                pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
            )
        };
        let plain = load(&[]).unwrap();
        assert_eq!(plain.tls(), Ok(None));
        assert!(!plain.sends_hsts());
        let own = load(&[
            ("LINLI_TLS_CERT", "/etc/linli/cert.pem"),
            ("LINLI_TLS_KEY", "/etc/linli/key.pem"),
        ])
        .unwrap();
        assert_eq!(
            own.tls(),
            Ok(Some(Tls::Own {
                cert: "/etc/linli/cert.pem".into(),
                key: "/etc/linli/key.pem".into()
            }))
        );
        assert!(own.sends_hsts(), "auto: on with the operator's certificate");
        let lan = load(&[
            ("LINLI_TLS_SELF_SIGNED", "true"),
            ("LINLI_DATABASE", "sqlite:///var/lib/linli/linli.db"),
        ])
        .unwrap();
        assert_eq!(
            lan.tls(),
            Ok(Some(Tls::SelfSigned {
                cert: "/var/lib/linli/linli.db-tls.pem".into(),
                key: "/var/lib/linli/linli.db-tls.key".into()
            }))
        );
        assert!(
            !lan.sends_hsts(),
            "auto: off with a self-signed certificate"
        );
        let lan_pg = load(&[
            ("LINLI_TLS_SELF_SIGNED", "on"),
            ("LINLI_DATABASE", "postgres://linli@db/linli"),
            ("LINLI_HSTS", "true"),
        ])
        .unwrap();
        assert!(
            matches!(lan_pg.tls(), Ok(Some(Tls::SelfSigned { cert, .. })) if cert == std::path::Path::new("linli-tls.pem"))
        );
        assert!(lan_pg.sends_hsts());
        let off = load(&[
            ("LINLI_TLS_CERT", "c"),
            ("LINLI_TLS_KEY", "k"),
            ("LINLI_HSTS", "off"),
        ]);
        assert!(!off.unwrap().sends_hsts());

        let half = load(&[("LINLI_TLS_CERT", "/etc/linli/cert.pem")]).unwrap();
        assert!(half.tls().unwrap_err().contains("tls_key"));
        let both = load(&[
            ("LINLI_TLS_CERT", "c"),
            ("LINLI_TLS_KEY", "k"),
            ("LINLI_TLS_SELF_SIGNED", "true"),
        ])
        .unwrap();
        assert!(both.tls().unwrap_err().contains("tls_self_signed"));
        assert!(load(&[("LINLI_HSTS", "maybe")]).is_err());
    }

    #[test]
    fn hsts_reads_as_a_boolean_from_a_file_and_prints_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("linli.toml");
        std::fs::write(&file, "hsts = true\n").unwrap();
        let s = Settings::load(Some(&file), []).unwrap();
        assert_eq!(s.hsts, Hsts::On);
        assert!(s.to_toml().contains("hsts = true"), "{}", s.to_toml());
        assert!(Settings::default().to_toml().contains("hsts = \"auto\""));
        std::fs::write(&file, "hsts = \"auto\"\n").unwrap();
        assert_eq!(Settings::load(Some(&file), []).unwrap().hsts, Hsts::Auto);
    }

    #[test]
    fn the_second_factor_roles_and_the_password_policy_are_read_from_the_environment() {
        use crate::auth::policy::PasswordPolicy;
        use crate::auth::role::Role;
        let d = Settings::default();
        assert_eq!(d.totp_required_roles, vec![Role::Admin, Role::Street]);
        assert_eq!(d.password_policy, PasswordPolicy::Asvs);
        let s = Settings::load(
            None,
            [
                (
                    "LINLI_TOTP_REQUIRED_ROLES".to_string(),
                    "admin, secretary".to_string(),
                ),
                ("LINLI_PASSWORD_POLICY".to_string(), "dengbao".to_string()),
            ],
        )
        .unwrap();
        assert_eq!(s.totp_required_roles, vec![Role::Admin, Role::Secretary]);
        assert_eq!(s.password_policy, PasswordPolicy::Dengbao);
        let none = Settings::load(
            None,
            [("LINLI_TOTP_REQUIRED_ROLES".to_string(), String::new())],
        )
        .unwrap();
        assert!(none.totp_required_roles.is_empty());
        let bad = Settings::load(
            None,
            [("LINLI_PASSWORD_POLICY".to_string(), "weak".to_string())],
        );
        assert!(bad.is_err());
    }

    #[test]
    fn unknown_or_malformed_settings_are_refused() {
        let bad = Settings::load(None, [("LINLI_NOPE".to_string(), "1".to_string())]);
        assert!(bad.unwrap_err().contains("LINLI_NOPE"));
        let bad = Settings::load(None, [("LINLI_JOBS".to_string(), "maybe".to_string())]);
        assert!(bad.is_err());
        let bad = Settings::load(
            None,
            [("LINLI_SESSION_HOURS".to_string(), "twelve".to_string())],
        );
        assert!(bad.is_err());
    }
}
