//! The roster's personal fields sealed at rest (`vault`): a resident's ID number (found
//! again by its keyed hash, which is what keeps it unique), phone (found by its hash or
//! its last four digits') and health note; every personal field of a child under 14 (name,
//! found by its keyed hash, gender, birth date); and the sensitive tags (disability, low income),
//! stored as their keyed hashes so that the tags table does not say who has them.

use super::{SENSITIVE_TAGS, is_sensitive};
use crate::vault::sql::{Sealed, blind_text};
use crate::vault::{Blind, Column};

crate::sealed!(pub ResidentIdNumber = "residents"."id_number", [IdNumber => "id_number_hash"]);
crate::sealed!(pub ResidentPhone = "residents"."phone", [Phone => "phone_hash", PhoneTail => "phone_tail"]);
crate::sealed!(pub ResidentHealth = "residents"."health_note");
// A child under 14: every personal field (`child`).
crate::sealed!(pub ChildName = "residents"."child_name", [Name => "child_name_hash"]);
crate::sealed!(pub ChildGender = "residents"."child_gender");
crate::sealed!(pub ChildBirthDate = "residents"."child_birth_date");

/// Every sealed column of the roster.
pub const SEALED: &[Column] = &[
    ResidentIdNumber::COLUMN,
    ResidentPhone::COLUMN,
    ResidentHealth::COLUMN,
    ChildName::COLUMN,
    ChildGender::COLUMN,
    ChildBirthDate::COLUMN,
];

/// What starts a sensitive tag as stored.
const HIDDEN_TAG: &str = "blind:";

/// A tag as the tags table keeps it: a sensitive one as its keyed hash, the others as
/// they are.
pub fn stored_tag(tag: &str) -> String {
    if is_sensitive(tag) {
        format!(
            "{HIDDEN_TAG}{}",
            blind_text(Blind::Tag, tag).unwrap_or_default()
        )
    } else {
        tag.to_string()
    }
}

/// The tag a stored one is; none for a hidden tag this index key did not make.
pub fn tag_of(stored: &str) -> Option<String> {
    if !stored.starts_with(HIDDEN_TAG) {
        return Some(stored.to_string());
    }
    SENSITIVE_TAGS
        .iter()
        .find(|t| stored_tag(t) == stored)
        .map(|t| t.to_string())
}
