//! Pure decisions of the roster besides scope (`scope.rs`): what a change of an object is,
//! field by field, as the audit log records it, whether an edit was made on the object as
//! it still is, and the reason a whole view of personal fields gives.

use crate::clock::Millis;
use crate::error::{Code, Error, Result};
use crate::roster::model::{Field, FieldChange};

/// An edit made on the object as the editor read it (`seen`, its `version`) applies only
/// while the object is still so: someone else's change since is not overwritten unseen.
/// An edit without a version applies to the object as it is.
pub fn unchanged_since(seen: Option<i64>, stored: Millis) -> Result<()> {
    match seen {
        Some(v) if v != stored.0 => Err(Error::new(Code::VersionConflict)),
        _ => Ok(()),
    }
}

/// The longest reason a whole view may give.
pub const MAX_REVEAL_REASON: usize = 100;

/// Why the caller asks to see personal fields whole (`?reveal=`): `None` when they do
/// not ask, else the reason trimmed. A blank reason is no reason; a long one is refused.
/// The roster's residents and the demands' reporter phone ask alike.
pub fn reveal_reason(reveal: Option<&str>) -> Result<Option<&str>> {
    match reveal.map(str::trim) {
        None => Ok(None),
        Some("") => Err(Error::required("reveal")),
        Some(r) if r.chars().count() > MAX_REVEAL_REASON => {
            Err(Error::too_long("reveal", MAX_REVEAL_REASON))
        }
        Some(r) => Ok(Some(r)),
    }
}

/// The fields that differ between an object before (`old`, empty for a create) and after
/// (`new`, empty for a delete), in the order the object lists them. Hidden fields are
/// compared here and recorded by name only.
pub fn changes(old: &[Field], new: &[Field]) -> Vec<FieldChange> {
    let names = new.iter().chain(old).map(|f| f.name.as_str());
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for name in names {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let value = |fields: &[Field]| {
            fields
                .iter()
                .find(|f| f.name == name)
                .and_then(|f| f.value.clone())
        };
        let (before, after) = (value(old), value(new));
        if before == after {
            continue;
        }
        let hidden = new.iter().chain(old).any(|f| f.name == name && f.hidden);
        out.push(FieldChange {
            field: name.to_string(),
            old: before.filter(|_| !hidden),
            new: after.filter(|_| !hidden),
            hidden,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_view_gives_a_reason_of_its_own() {
        assert_eq!(reveal_reason(None), Ok(None));
        assert_eq!(reveal_reason(Some(" 回电 ")), Ok(Some("回电")));
        for blank in ["", "  "] {
            assert_eq!(
                reveal_reason(Some(blank)).unwrap_err().code,
                Code::MissingField
            );
        }
        let long = "字".repeat(MAX_REVEAL_REASON + 1);
        assert_eq!(
            reveal_reason(Some(&long)).unwrap_err().code,
            Code::TextTooLong
        );
        let longest = "字".repeat(MAX_REVEAL_REASON);
        assert!(reveal_reason(Some(&longest)).is_ok());
    }

    #[test]
    fn an_edit_applies_only_to_the_version_it_was_made_on() {
        assert!(unchanged_since(None, Millis(5)).is_ok());
        assert!(unchanged_since(Some(5), Millis(5)).is_ok());
        let e = unchanged_since(Some(4), Millis(5)).unwrap_err();
        assert_eq!(e.code, Code::VersionConflict);
    }

    fn fields(name: &str, phone: Option<&str>) -> Vec<Field> {
        vec![
            Field::plain("name", &name.to_string()),
            Field::hidden("phone", &phone.map(str::to_string)),
        ]
    }

    #[test]
    fn an_edit_records_what_changed_and_keeps_personal_values_out() {
        let old = fields("潘阿姨", Some("13912345678"));
        let new = fields("潘秀英", Some("13912340000"));
        let c = changes(&old, &new);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (
                c[0].field.as_str(),
                c[0].old.as_deref(),
                c[0].new.as_deref()
            ),
            ("name", Some("潘阿姨"), Some("潘秀英"))
        );
        assert_eq!((c[1].field.as_str(), c[1].hidden), ("phone", true));
        assert_eq!((c[1].old.as_deref(), c[1].new.as_deref()), (None, None));
        assert!(changes(&old, &old).is_empty());
    }

    #[test]
    fn a_create_lists_what_is_set_and_a_delete_what_was() {
        let r = fields("潘阿姨", None);
        let created = changes(&[], &r);
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].new.as_deref(), Some("潘阿姨"));
        let deleted = changes(&fields("潘阿姨", Some("13912345678")), &[]);
        assert_eq!(deleted.len(), 2);
        assert_eq!(deleted[0].old.as_deref(), Some("潘阿姨"));
        assert!(deleted[1].hidden && deleted[1].old.is_none());
    }
}
