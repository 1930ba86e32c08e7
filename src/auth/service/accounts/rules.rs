//! The decisions about accounts, without a database: who may manage them, what a
//! username may be, and what each role must be attached to.

use crate::error::{Code, Error, Result};

use super::super::super::{Actor, Role};

/// The longest username and display name.
pub const MAX_USERNAME: usize = 40;
pub const MAX_DISPLAY_NAME: usize = 50;

/// Accounts are an admin's: nobody else creates, changes, resets or locks them (the
/// street and the secretary run their communities through the roster, not accounts).
pub fn may_manage_accounts(actor: &Actor) -> Result<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// A username: trimmed, required, at most [`MAX_USERNAME`] characters, letters, digits
/// and `_ . -` only (it is typed at every sign-in, on a phone too).
pub fn username(v: Option<&str>) -> Result<String> {
    let s = v.map(str::trim).unwrap_or_default();
    if s.is_empty() {
        return Err(Error::required("username"));
    }
    if s.chars().count() > MAX_USERNAME {
        return Err(Error::too_long("username", MAX_USERNAME));
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err(Error::invalid("username", Code::InvalidUsername));
    }
    Ok(s.to_string())
}

/// What an account is attached to, as asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub resident_id: Option<i64>,
}

/// The one attachment a role needs, and which field carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    Street(i64),
    Community(i64),
    Unit(i64),
    Resident(i64),
}

/// What the role needs from what was asked: a resident their resident record, a unit
/// account its unit, a street account its street, the community's roles their community,
/// an admin nothing. The rest of the link (the street of a community, the community of a
/// resident) is read from the roster, never taken from the form.
pub fn needs(role: Role, l: Link) -> Result<Needs> {
    let need = |v: Option<i64>, field: &str| v.ok_or_else(|| Error::required(field));
    Ok(match role {
        Role::Admin => Needs::Nothing,
        Role::Street => Needs::Street(need(l.street_id, "street_id")?),
        Role::Unit => Needs::Unit(need(l.unit_id, "unit_id")?),
        Role::Resident => Needs::Resident(need(l.resident_id, "resident_id")?),
        Role::GridWorker | Role::Volunteer | Role::Staff | Role::Secretary => {
            Needs::Community(need(l.community_id, "community_id")?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_admin_manages_accounts() {
        let mut a = Actor::system();
        assert!(may_manage_accounts(&a).is_ok());
        for r in [Role::Street, Role::Secretary, Role::Staff, Role::GridWorker] {
            a.role = r;
            assert_eq!(may_manage_accounts(&a).unwrap_err().code, Code::Forbidden);
        }
    }

    #[test]
    fn a_username_is_short_plain_and_there() {
        assert_eq!(username(Some("  li.jz_01 ")).unwrap(), "li.jz_01");
        assert_eq!(username(Some("网格员李")).unwrap(), "网格员李");
        let code = |v| username(v).unwrap_err().code;
        assert_eq!(code(None), Code::MissingField);
        assert_eq!(code(Some("  ")), Code::MissingField);
        assert_eq!(code(Some("li jz")), Code::InvalidUsername);
        assert_eq!(code(Some("a\u{0}b")), Code::InvalidUsername);
        assert_eq!(code(Some(&"x".repeat(41))), Code::TextTooLong);
        assert_eq!(
            username(Some("a b")).unwrap_err().field.as_deref(),
            Some("username")
        );
    }

    #[test]
    fn each_role_needs_its_one_attachment() {
        let l = Link {
            street_id: Some(1),
            community_id: Some(2),
            unit_id: Some(3),
            resident_id: Some(4),
        };
        assert_eq!(needs(Role::Admin, Link::default()).unwrap(), Needs::Nothing);
        assert_eq!(needs(Role::Street, l).unwrap(), Needs::Street(1));
        assert_eq!(needs(Role::GridWorker, l).unwrap(), Needs::Community(2));
        assert_eq!(needs(Role::Unit, l).unwrap(), Needs::Unit(3));
        assert_eq!(needs(Role::Resident, l).unwrap(), Needs::Resident(4));
        let e = needs(Role::Staff, Link::default()).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::MissingField, Some("community_id"))
        );
        let e = needs(Role::Resident, Link::default()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resident_id"));
    }
}
