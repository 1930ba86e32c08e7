//! Keeping a child's fields sealed as birthdays pass: a record written before children's
//! fields were sealed (a database upgraded) is sealed once its resident is found under 14,
//! and a child who has turned 14 gets their name, gender and birth date back in the open
//! columns, where the roster's name search and age bands read them. Run by the daily
//! jobs; each row changes only if it still holds what was read.

use jiff::ToSpan;

use crate::clock::{Millis, china, civil_in};
use crate::db::{Db, DbResult, Q, Tx};
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

/// A resident's id and identity fields, opened.
type Identity = (i64, String, Option<String>, Option<String>);

type Sealed = (
    i64,
    Opened<ChildName>,
    Opened<ChildGender>,
    Opened<ChildBirthDate>,
);

/// One of the two passes.
enum Pass {
    /// Open records of residents born after this day (`YYYY-MM-DD`, 14 years ago).
    SealOpen(String),
    /// Sealed records of children.
    OpenGrown,
}

impl Pass {
    /// A batch of the residents the pass looks at, after an id.
    async fn batch(&self, tx: &mut Tx, after: i64) -> DbResult<Vec<Identity>> {
        match self {
            Pass::SealOpen(fourteen_ago) => {
                Q::new(
                    "SELECT id, name, gender, birth_date FROM residents WHERE child_name IS NULL \
                     AND anonymised_at IS NULL AND birth_date > $1 AND id > $2 ORDER BY id \
                     LIMIT $3",
                )
                .bind(fourteen_ago.as_str())
                .bind(after)
                .bind(BATCH)
                .fetch_all(tx)
                .await
            }
            Pass::OpenGrown => {
                let rows: Vec<Sealed> = Q::new(
                    "SELECT id, child_name, child_gender, child_birth_date FROM residents \
                     WHERE child_name IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(BATCH)
                .fetch_all(tx)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, n, g, b)| (id, n.into(), g.into(), b.into()))
                    .collect())
            }
        }
    }

    /// Whether it writes those who are children on the day (or those who are not).
    fn writes_children(&self) -> bool {
        matches!(self, Pass::SealOpen(_))
    }

    /// What must still hold of a row for it to be written.
    fn guard(&self) -> &'static str {
        match self {
            Pass::SealOpen(_) => "AND child_name IS NULL",
            Pass::OpenGrown => "AND child_name IS NOT NULL",
        }
    }
}

async fn seal_open(db: &Db, now: Millis) -> DbResult<u64> {
    let Some(day) = civil_in(now, &china()).map(|t| t.date()) else {
        return Ok(0);
    };
    let Ok(fourteen_ago) = day.checked_sub(CHILD_AGE.years()) else {
        return Ok(0);
    };
    walk(db, now, Pass::SealOpen(fourteen_ago.to_string())).await
}

async fn open_grown(db: &Db, now: Millis) -> DbResult<u64> {
    walk(db, now, Pass::OpenGrown).await
}

/// Walks the residents of the pass, a transaction per batch, and writes the identity
/// columns of each that the pass changes where its guard still holds: how many.
async fn walk(db: &Db, now: Millis, pass: Pass) -> DbResult<u64> {
    let update = format!("{UPDATE} {}", pass.guard());
    let (mut after, mut total) = (0i64, 0);
    loop {
        let mut tx = db.begin().await?;
        let rows = pass.batch(&mut tx, after).await?;
        let Some(last) = rows.last().map(|r| r.0) else {
            return Ok(total);
        };
        for (id, name, gender, birth) in &rows {
            if is_child_at(birth.as_deref(), now) != pass.writes_children() {
                continue;
            }
            let cols = IdentityColumns::kept(name, gender.as_deref(), birth.as_deref(), now);
            total += cols
                .bind(Q::new(update.clone()))
                .bind(*id)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        after = last;
    }
}
