//! The roster's personal fields sealed at rest (`vault`): a resident's ID number (found
//! again by its keyed hash, which is what keeps it unique), phone (found by its hash or
//! its last four digits') and health note.

use crate::vault::Column;
use crate::vault::sql::Sealed;

crate::sealed!(pub ResidentIdNumber = "residents"."id_number", [IdNumber => "id_number_hash"]);
crate::sealed!(pub ResidentPhone = "residents"."phone", [Phone => "phone_hash", PhoneTail => "phone_tail"]);
crate::sealed!(pub ResidentHealth = "residents"."health_note");

/// Every sealed column of the roster.
pub const SEALED: &[Column] = &[
    ResidentIdNumber::COLUMN,
    ResidentPhone::COLUMN,
    ResidentHealth::COLUMN,
];
