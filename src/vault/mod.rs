//! Personal fields encrypted at rest (PIPL arts. 28–31; 等保 2.0 confidentiality of stored
//! data). One mechanism for every capability: a column is declared sealed once
//! ([`Column`]), its values are written as [`Vault::seal`] makes them and read back with
//! [`Vault::open`], and the lookups that need equality (a resident by ID number, by phone,
//! by the phone's last four digits at the counter) go through keyed hashes
//! ([`Vault::blind`]), never through the plaintext.
//!
//! Authenticated encryption (GCM) with AES-256 by default or SM4 (国密, GB/T 32907)
//! selectable per key; keyed hashes by HMAC-SHA-256 or HMAC-SM3 (GB/T 32905). The keys live
//! in a key file outside the database ([`keyfile`]); the database keeps only a check value
//! per key (to refuse a wrong key file at start) and each sealed value names its key, so a
//! rotation re-encrypts value by value while the server serves.
//!
//! A sealed value is text, so it fits the same column on both engines:
//! `enc1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`. The column's name is the
//! associated data: a value moved to another column does not open.

mod cipher;
pub mod keyfile;
pub mod keys;
pub mod pass;
pub mod sql;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;

pub use cipher::{Algorithm, IndexAlgorithm};
use cipher::{Cipher, IndexKey};

/// What starts every sealed value.
const PREFIX: &str = "enc1:";

/// Bytes of a lookup hash.
const BLIND: usize = 16;

/// A column whose values are sealed, declared once by the capability that owns it, with
/// the columns that keep its lookup hashes (each filled from the plaintext on every write
/// and by [`pass`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub table: &'static str,
    pub name: &'static str,
    pub blinds: &'static [(Blind, &'static str)],
}

impl Column {
    pub const fn new(table: &'static str, name: &'static str) -> Column {
        Column {
            table,
            name,
            blinds: &[],
        }
    }

    /// The associated data of its values: `residents.phone`.
    fn aad(&self) -> String {
        format!("{}.{}", self.table, self.name)
    }

    /// `f` of the associated data, put together on the stack (sealing is per value, and a
    /// city's roster seals millions).
    fn with_aad<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        let (t, n) = (self.table.as_bytes(), self.name.as_bytes());
        let len = t.len() + 1 + n.len();
        let mut buf = [0u8; 128];
        match buf.get_mut(..len) {
            Some(aad) => {
                aad[..t.len()].copy_from_slice(t);
                aad[t.len()] = b'.';
                aad[t.len() + 1..].copy_from_slice(n);
                f(aad)
            }
            None => f(self.aad().as_bytes()),
        }
    }
}

/// What a keyed hash is of: each kind hashes apart, so an ID number's hash never equals a
/// phone's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blind {
    IdNumber,
    Phone,
    /// The last four digits of a phone (the counter's "尾号" search). Only 10,000 values:
    /// the hash hides nothing from someone holding the key, it only makes the lookup an
    /// equality.
    PhoneTail,
    /// A sensitive tag of a resident (disabled, low_income).
    Tag,
    /// A sealed name (a child's), whole: found only by the name exactly.
    Name,
}

impl Blind {
    /// What of a value this kind hashes: the last four digits for a phone's tail (none
    /// for a value shorter than that), the whole value otherwise.
    pub fn part(self, value: &str) -> Option<&str> {
        match self {
            Blind::PhoneTail => {
                let digits = value.len();
                (digits >= 4 && value.is_char_boundary(digits - 4)).then(|| &value[digits - 4..])
            }
            _ => Some(value),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Blind::IdNumber => "id_number",
            Blind::Phone => "phone",
            Blind::PhoneTail => "phone_tail",
            Blind::Tag => "tag",
            Blind::Name => "name",
        }
    }
}

/// Why a value or a key did not serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultError {
    /// The value names a key the key file does not hold.
    UnknownKey(u32),
    /// The value does not open with its key: altered, moved from another column, or the
    /// key is not the one that sealed it.
    Tampered { column: String },
    /// Not a sealed value at all.
    Malformed { column: String },
}

impl fmt::Display for VaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VaultError::UnknownKey(id) => {
                write!(
                    f,
                    "a value is sealed with key {id}, which the key file does not hold"
                )
            }
            VaultError::Tampered { column } => write!(
                f,
                "a value of {column} does not open with its key (altered, moved, or a wrong key)"
            ),
            VaultError::Malformed { column } => {
                write!(f, "a value of {column} is not a sealed value")
            }
        }
    }
}

impl std::error::Error for VaultError {}

/// One key of the ring.
#[derive(Clone)]
struct Key {
    id: u32,
    cipher: Cipher,
}

/// The keys of this server: every key a stored value may name, the one new values are
/// sealed with, and the key of the lookup hashes.
#[derive(Clone)]
pub struct Vault {
    keys: Vec<Key>,
    active: u32,
    index: IndexKey,
    /// The benchmark's baseline only ([`Vault::unsealed_baseline`]): values are written as
    /// they are and looked up by themselves. No key file can ask for it.
    plain: bool,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secrets: which keys, and which seals new values.
        f.debug_struct("Vault")
            .field("keys", &self.keys.iter().map(|k| k.id).collect::<Vec<_>>())
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// A ring from its parts, as the key file gives them.
    fn from_parts(
        keys: Vec<(u32, Algorithm, Vec<u8>)>,
        active: u32,
        index: (IndexAlgorithm, Vec<u8>),
    ) -> Result<Vault, String> {
        let mut ring = Vec::new();
        for (id, alg, secret) in keys {
            if ring.iter().any(|k: &Key| k.id == id) {
                return Err(format!("key {id} is listed twice"));
            }
            let cipher = Cipher::new(alg, &secret).map_err(|e| format!("key {id}: {e}"))?;
            ring.push(Key { id, cipher });
        }
        if !ring.iter().any(|k| k.id == active) {
            return Err(format!("the active key {active} is not among the keys"));
        }
        let index = IndexKey::new(index.0, &index.1)?;
        Ok(Vault {
            keys: ring,
            active,
            index,
            plain: false,
        })
    }

    /// What Linli would do without encryption, for `linli bench` to measure sealing
    /// against: new values stored as they are, lookups by the values themselves, what this
    /// ring sealed still opened. Never installed by a server; no key file can ask for it.
    pub fn unsealed_baseline(&self) -> Vault {
        Vault {
            plain: true,
            ..self.clone()
        }
    }

    /// A ring of one new random key (tests; `linli demo` writes its ring to a file).
    pub fn generate(alg: Algorithm) -> Vault {
        let file = keyfile::KeyFile::generate(alg);
        file.vault().expect("a generated key file is valid")
    }

    /// The key new values are sealed with.
    pub fn active(&self) -> u32 {
        self.active
    }

    /// The algorithm of a key of the ring.
    pub fn algorithm(&self, id: u32) -> Option<Algorithm> {
        self.key(id).ok().map(|k| k.cipher.algorithm())
    }

    /// The ids of every key of the ring.
    pub fn key_ids(&self) -> Vec<u32> {
        self.keys.iter().map(|k| k.id).collect()
    }

    fn key(&self, id: u32) -> Result<&Key, VaultError> {
        self.keys
            .iter()
            .find(|k| k.id == id)
            .ok_or(VaultError::UnknownKey(id))
    }

    /// `plain`, sealed for `column` with the active key.
    pub fn seal(&self, column: Column, plain: &str) -> String {
        if self.plain {
            return plain.to_string();
        }
        self.seal_with(self.active, column, plain)
            .expect("the active key is in the ring")
    }

    fn seal_with(&self, id: u32, column: Column, plain: &str) -> Result<String, VaultError> {
        let key = self.key(id)?;
        let mut sealed = Vec::with_capacity(plain.len() + 28);
        column.with_aad(|aad| key.cipher.seal_into(aad, plain.as_bytes(), &mut sealed));
        // `enc1:<id>:` and the base64, written into one string of the size it will have.
        let mut out = String::with_capacity(PREFIX.len() + 11 + sealed.len().div_ceil(3) * 4);
        out.push_str(PREFIX);
        {
            use std::fmt::Write;
            let _ = write!(out, "{id}:");
        }
        B64.encode_string(&sealed, &mut out);
        Ok(out)
    }

    /// An optional value sealed; none stays none.
    pub fn seal_opt(&self, column: Column, plain: Option<&str>) -> Option<String> {
        plain.map(|p| self.seal(column, p))
    }

    /// The plaintext of a value of `column`.
    pub fn open(&self, column: Column, stored: &str) -> Result<String, VaultError> {
        if self.plain && !is_sealed(stored) {
            return Ok(stored.to_string());
        }
        let malformed = || VaultError::Malformed {
            column: column.aad(),
        };
        let (id, body) = parse(stored).ok_or_else(malformed)?;
        let key = self.key(id)?;
        let bytes = B64.decode(body).map_err(|_| malformed())?;
        let plain = column
            .with_aad(|aad| key.cipher.open(aad, &bytes))
            .ok_or_else(|| VaultError::Tampered {
                column: column.aad(),
            })?;
        String::from_utf8(plain).map_err(|_| malformed())
    }

    /// An optional value opened.
    pub fn open_opt(
        &self,
        column: Column,
        stored: Option<&str>,
    ) -> Result<Option<String>, VaultError> {
        stored.map(|s| self.open(column, s)).transpose()
    }

    /// A stored value sealed again with the active key, or none when it already is (a
    /// rotation's step).
    pub fn reseal(&self, column: Column, stored: &str) -> Result<Option<String>, VaultError> {
        if key_of(stored) == Some(self.active) {
            return Ok(None);
        }
        let plain = self.open(column, stored)?;
        Ok(Some(self.seal(column, &plain)))
    }

    /// The keyed hash of a value for equality lookups: its first 16 bytes (128 bits, as
    /// the columns and their indexes keep them).
    pub fn blind(&self, kind: Blind, value: &str) -> Vec<u8> {
        if self.plain {
            return value.as_bytes().to_vec();
        }
        self.index.hash(kind.label(), value.as_bytes())[..BLIND].to_vec()
    }

    /// The same hash as 32 hex digits, where it is kept in text (a sensitive tag, the
    /// index key's check value).
    pub fn blind_text(&self, kind: Blind, value: &str) -> String {
        if self.plain {
            return value.to_string();
        }
        hex::encode(&self.index.hash(kind.label(), value.as_bytes())[..BLIND])
    }

    /// The lookup hashes of a column's value, in the order the column declares them (none
    /// for a part the value does not have).
    pub fn blinds(&self, column: Column, plain: Option<&str>) -> Vec<Option<Vec<u8>>> {
        column
            .blinds
            .iter()
            .map(|(kind, _)| {
                plain
                    .and_then(|p| kind.part(p))
                    .map(|p| self.blind(*kind, p))
            })
            .collect()
    }

    /// A known value sealed with key `id`, kept in the database to tell at start whether
    /// a key file is the one that sealed its values.
    pub fn check_value(&self, id: u32) -> Result<String, VaultError> {
        self.seal_with(id, CHECK, CHECK_TEXT)
    }

    /// Whether `stored` (a check value) opens with the key it names.
    pub fn checks(&self, stored: &str) -> Result<(), VaultError> {
        match self.open(CHECK, stored) {
            Ok(t) if t == CHECK_TEXT => Ok(()),
            Ok(_) => Err(VaultError::Tampered {
                column: CHECK.aad(),
            }),
            Err(e) => Err(e),
        }
    }

    /// A seal over `data` that only this key file can make (HMAC with the index key,
    /// under its own label `what`), as 64 hex digits: what the audit chain's heads and
    /// checkpoints carry, so that whoever can write the database but not read the key file
    /// cannot forge them.
    pub fn sign(&self, what: &str, data: &[u8]) -> String {
        hex::encode(self.index.hash(&format!("sign:{what}"), data))
    }

    /// Whether this ring's lookup hashes are HMAC-SM3 (a 国密 key file): the audit chain
    /// then hashes with SM3 too.
    pub fn uses_sm3(&self) -> bool {
        matches!(self.index, IndexKey::Sm3(_))
    }

    /// The keyed hash the database keeps to tell whether the index key is the one its
    /// lookup hashes were made with.
    pub fn index_check(&self) -> String {
        self.blind_text(Blind::Tag, CHECK_TEXT)
    }
}

/// The process's vault: installed at start from the key file (`keys::open`), replaced
/// when the key file gains a key (a rotation), read by every sealed column as rows are
/// written and decoded.
static CURRENT: RwLock<Option<(Arc<Vault>, Option<PathBuf>)>> = RwLock::new(None);

/// When the installed key file was last changed, to notice a rotation.
static READ_AT: RwLock<Option<std::time::SystemTime>> = RwLock::new(None);

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Makes `vault` the process's, read from `path` (none: made in memory).
pub fn install(vault: Arc<Vault>, path: Option<PathBuf>) {
    *READ_AT.write().unwrap_or_else(|e| e.into_inner()) = path.as_deref().and_then(modified);
    *CURRENT.write().unwrap_or_else(|e| e.into_inner()) = Some((vault, path));
}

/// Reads the key file again if it changed since it was read (a rotation gave it a new
/// active key): the background jobs call this on every tick, so a running server seals
/// with the new key soon after `linli admin keys rotate` wrote it.
pub fn reload_if_changed() {
    let path = CURRENT
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|(_, p)| p.clone());
    let Some(path) = path else { return };
    let read_at = *READ_AT.read().unwrap_or_else(|e| e.into_inner());
    if modified(&path) != read_at {
        reload();
    }
}

/// The process's vault.
///
/// # Panics
/// When none was installed: every command that opens a database installs one first
/// (`cli::open`), and the tests install theirs (`for_tests`).
pub fn current() -> Arc<Vault> {
    CURRENT
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|(v, _)| v.clone())
        .expect("no vault installed: open the key file first (vault::keys::open)")
}

/// The key file the process's vault was read from, if any.
pub fn current_path() -> Option<PathBuf> {
    CURRENT
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|(_, p)| p.clone())
}

/// Reads the key file again (after a rotation added a key); keeps the vault as it is when
/// there is no file or it does not load, and says why in the log.
pub fn reload() -> Arc<Vault> {
    let path = CURRENT
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|(_, p)| p.clone());
    if let Some(path) = path {
        match keyfile::KeyFile::load(&path).and_then(|f| {
            f.vault().map_err(|reason| keyfile::KeyFileError {
                path: path.clone(),
                reason,
            })
        }) {
            Ok(v) => {
                let v = Arc::new(v);
                let kept = current()
                    .key_ids()
                    .iter()
                    .all(|id| v.key_ids().contains(id));
                if kept {
                    install(v.clone(), Some(path));
                    tracing::info!(keys = ?v.key_ids(), active = v.active(), "key file read again");
                    return v;
                }
                tracing::error!(path = %path.display(), "the key file lost a key it had: kept the keys in memory");
            }
            Err(e) => tracing::error!(error = %e, "the key file could not be read again"),
        }
    }
    current()
}

/// One vault for every test of a process (each test database records its keys), with the
/// key file it would be written as for a `linli serve` the test starts.
pub fn for_tests() -> &'static keyfile::KeyFile {
    static FILE: OnceLock<keyfile::KeyFile> = OnceLock::new();
    let file = FILE.get_or_init(|| keyfile::KeyFile::generate(Algorithm::Aes256Gcm));
    let installed = CURRENT.read().unwrap_or_else(|e| e.into_inner()).is_some();
    if !installed {
        install(
            Arc::new(file.vault().expect("a generated key file is valid")),
            None,
        );
    }
    file
}

/// The column of the key check values.
const CHECK: Column = Column::new("vault_keys", "check_value");

const CHECK_TEXT: &str = "linli vault key check";

/// The key a sealed value names, if it is one.
pub fn key_of(stored: &str) -> Option<u32> {
    parse(stored).map(|(id, _)| id)
}

/// Whether a stored value is sealed (and not, say, a value written before encryption).
pub fn is_sealed(stored: &str) -> bool {
    parse(stored).is_some()
}

fn parse(stored: &str) -> Option<(u32, &str)> {
    let rest = stored.strip_prefix(PREFIX)?;
    let (id, body) = rest.split_once(':')?;
    Some((id.parse().ok()?, body))
}

#[cfg(test)]
mod tests;
