//! Sealing what is not yet sealed with the active key: values written before encryption (a
//! database upgraded to it) and values sealed with an older key (a rotation). Value by
//! value, in batches by id, each row changed only if it still holds what was read, so the
//! server may keep serving and writing meanwhile; a pass killed half-way leaves every
//! value readable (sealed with one key or the other) and the next pass goes on.

use crate::db::{Db, Q};

use super::{Column, Vault, is_sealed};

/// Rows read and written at a time.
const BATCH: i64 = 500;

/// Seals every value of `columns` not sealed with the active key; returns how many it
/// sealed, and reports each batch as `progress(column, sealed so far)`.
pub async fn run(
    db: &Db,
    vault: &Vault,
    columns: &[Column],
    mut progress: impl FnMut(&Column, u64),
) -> Result<u64, String> {
    let active = format!("enc1:{}:%", vault.active());
    let mut total = 0;
    for col in columns {
        let (t, c) = (col.table, col.name);
        let select = format!(
            "SELECT id, {c} FROM {t} WHERE {c} IS NOT NULL AND {c} NOT LIKE $1 AND id > $2 \
             ORDER BY id LIMIT {BATCH}"
        );
        let mut sets = format!("{c} = $1");
        for (i, (_, h)) in col.blinds.iter().enumerate() {
            sets.push_str(&format!(", {h} = ${}", i + 2));
        }
        let n = col.blinds.len();
        let update = format!(
            "UPDATE {t} SET {sets} WHERE id = ${} AND {c} = ${}",
            n + 2,
            n + 3
        );
        let mut after = 0i64;
        let mut sealed = 0u64;
        loop {
            let mut conn = db.conn().await.map_err(|e| e.to_string())?;
            let rows: Vec<(i64, String)> = Q::new(select.clone())
                .bind(active.clone())
                .bind(after)
                .fetch_all(&mut conn)
                .await
                .map_err(|e| format!("{t}.{c}: {e}"))?;
            drop(conn);
            let Some(last) = rows.last().map(|r| r.0) else {
                break;
            };
            let mut tx = db.begin().await.map_err(|e| e.to_string())?;
            for (id, stored) in &rows {
                let plain = if is_sealed(stored) {
                    vault
                        .open(*col, stored)
                        .map_err(|e| format!("{t} {id}: {e}"))?
                } else {
                    stored.clone()
                };
                let mut q = Q::new(update.clone()).bind(vault.seal(*col, &plain));
                for h in vault.blinds(*col, Some(&plain)) {
                    q = q.bind(h);
                }
                q.bind(*id)
                    .bind(stored.clone())
                    .execute(&mut tx)
                    .await
                    .map_err(|e| format!("{t}.{c}: {e}"))?;
            }
            tx.commit().await.map_err(|e| e.to_string())?;
            sealed += rows.len() as u64;
            progress(col, sealed);
            after = last;
        }
        total += sealed;
    }
    Ok(total)
}

/// How many values of `columns` are not sealed with the active key (what a pass has left).
pub async fn left(db: &Db, vault: &Vault, columns: &[Column]) -> Result<u64, String> {
    let active = format!("enc1:{}:%", vault.active());
    let mut n = 0;
    let mut conn = db.conn().await.map_err(|e| e.to_string())?;
    for col in columns {
        let (t, c) = (col.table, col.name);
        let sql = format!("SELECT COUNT(*) FROM {t} WHERE {c} IS NOT NULL AND {c} NOT LIKE $1");
        let (k,): (i64,) = Q::new(sql)
            .bind(active.clone())
            .fetch_one(&mut conn)
            .await
            .map_err(|e| format!("{t}.{c}: {e}"))?;
        n += u64::try_from(k).unwrap_or(0);
    }
    Ok(n)
}

/// What a finished pass covered: the sealed columns (and whatever else the caller seals
/// with them, `extra`), as one text.
pub fn covering(columns: &[Column], extra: &[&str]) -> String {
    let mut parts: Vec<String> = columns
        .iter()
        .map(|c| format!("{}.{}", c.table, c.name))
        .collect();
    parts.extend(extra.iter().map(|e| e.to_string()));
    parts.join(",")
}

/// Whether a pass already left nothing unsealed with the active key over `sealed`.
pub async fn done(db: &Db, vault: &Vault, sealed: &str) -> Result<bool, String> {
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let row: Option<(i64, String)> =
        Q::new("SELECT active_key, sealed FROM vault_pass WHERE id = 1")
            .fetch_optional(&mut c)
            .await
            .map_err(|e| e.to_string())?;
    Ok(row == Some((i64::from(vault.active()), sealed.to_string())))
}

/// Records that nothing over `sealed` is left unsealed with the active key.
pub async fn finished(db: &Db, vault: &Vault, sealed: &str) -> Result<(), String> {
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    Q::new(
        "INSERT INTO vault_pass (id, active_key, sealed, finished_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET active_key = excluded.active_key, \
         sealed = excluded.sealed, finished_at = excluded.finished_at",
    )
    .bind(i64::from(vault.active()))
    .bind(sealed)
    .bind(crate::clock::system_now())
    .execute(&mut tx)
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}
