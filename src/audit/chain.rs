//! The audit log as hash chains: one per community (chain 0 for what belongs to none —
//! sign-ins, accounts, a street's own objects). Each row has its place `seq` in its chain
//! and `hash` = H(hash of the row before ‖ the row's fields), so that editing a row breaks
//! its hash and deleting one breaks the sequence. The head of each chain (last place and
//! hash) is kept in `audit_heads` with a seal made with the key file
//! ([`crate::vault::Vault::sign`]): whoever can write the database but not read the key
//! file can neither cut the tail off nor rebuild the chain unseen.
//!
//! H is SHA-256, or SM3 when the key file is a 国密 one (SM4 with HMAC-SM3); each hash
//! says which (`sha256:…`, `sm3:…`), so a chain may change digest at a rotation.
//!
//! Appending takes the head's row lock (an `UPDATE` in the writing transaction): writers
//! to one community's chain line up, other communities' do not wait.

use sha2::Digest;

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};

/// The fields of a row that its hash covers, in this order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Link {
    pub id: i64,
    pub chain: Option<i64>,
    pub seq: Option<i64>,
    pub hash: Option<String>,
    pub at: Millis,
    pub user_id: Option<i64>,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<i64>,
    pub detail: String,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub client: Option<String>,
}

pub const LINK_COLUMNS: &str = "id, chain, seq, hash, at, user_id, action, object_kind, \
     object_id, detail, street_id, community_id, client";

/// The chain a row belongs to: its community's, else chain 0.
pub fn chain_of(community_id: Option<i64>) -> i64 {
    community_id.unwrap_or(0)
}

/// H(prev ‖ the row's fields at `seq` of `chain`), each field length-prefixed so that no
/// two rows encode alike.
pub fn digest(sm3: bool, prev: &str, chain: i64, seq: i64, l: &Link) -> String {
    fn field(out: &mut Vec<u8>, v: &[u8]) {
        out.extend_from_slice(&(v.len() as u64).to_be_bytes());
        out.extend_from_slice(v);
    }
    fn num(out: &mut Vec<u8>, v: Option<i64>) {
        match v {
            Some(n) => field(out, n.to_string().as_bytes()),
            None => field(out, b"-"),
        }
    }
    let mut m = Vec::with_capacity(256);
    field(&mut m, prev.as_bytes());
    num(&mut m, Some(chain));
    num(&mut m, Some(seq));
    num(&mut m, Some(l.at.0));
    num(&mut m, l.user_id);
    field(&mut m, l.action.as_bytes());
    field(&mut m, l.object_kind.as_bytes());
    num(&mut m, l.object_id);
    field(&mut m, l.detail.as_bytes());
    num(&mut m, l.street_id);
    num(&mut m, l.community_id);
    match &l.client {
        Some(c) => field(&mut m, c.as_bytes()),
        None => field(&mut m, b"-"),
    }
    if sm3 {
        format!("sm3:{}", hex::encode(sm3::Sm3::digest(&m)))
    } else {
        format!("sha256:{}", hex::encode(sha2::Sha256::digest(&m)))
    }
}

/// Whether `hash` is what the row's fields give after `prev` (with the digest it names).
pub fn holds(hash: &str, prev: &str, chain: i64, seq: i64, l: &Link) -> bool {
    let sm3 = hash.starts_with("sm3:");
    digest(sm3, prev, chain, seq, l) == hash
}

/// The seal of a chain's head or checkpoint.
pub fn seal(what: &str, chain: i64, seq: i64, hash: &str) -> String {
    crate::vault::current().sign(what, format!("{chain}:{seq}:{hash}").as_bytes())
}

pub const HEAD: &str = "audit-head";
pub const CHECKPOINT: &str = "audit-checkpoint";

/// The next place in `chain` and the hash before it, the head's row locked until the
/// transaction ends.
async fn take_head(ex: &mut impl Exec, chain: i64) -> DbResult<(i64, String)> {
    let bump = || {
        Q::new("UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1 RETURNING seq, hash")
            .bind(chain)
    };
    if let Some(h) = bump().fetch_optional::<(i64, String)>(ex).await? {
        return Ok(h);
    }
    Q::new(
        "INSERT INTO audit_heads (chain, seq, hash, seal) VALUES ($1, 0, '', '') \
         ON CONFLICT (chain) DO NOTHING",
    )
    .bind(chain)
    .execute(ex)
    .await?;
    bump().fetch_one::<(i64, String)>(ex).await
}

async fn set_head(ex: &mut impl Exec, chain: i64, seq: i64, hash: &str) -> DbResult<()> {
    Q::new("UPDATE audit_heads SET hash = $2, seal = $3 WHERE chain = $1")
        .bind(chain)
        .bind(hash)
        .bind(seal(HEAD, chain, seq, hash))
        .execute(ex)
        .await?;
    Ok(())
}

/// Places a row at the end of its chain: its `(chain, seq, hash)`, the head moved on.
pub async fn append(ex: &mut impl Exec, l: &Link) -> DbResult<(i64, i64, String)> {
    let chain = chain_of(l.community_id);
    let (seq, prev) = take_head(ex, chain).await?;
    let hash = digest(crate::vault::current().uses_sm3(), &prev, chain, seq, l);
    set_head(ex, chain, seq, &hash).await?;
    Ok((chain, seq, hash))
}

/// Rows per transaction when chaining what was written before the chain existed.
const ADOPT_BATCH: i64 = 1_000;

/// Chains the rows written before the chain existed (an upgraded database), oldest first;
/// returns how many. Run at start, before anything is served.
pub async fn adopt(db: &crate::db::Db) -> DbResult<u64> {
    let mut n = 0;
    loop {
        let mut tx = db.begin().await?;
        let rows: Vec<Link> = Q::new(format!(
            "SELECT {LINK_COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1"
        ))
        .bind(ADOPT_BATCH)
        .fetch_all(&mut tx)
        .await?;
        if rows.is_empty() {
            return Ok(n);
        }
        for l in &rows {
            let (chain, seq, hash) = append(&mut tx, l).await?;
            Q::new("UPDATE audit_log SET chain = $2, seq = $3, hash = $4 WHERE id = $1")
                .bind(l.id)
                .bind(chain)
                .bind(seq)
                .bind(hash)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        n += rows.len() as u64;
    }
}
