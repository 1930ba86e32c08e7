//! A moment in time as both engines store it idiomatically: an `INTEGER` of milliseconds on
//! SQLite, a `timestamptz` on PostgreSQL. In Rust it is milliseconds since the Unix epoch.

use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};

/// A moment: milliseconds since 1970-01-01T00:00:00Z. Adding or subtracting a whole number
/// of milliseconds gives another moment; two moments differ by a number of milliseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Millis(pub i64);

impl Millis {
    /// 0001-01-01: before anything Linli records, and still a valid `timestamptz`.
    pub const MIN: Millis = Millis(-62_135_596_800_000);
    /// 9999-12-31: after anything Linli records, and still a valid `timestamptz`.
    pub const MAX: Millis = Millis(253_402_300_799_000);
}

impl Add<i64> for Millis {
    type Output = Millis;
    fn add(self, ms: i64) -> Millis {
        Millis(self.0 + ms)
    }
}

impl AddAssign<i64> for Millis {
    fn add_assign(&mut self, ms: i64) {
        self.0 += ms;
    }
}

impl Sub<i64> for Millis {
    type Output = Millis;
    fn sub(self, ms: i64) -> Millis {
        Millis(self.0 - ms)
    }
}

impl Sub<Millis> for Millis {
    type Output = i64;
    fn sub(self, other: Millis) -> i64 {
        self.0 - other.0
    }
}

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::clock::rfc3339(*self))
    }
}

impl Type<Sqlite> for Millis {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Millis {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'q, Sqlite>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Millis {
    fn decode(value: SqliteValueRef<'r>) -> Result<Millis, BoxDynError> {
        Ok(Millis(<i64 as Decode<'r, Sqlite>>::decode(value)?))
    }
}

/// `timestamptz` counts microseconds from 2000-01-01T00:00:00Z.
const PG_EPOCH_MS: i64 = 946_684_800_000;
const TIMESTAMPTZ: Oid = Oid(1184);

impl Type<Postgres> for Millis {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(TIMESTAMPTZ)
    }
}

impl Encode<'_, Postgres> for Millis {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let micros = (self.0 - PG_EPOCH_MS)
            .checked_mul(1000)
            .ok_or("moment out of range for PostgreSQL")?;
        <i64 as Encode<'_, Postgres>>::encode_by_ref(&micros, buf)
    }

    fn size_hint(&self) -> usize {
        8
    }
}

impl<'r> Decode<'r, Postgres> for Millis {
    fn decode(value: PgValueRef<'r>) -> Result<Millis, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let micros = <i64 as Decode<'r, Postgres>>::decode(value)?;
                Ok(Millis(micros.div_euclid(1000) + PG_EPOCH_MS))
            }
            PgValueFormat::Text => {
                // `2026-11-25 09:30:00.123+08`: make it RFC 3339 for jiff.
                let s = value.as_str()?.replacen(' ', "T", 1);
                let s = match s.rfind(['+', '-']) {
                    Some(i) if i > 10 && s.len() - i == 3 => format!("{s}:00"),
                    _ => s,
                };
                let t: jiff::Timestamp = s.parse()?;
                Ok(Millis(t.as_millisecond()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_and_durations() {
        let t = Millis(1_000);
        assert_eq!(t + 500, Millis(1_500));
        assert_eq!(t - 500, Millis(500));
        assert_eq!(Millis(3_000) - t, 2_000);
        assert!(t < t + 1);
    }
}
