//! Sealed columns as sqlx reads them: a field declared `#[sqlx(try_from =
//! "Opened<Col>")]` is opened with the process's vault as the row is decoded, so no code
//! past the store ever holds a sealed value by mistake (or a plaintext one in the row).

use std::marker::PhantomData;

use sqlx::error::BoxDynError;
use sqlx::{Decode, Postgres, Sqlite, Type, ValueRef};

use super::{Column, current};

/// A sealed column, named by a marker type (`roster::store::ResidentPhone`).
pub trait Sealed {
    const COLUMN: Column;
}

/// A sealed column's value as read, opened; none where the column is NULL.
pub struct Opened<C>(Option<String>, PhantomData<C>);

impl<C> From<Opened<C>> for Option<String> {
    fn from(o: Opened<C>) -> Option<String> {
        o.0
    }
}

impl<C> From<Opened<C>> for String {
    fn from(o: Opened<C>) -> String {
        o.0.unwrap_or_default()
    }
}

macro_rules! engine {
    ($db:ty) => {
        impl<C> Type<$db> for Opened<C> {
            fn type_info() -> <$db as sqlx::Database>::TypeInfo {
                <String as Type<$db>>::type_info()
            }
            fn compatible(ty: &<$db as sqlx::Database>::TypeInfo) -> bool {
                <String as Type<$db>>::compatible(ty)
            }
        }

        impl<'r, C: Sealed> Decode<'r, $db> for Opened<C> {
            fn decode(v: <$db as sqlx::Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                if v.is_null() {
                    return Ok(Opened(None, PhantomData));
                }
                let stored = <&str as Decode<$db>>::decode(v)?;
                let plain = match current().open(C::COLUMN, stored) {
                    // Sealed with a key this process has not read yet (a rotation under
                    // way): the key file has it.
                    Err(super::VaultError::UnknownKey(_)) => {
                        super::reload().open(C::COLUMN, stored)?
                    }
                    other => other?,
                };
                Ok(Opened(Some(plain), PhantomData))
            }
        }
    };
}

engine!(Sqlite);
engine!(Postgres);

/// Declares a sealed column once: its marker type (for `#[sqlx(try_from = "Opened<…>")]`)
/// and its [`Column`] with the columns of its lookup hashes.
///
/// ```ignore
/// linli::sealed!(pub ResidentPhone = "residents"."phone", [Phone => "phone_hash"]);
/// ```
#[macro_export]
macro_rules! sealed {
    ($vis:vis $name:ident = $table:literal . $column:literal $(, [$($kind:ident => $hash:literal),* $(,)?])?) => {
        #[doc = concat!("The sealed column `", $table, ".", $column, "`.")]
        $vis struct $name;
        impl $crate::vault::sql::Sealed for $name {
            const COLUMN: $crate::vault::Column = $crate::vault::Column {
                table: $table,
                name: $column,
                blinds: &[$($(($crate::vault::Blind::$kind, $hash)),*)?],
            };
        }
    };
}

/// What to write in a sealed column for `plain`: sealed with the active key.
pub fn seal<C: Sealed>(plain: Option<&str>) -> Option<String> {
    plain.map(|p| current().seal(C::COLUMN, p))
}

/// The lookup hashes to write beside it, in the order the column declares them.
pub fn blinds<C: Sealed>(plain: Option<&str>) -> Vec<Option<Vec<u8>>> {
    current().blinds(C::COLUMN, plain)
}

/// A value to look a sealed column up by: its keyed hash of `kind`.
pub fn blind(kind: super::Blind, value: &str) -> Option<Vec<u8>> {
    kind.part(value).map(|p| current().blind(kind, p))
}

/// The same hash as text, where a text column keeps it (a sensitive tag).
pub fn blind_text(kind: super::Blind, value: &str) -> Option<String> {
    kind.part(value).map(|p| current().blind_text(kind, p))
}
