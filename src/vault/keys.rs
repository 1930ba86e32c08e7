//! The database's side of the keys: a check value per key (a known text sealed with it)
//! and the index key's check hash, so that a server started with another key file stops
//! and says so instead of serving values it cannot open, or writing lookup hashes that
//! match nothing.

use std::path::Path;
use std::sync::Arc;

use crate::db::{Db, Q};

use super::keyfile::KeyFile;
use super::{Vault, install};

/// The row of the index key's check (key ids start at 1).
const INDEX_ROW: i64 = 0;

/// Checks `vault` against the keys this database's values were sealed with, and records
/// the keys it does not know yet; then checks again, so that of two servers starting at
/// once on a new database with different key files, the one whose keys were not recorded
/// stops.
pub async fn check(db: &Db, vault: &Vault, path: &Path) -> Result<(), String> {
    if record(db, vault, path).await? {
        record(db, vault, path).await?;
    }
    Ok(())
}

/// Checks the recorded keys, records the missing ones; whether it recorded any.
async fn record(db: &Db, vault: &Vault, path: &Path) -> Result<bool, String> {
    let file = path.display();
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let rows: Vec<(i64, String)> = Q::new("SELECT id, check_value FROM vault_keys ORDER BY id")
        .fetch_all(&mut c)
        .await
        .map_err(|e| e.to_string())?;
    drop(c);
    for (id, check) in &rows {
        if *id == INDEX_ROW {
            if *check != vault.index_check() {
                return Err(format!(
                    "key file {file}: its index key is not the one this database's lookups \
                     (ID numbers, phones) were made with: is it the key file of another database?"
                ));
            }
            continue;
        }
        let id = u32::try_from(*id).map_err(|_| format!("vault_keys holds a key id {id}"))?;
        if !vault.key_ids().contains(&id) {
            return Err(format!(
                "key file {file} does not hold key {id}, which sealed values of this \
                 database: restore the key file that has it"
            ));
        }
        vault
            .checks(check)
            .ok()
            .filter(|()| super::key_of(check) == Some(id))
            .ok_or_else(|| {
                format!(
                    "key file {file}: its key {id} is not the key {id} that sealed this \
                 database's values: is it the key file of another database?"
                )
            })?;
    }
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    let now = crate::clock::system_now();
    let known: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut recorded = false;
    if !known.contains(&INDEX_ROW) {
        insert(&mut tx, INDEX_ROW, "index", &vault.index_check(), now).await?;
        recorded = true;
    }
    for id in vault.key_ids() {
        if !known.contains(&i64::from(id)) {
            let alg = vault.algorithm(id).map(|a| a.as_str()).unwrap_or_default();
            let check = vault.check_value(id).map_err(|e| e.to_string())?;
            insert(&mut tx, i64::from(id), alg, &check, now).await?;
            recorded = true;
        }
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(recorded)
}

async fn insert(
    tx: &mut crate::db::Tx,
    id: i64,
    alg: &str,
    check: &str,
    now: crate::clock::Millis,
) -> Result<(), String> {
    Q::new(
        "INSERT INTO vault_keys (id, algorithm, check_value, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(alg)
    .bind(check)
    .bind(now)
    .execute(tx)
    .await
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// Whether the database has sealed anything yet (any key recorded).
async fn has_keys(db: &Db) -> Result<bool, String> {
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let (n,): (i64,) = Q::new("SELECT COUNT(*) FROM vault_keys")
        .fetch_one(&mut c)
        .await
        .map_err(|e| e.to_string())?;
    Ok(n > 0)
}

/// The key file a server, the demo or a command opens with its database: read and checked
/// against the database, or — for a database that has never sealed a value — created.
/// Installs it as the process's vault; says what it did.
pub async fn open(db: &Db, path: &Path) -> Result<(Arc<Vault>, Opened), String> {
    let (file, how) = if path.exists() {
        (
            KeyFile::load(path).map_err(|e| e.to_string())?,
            Opened::Read,
        )
    } else if has_keys(db).await? {
        return Err(format!(
            "key file {} not found, and this database's personal fields are sealed with \
             the keys it holds: point `key_file` (LINLI_KEY_FILE) at it",
            path.display()
        ));
    } else {
        let file = KeyFile::generate(super::Algorithm::Aes256Gcm);
        file.write(path)
            .map_err(|e| format!("cannot write the key file {}: {e}", path.display()))?;
        (file, Opened::Created)
    };
    let vault = Arc::new(
        file.vault()
            .map_err(|e| format!("key file {}: {e}", path.display()))?,
    );
    check(db, &vault, path).await?;
    install(vault.clone(), Some(path.to_path_buf()));
    Ok((vault, how))
}

/// What [`open`] did with the key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    Read,
    Created,
}

/// The tests' vault (`vault::for_tests`), installed and recorded in `db`.
pub async fn for_tests_on(db: &Db) -> Result<(), String> {
    let file = super::for_tests();
    let vault = file.vault()?;
    check(db, &vault, Path::new("(the tests' key file)")).await
}

/// The tests' key file written to `path`, for a `linli` process a test starts on a
/// database it prepared.
pub fn write_for_tests(path: &Path) -> std::io::Result<()> {
    super::for_tests().write(path)
}
