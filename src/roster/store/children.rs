//! Keeping a child's fields sealed as birthdays pass: a record written before children's
//! fields were sealed (a database upgraded) is sealed once its resident is found under 14,
//! and a child who has turned 14 gets their name, gender and birth date back in the open
//! columns, where the roster's name search and age bands read them. Run by the daily
//! jobs; each row changes only if it still holds what was read.

use jiff::ToSpan;

use crate::clock::{Millis, china, civil_in};
use crate::db::{Db, DbResult, Q};
use crate::roster::model::child::{CHILD_AGE, is_child_at};
use crate::roster::model::sealed::{ChildBirthDate, ChildGender, ChildName};
use crate::vault::sql::Opened;

use super::IdentityColumns;

/// Rows read and written at a time.
const BATCH: i64 = 500;

/// Seals the open records of children and opens those of children grown to 14: how many
/// of each.
pub async fn pass(db: &Db, now: Millis) -> DbResult<(u64, u64)> {
    Ok((seal_open(db, now).await?, open_grown(db, now).await?))
}

const UPDATE: &str = "UPDATE residents SET name = $1, gender = $2, birth_date = $3, \
    child_name = $4, child_name_hash = $5, child_gender = $6, child_birth_date = $7 \
    WHERE id = $8";

async fn seal_open(db: &Db, now: Millis) -> DbResult<u64> {
    let Some(day) = civil_in(now, &china()).map(|t| t.date()) else {
        return Ok(0);
    };
    let Ok(fourteen_ago) = day.checked_sub(CHILD_AGE.years()) else {
        return Ok(0);
    };
    let (mut after, mut total) = (0i64, 0);
    loop {
        let mut tx = db.begin().await?;
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = Q::new(
            "SELECT id, name, gender, birth_date FROM residents WHERE child_name IS NULL \
             AND anonymised_at IS NULL AND birth_date > $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(fourteen_ago.to_string())
        .bind(after)
        .bind(BATCH)
        .fetch_all(&mut tx)
        .await?;
        let Some(last) = rows.last().map(|r| r.0) else {
            return Ok(total);
        };
        for (id, name, gender, birth) in &rows {
            if !is_child_at(birth.as_deref(), now) {
                continue;
            }
            let cols = IdentityColumns::kept(name, gender.as_deref(), birth.as_deref(), now);
            total += cols
                .bind(Q::new(format!("{UPDATE} AND child_name IS NULL")))
                .bind(*id)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        after = last;
    }
}

type Sealed = (
    i64,
    Opened<ChildName>,
    Opened<ChildGender>,
    Opened<ChildBirthDate>,
);

async fn open_grown(db: &Db, now: Millis) -> DbResult<u64> {
    let mut after = 0i64;
    let mut total = 0;
    loop {
        let mut tx = db.begin().await?;
        let rows: Vec<Sealed> = Q::new(
            "SELECT id, child_name, child_gender, child_birth_date FROM residents \
             WHERE child_name IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(BATCH)
        .fetch_all(&mut tx)
        .await?;
        let Some(last) = rows.last().map(|r| r.0) else {
            return Ok(total);
        };
        for (id, name, gender, birth) in rows {
            let (name, gender, birth): (String, Option<String>, Option<String>) =
                (name.into(), gender.into(), birth.into());
            if is_child_at(birth.as_deref(), now) {
                continue;
            }
            let cols = IdentityColumns::kept(&name, gender.as_deref(), birth.as_deref(), now);
            total += cols
                .bind(Q::new(format!("{UPDATE} AND child_name IS NOT NULL")))
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        after = last;
    }
}
