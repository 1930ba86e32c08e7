//! Managing accounts: the admin's list of them (a keyset page with its total, by role and
//! by a part of the name), creating one attached to what its role needs, changing its role
//! and attachment, resetting its password, locking and opening it, and ending its tokens.
//! `/api/v1/accounts`, the admin's pages (`auth::pages`) and `linli admin create-user |
//! reset-password` all come here. Every write is audited in its own transaction.
//!
//! A grid worker's grids and a member's teams are the roster's (`/api/v1/grids`,
//! `/api/v1/teams/{id}/members`): an account is given to a grid there.

mod rules;
mod store;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit;
use crate::clock::{Millis, rfc3339};
use crate::db::{DbError, Exec};
use crate::error::{Code, Error, Result};
use crate::state::AppState;
use crate::web::validate;

use super::super::{Actor, Role};
use super::passwords::{self, hash};

pub use rules::{Link, MAX_DISPLAY_NAME, MAX_USERNAME, may_manage_accounts};
pub use store::Filter as AccountFilter;

/// Accounts on a page unless asked otherwise, and at most.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// An account as the admin sees it: never its password, nor its tokens.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub street_id: Option<i64>,
    pub street_name: Option<String>,
    pub community_id: Option<i64>,
    pub community_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub resident_id: Option<i64>,
    pub resident_name: Option<String>,
    /// False when an admin locked it: no sign-in, no token of it works.
    pub active: bool,
    /// Until when it is locked after failed sign-ins (RFC 3339), if it is now.
    pub locked_until: Option<String>,
    pub failed_logins: i64,
    /// Whether a second factor (TOTP) guards its sign-in.
    pub totp_enabled: bool,
    pub created_at: String,
}

impl Account {
    fn of(r: store::AccountRow, now: Millis) -> Account {
        Account {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: Role::parse(&r.role).unwrap_or(Role::Resident),
            street_id: r.street_id,
            street_name: r.street_name,
            community_id: r.community_id,
            community_name: r.community_name,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            resident_id: r.resident_id,
            resident_name: r.resident_name,
            active: r.active,
            locked_until: r.locked_until.filter(|t| *t > now).map(rfc3339),
            failed_logins: r.failed_logins,
            totp_enabled: r.totp_enabled,
            created_at: rfc3339(r.created_at),
        }
    }
}

/// One page of accounts by id, with how many the filter keeps in all. Pass `next_cursor`
/// back as `cursor` for the next page; it is null on the last one.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountPage {
    pub items: Vec<Account>,
    pub total: i64,
    pub next_cursor: Option<i64>,
}

/// A new account. Without a password one is generated and given back once.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: Option<String>,
    /// Defaults to the username.
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// A street account's street.
    pub street_id: Option<i64>,
    /// The community of a grid worker, volunteer, staff or secretary.
    pub community_id: Option<i64>,
    /// A unit account's unit.
    pub unit_id: Option<i64>,
    /// A resident account's resident record.
    pub resident_id: Option<i64>,
    /// As the password policy asks (`password_policy`: by default 12 characters or more,
    /// not a common password).
    pub password: Option<String>,
}

/// An account's role, display name and attachment, as a whole (what the role does not
/// need is cleared).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub resident_id: Option<i64>,
}

/// An account, and the password generated for it (shown once), if one was.
#[derive(Debug, Serialize, ToSchema)]
pub struct WithPassword {
    pub account: Account,
    /// Given once: it is stored only as a hash.
    pub generated_password: Option<String>,
}

/// What an account may be attached to: every street, community and unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct Places {
    pub streets: Vec<Place>,
    pub communities: Vec<Place>,
    pub units: Vec<Place>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Place {
    pub id: i64,
    pub name: String,
    /// The street of a community or unit.
    pub street: Option<String>,
}

/// A page of accounts the filter keeps, after `cursor`.
pub async fn list_accounts(
    st: &AppState,
    actor: &Actor,
    filter: &AccountFilter,
    limit: Option<i64>,
    cursor: Option<i64>,
) -> Result<AccountPage> {
    rules::may_manage_accounts(actor)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::out_of_range("limit", 1, MAX_LIMIT));
    }
    let filter = AccountFilter {
        q: validate::optional("q", filter.q.as_deref(), MAX_USERNAME)?,
        role: filter.role,
    };
    let now = st.clock.now();
    let mut c = st.db.conn().await?;
    let total = store::count(&mut c, &filter).await?;
    let mut rows = store::page(&mut c, &filter, cursor.unwrap_or(0), limit + 1).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(AccountPage {
        items: rows.into_iter().map(|r| Account::of(r, now)).collect(),
        total,
        next_cursor,
    })
}

/// One account.
pub async fn get_account(st: &AppState, actor: &Actor, id: i64) -> Result<Account> {
    rules::may_manage_accounts(actor)?;
    let mut c = st.db.conn().await?;
    load(&mut c, id, st.clock.now()).await
}

/// The streets, communities and units an account may be attached to.
pub async fn places(st: &AppState, actor: &Actor) -> Result<Places> {
    rules::may_manage_accounts(actor)?;
    let mut c = st.db.conn().await?;
    let (streets, communities, units) = store::places(&mut c).await?;
    let out = |v: Vec<store::PlaceRow>| {
        v.into_iter()
            .map(|p| Place {
                id: p.id,
                name: p.name,
                street: p.parent,
            })
            .collect()
    };
    Ok(Places {
        streets: out(streets),
        communities: out(communities),
        units: out(units),
    })
}

async fn load(ex: &mut impl Exec, id: i64, now: Millis) -> Result<Account> {
    store::find(ex, id)
        .await?
        .map(|r| Account::of(r, now))
        .ok_or_else(Error::not_found)
}

/// A password to set for `user_id` (none: a new account): the one given, checked by the
/// policy, or a generated one (and whether it was).
async fn new_password(
    st: &AppState,
    user_id: Option<i64>,
    given: Option<&str>,
) -> Result<(String, bool)> {
    match given.filter(|p| !p.is_empty()) {
        Some(p) => {
            passwords::check_new(st, user_id, p).await?;
            Ok((p.to_string(), false))
        }
        None => Ok((st.settings.password_policy.generate(), true)),
    }
}

/// The links the role needs, completed from the roster (the street of a community, the
/// place of a unit or of a resident); what the role does not need is cleared.
async fn place(ex: &mut impl Exec, role: Role, l: Link) -> Result<Link> {
    let unknown = |field: &str, code: Code| Error::invalid(field, code);
    Ok(match rules::needs(role, l)? {
        rules::Needs::Nothing => Link::default(),
        rules::Needs::Street(s) => {
            if !store::street_exists(ex, s).await? {
                return Err(unknown("street_id", Code::UnknownStreet));
            }
            Link {
                street_id: Some(s),
                ..Link::default()
            }
        }
        rules::Needs::Community(c) => {
            let s = store::community_street(ex, c)
                .await?
                .ok_or_else(|| unknown("community_id", Code::UnknownCommunity))?;
            Link {
                street_id: Some(s),
                community_id: Some(c),
                ..Link::default()
            }
        }
        rules::Needs::Unit(u) => {
            let (s, c) = store::unit_place(ex, u)
                .await?
                .ok_or_else(|| unknown("unit_id", Code::UnknownReference))?;
            Link {
                street_id: Some(s),
                community_id: c,
                unit_id: Some(u),
                resident_id: None,
            }
        }
        rules::Needs::Resident(r) => {
            let (s, c) = store::resident_place(ex, r)
                .await?
                .ok_or_else(|| unknown("resident_id", Code::UnknownResident))?;
            Link {
                street_id: Some(s),
                community_id: Some(c),
                unit_id: None,
                resident_id: Some(r),
            }
        }
    })
}

fn display_name(v: Option<&str>, or: &str) -> Result<String> {
    Ok(validate::optional("display_name", v, MAX_DISPLAY_NAME)?.unwrap_or_else(|| or.to_string()))
}

fn detail(role: Role, l: &Link) -> String {
    let mut d = format!("role={}", role.as_str());
    for (k, v) in [
        ("street", l.street_id),
        ("community", l.community_id),
        ("unit", l.unit_id),
        ("resident", l.resident_id),
    ] {
        if let Some(v) = v {
            d.push_str(&format!(" {k}={v}"));
        }
    }
    d
}

/// Creates an account attached to what its role needs; gives it with the generated
/// password, if none was given.
pub async fn create_account(st: &AppState, actor: &Actor, n: NewAccount) -> Result<WithPassword> {
    rules::may_manage_accounts(actor)?;
    let username = rules::username(n.username.as_deref())?;
    let display = display_name(n.display_name.as_deref(), &username)?;
    let role = n.role.ok_or_else(|| Error::required("role"))?;
    let (pw, generated) = new_password(st, None, n.password.as_deref()).await?;
    let link = Link {
        street_id: n.street_id,
        community_id: n.community_id,
        unit_id: n.unit_id,
        resident_id: n.resident_id,
    };
    let now = st.clock.now();
    {
        let mut c = st.db.conn().await?;
        if super::super::store::find_by_username(&mut c, &username)
            .await?
            .is_some()
        {
            return Err(Error::invalid("username", Code::UsernameTaken));
        }
        place(&mut c, role, link).await?;
    }
    let hash = hash(pw.clone()).await?;
    let mut tx = st.db.begin().await?;
    let link = place(&mut tx, role, link).await?;
    let id = super::super::store::insert(
        &mut tx,
        &super::super::store::NewUser {
            username: &username,
            display_name: &display,
            role,
            password_hash: &hash,
            password_is_demo: false,
            street_id: link.street_id,
            community_id: link.community_id,
            unit_id: link.unit_id,
            resident_id: link.resident_id,
            phone: None,
        },
        now,
    )
    .await
    .map_err(|e| match e {
        DbError::Duplicate(_) => Error::invalid("username", Code::UsernameTaken),
        other => Error::from(other),
    })?;
    passwords::remember(&mut tx, st, id, &hash, now).await?;
    let d = detail(role, &link);
    audit::record(&mut tx, entry(actor, "create_account", id, &d, now)).await?;
    let account = load(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(WithPassword {
        account,
        generated_password: generated.then_some(pw),
    })
}

/// Changes an account's display name, role and attachment. An admin keeps their own
/// role (the last admin must not lock everyone out); a grid worker who becomes something
/// else leaves their grids.
pub async fn change_account(
    st: &AppState,
    actor: &Actor,
    id: i64,
    ch: AccountChange,
) -> Result<Account> {
    rules::may_manage_accounts(actor)?;
    let role = ch.role.ok_or_else(|| Error::required("role"))?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    let old = load(&mut tx, id, now).await?;
    if id == actor.user_id && role != old.role {
        return Err(Error::invalid("role", Code::OwnAccount));
    }
    let display = display_name(ch.display_name.as_deref(), &old.display_name)?;
    let link = Link {
        street_id: ch.street_id,
        community_id: ch.community_id,
        unit_id: ch.unit_id,
        resident_id: ch.resident_id,
    };
    let link = place(&mut tx, role, link).await?;
    let placed = store::Placed {
        display_name: &display,
        role,
        street_id: link.street_id,
        community_id: link.community_id,
        unit_id: link.unit_id,
        resident_id: link.resident_id,
    };
    store::update(&mut tx, id, placed, now).await?;
    let moved = old.community_id != link.community_id;
    let left = if old.role == Role::GridWorker && (role != Role::GridWorker || moved) {
        store::leave_grids(&mut tx, id).await?
    } else {
        0
    };
    let mut d = format!("was {} now {}", detail_of(&old), detail(role, &link));
    if left > 0 {
        d.push_str(&format!(" left_grids={left}"));
    }
    audit::record(&mut tx, entry(actor, "change_account", id, &d, now)).await?;
    let account = load(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(account)
}

fn detail_of(a: &Account) -> String {
    detail(
        a.role,
        &Link {
            street_id: a.street_id,
            community_id: a.community_id,
            unit_id: a.unit_id,
            resident_id: a.resident_id,
        },
    )
}

/// Sets a new password (the one given, or a generated one, given back once); the account
/// is unlocked after failed sign-ins.
pub async fn reset_password(
    st: &AppState,
    actor: &Actor,
    id: i64,
    given: Option<&str>,
) -> Result<WithPassword> {
    rules::may_manage_accounts(actor)?;
    let now = st.clock.now();
    {
        let mut c = st.db.conn().await?;
        load(&mut c, id, now).await?;
    }
    let (pw, generated) = new_password(st, Some(id), given).await?;
    let hash = hash(pw.clone()).await?;
    let mut tx = st.db.begin().await?;
    if super::super::store::set_password(&mut tx, id, &hash, now).await? == 0 {
        return Err(Error::not_found());
    }
    passwords::remember(&mut tx, st, id, &hash, now).await?;
    let d = if generated { "generated" } else { "typed" };
    audit::record(&mut tx, entry(actor, "reset_password", id, d, now)).await?;
    let account = load(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(WithPassword {
        account,
        generated_password: generated.then_some(pw),
    })
}

/// Locks an account (no sign-in, none of its tokens works, until opened) or opens it,
/// which also ends a lock after failed sign-ins. An admin does not lock themselves.
pub async fn set_locked(st: &AppState, actor: &Actor, id: i64, locked: bool) -> Result<Account> {
    rules::may_manage_accounts(actor)?;
    if locked && id == actor.user_id {
        return Err(Error::invalid("id", Code::OwnAccount));
    }
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    load(&mut tx, id, now).await?;
    store::set_active(&mut tx, id, !locked, now).await?;
    let action = if locked {
        "lock_account"
    } else {
        "unlock_account"
    };
    audit::record(&mut tx, entry(actor, action, id, "", now)).await?;
    let account = load(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(account)
}

/// Ends every live token of an account (its sessions on the pages and the API, and its
/// API tokens); says how many.
pub async fn revoke_all_tokens(st: &AppState, actor: &Actor, id: i64) -> Result<u64> {
    rules::may_manage_accounts(actor)?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    load(&mut tx, id, now).await?;
    let n = store::revoke_all(&mut tx, id, now).await?;
    let d = format!("count={n}");
    audit::record(&mut tx, entry(actor, "revoke_all_tokens", id, &d, now)).await?;
    tx.commit().await?;
    Ok(n)
}

/// Finds an account by its username (the command line names accounts so).
pub async fn id_of(st: &AppState, actor: &Actor, username: &str) -> Result<i64> {
    rules::may_manage_accounts(actor)?;
    let mut c = st.db.conn().await?;
    super::super::store::find_by_username(&mut c, username)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| Error::invalid("username", Code::UnknownUser))
}

fn entry<'a>(
    actor: &Actor,
    action: &'a str,
    id: i64,
    detail: &'a str,
    now: Millis,
) -> audit::Entry<'a> {
    audit::Entry {
        at: now,
        user_id: actor.user_id,
        action,
        object_kind: "user",
        object_id: id,
        detail,
        place: None,
    }
}

/// The grid worker accounts of a community, by name, to give a grid to: for an admin, the
/// street of the community, and its own office (who may edit its grids).
pub async fn grid_workers(
    st: &AppState,
    actor: &Actor,
    community_id: i64,
) -> Result<Vec<(i64, String)>> {
    let mut c = st.db.conn().await?;
    may_pick_in(&mut c, actor, community_id).await?;
    Ok(store::grid_workers(&mut c, community_id).await?)
}

/// The active accounts of a community (residents aside), by name, to make team members
/// and leaders of: for those who may edit its teams, as [`grid_workers`].
pub async fn community_accounts(
    st: &AppState,
    actor: &Actor,
    community_id: i64,
) -> Result<Vec<(i64, String)>> {
    let mut c = st.db.conn().await?;
    may_pick_in(&mut c, actor, community_id).await?;
    Ok(store::community_accounts(&mut c, community_id).await?)
}

/// Whether the actor may pick people of the community for its grids and teams: an admin,
/// its street, its own office (who may edit them, `roster::scope`).
async fn may_pick_in(ex: &mut impl Exec, actor: &Actor, community_id: i64) -> Result<()> {
    let street = store::community_street(ex, community_id).await?;
    let allowed = match actor.role {
        Role::Admin => true,
        Role::Street => street.is_some() && actor.street_id == street,
        Role::Staff | Role::Secretary => actor.community_id == Some(community_id),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}
