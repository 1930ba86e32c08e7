//! The key file: every key a stored value may name, which one seals new values, and the
//! key of the lookup hashes. It lives outside the database and outside its backups (a
//! backup that carried its own key would protect nothing), readable by the server's user
//! only. `linli admin keys new` writes one, `linli admin keys rotate` adds a key to it.
//!
//! ```toml
//! active = 2
//! index = "hmac-sha256"
//! index_key = "…base64…"
//!
//! [[keys]]
//! id = 1
//! algorithm = "aes-256-gcm"
//! secret = "…base64…"
//! created = "2026-12-02T08:00:00Z"
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::{Algorithm, IndexAlgorithm, Vault};

#[derive(Clone, Serialize, Deserialize)]
pub struct KeyFile {
    pub active: u32,
    pub index: IndexAlgorithm,
    index_key: String,
    pub keys: Vec<KeyEntry>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct KeyEntry {
    pub id: u32,
    pub algorithm: Algorithm,
    secret: String,
    #[serde(default)]
    pub created: String,
}

/// Why a key file did not load: which file, and what is wrong with it.
#[derive(Debug)]
pub struct KeyFileError {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "key file {}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for KeyFileError {}

const HEADER: &str = "# Linli's keys for the personal fields it stores encrypted (ID numbers, phones,\n\
# health and care facts). Keep this file off the database server's backups and readable\n\
# by Linli's user only: without it the encrypted fields cannot be read, by anyone.\n\
# Rotate with `linli admin keys rotate`; never delete a key that values may still name.\n\n";

fn random(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    rand::rng().fill_bytes(&mut b);
    b
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or(jiff::Timestamp::now())
        .to_string()
}

impl KeyFile {
    /// A new file: one random key of `alg`, and a random index key of the hash that goes
    /// with it.
    pub fn generate(alg: Algorithm) -> KeyFile {
        KeyFile {
            active: 1,
            index: alg.index(),
            index_key: B64.encode(random(32)),
            keys: vec![KeyEntry {
                id: 1,
                algorithm: alg,
                secret: B64.encode(random(alg.key_len())),
                created: now(),
            }],
        }
    }

    /// A new random key of `alg`, made the one that seals new values; the old keys stay
    /// to open what they sealed until a rotation has sealed it again.
    pub fn rotate(&mut self, alg: Algorithm) -> u32 {
        let id = self.keys.iter().map(|k| k.id).max().unwrap_or(0) + 1;
        self.keys.push(KeyEntry {
            id,
            algorithm: alg,
            secret: B64.encode(random(alg.key_len())),
            created: now(),
        });
        self.active = id;
        id
    }

    /// Reads and checks a key file.
    pub fn load(path: &Path) -> Result<KeyFile, KeyFileError> {
        let fail = |reason: String| KeyFileError {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            fail(if e.kind() == std::io::ErrorKind::NotFound {
                "not found (create one with `linli admin keys new`, or point `key_file` at it)"
                    .into()
            } else {
                format!("cannot be read: {e}")
            })
        })?;
        let file: KeyFile =
            toml::from_str(&text).map_err(|e| fail(format!("is not a valid key file: {e}")))?;
        file.vault().map_err(fail)?;
        Ok(file)
    }

    /// The ring these keys make.
    pub fn vault(&self) -> Result<Vault, String> {
        let decode = |what: &str, s: &str| {
            B64.decode(s.trim())
                .map_err(|_| format!("{what} is not base64"))
        };
        let mut keys = Vec::new();
        for k in &self.keys {
            keys.push((
                k.id,
                k.algorithm,
                decode(&format!("key {}", k.id), &k.secret)?,
            ));
        }
        let index = decode("index_key", &self.index_key)?;
        Vault::from_parts(keys, self.active, (self.index, index))
    }

    /// Writes the file readable by its owner only, replacing any file there whole (written
    /// beside it, then renamed), so a crash leaves the old file or the new one.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let body = toml::to_string(self).map_err(std::io::Error::other)?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let mut tmp = tempfile::Builder::new()
            .prefix(".linli-keys")
            .tempfile_in(dir.unwrap_or(Path::new(".")))?;
        restrict(tmp.as_file())?;
        tmp.write_all(HEADER.as_bytes())?;
        tmp.write_all(body.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(unix)]
fn restrict(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}
