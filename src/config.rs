//! Settings: defaults, then a TOML file, then `LINLI_*` environment variables, then flags.

use serde::{Deserialize, Serialize};

/// Everything an operator can set. Each field can be set in the file under its own name or
/// by the environment variable `LINLI_<NAME>` (upper case), e.g. `LINLI_DATABASE`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://path/to/linli.db` or `postgres://user@host/db`.
    pub database: String,
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
    /// http://localhost). Turn off only for a plain-HTTP intranet.
    pub secure_cookies: bool,
    /// Failed logins in a row that lock an account.
    pub lockout_failures: i64,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    /// Largest request body accepted, in bytes (photos included).
    pub max_body_bytes: usize,
    /// Log filter, e.g. `info` or `linli=debug,tower_http=info`.
    pub log: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            database: "sqlite://linli.db".into(),
            max_connections: 8,
            allow_demo_passwords: false,
            jobs: true,
            job_interval_secs: 60,
            rating_window_days: 7,
            rating_reminder_days: 3,
            reopen_window_days: 30,
            session_hours: 12,
            session_idle_minutes: 120,
            secure_cookies: true,
            lockout_failures: 5,
            lockout_minutes: 15,
            max_body_bytes: 10 * 1024 * 1024,
            log: "info".into(),
        }
    }
}

impl Settings {
    /// Defaults, overlaid by `file` (if given) and then by `LINLI_*` variables from `env`.
    pub fn load(
        file: Option<&std::path::Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, String> {
        let mut table = toml::Table::try_from(Settings::default()).map_err(|e| e.to_string())?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let from_file: toml::Table =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            for (k, v) in from_file {
                if !table.contains_key(&k) {
                    return Err(format!("{}: unknown setting `{k}`", path.display()));
                }
                table.insert(k, v);
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
            let Some(old) = table.get(&name) else {
                return Err(format!("unknown setting in environment variable {k}"));
            };
            let new = match old {
                toml::Value::Integer(_) => v
                    .parse::<i64>()
                    .map(toml::Value::Integer)
                    .map_err(|_| format!("{k} must be a whole number"))?,
                toml::Value::Boolean(_) => match v.as_str() {
                    "1" | "true" | "yes" | "on" => toml::Value::Boolean(true),
                    "0" | "false" | "no" | "off" => toml::Value::Boolean(false),
                    _ => return Err(format!("{k} must be true or false")),
                },
                _ => toml::Value::String(v),
            };
            table.insert(name, new);
        }
        table.try_into().map_err(|e: toml::de::Error| e.to_string())
    }

    /// The settings as TOML (for `linli config print`).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
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
