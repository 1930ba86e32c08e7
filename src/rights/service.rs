//! The only door to the data subject's rights. Everything held about a resident goes
//! to the resident themself and to those who may see them whole (the office, admin, the
//! worker of their grid); anonymising is the office's (staff, secretary, admin) in the
//! resident's community. Both are written to the audit log.

use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::db::Exec;
use crate::error::{Code, Error, Result};
use crate::roster::model::{Pii, ResidentRow};
use crate::roster::scope::Kind;
use crate::roster::store::{self as roster_store, Place, Stored};
use crate::state::AppState;
use crate::web::i18n::{Lang, text_in};

use super::model::{Anonymised, Everything};
use super::store;

/// Audit entries an export carries at most.
const AUDIT_SHOWN: i64 = 500;
/// The longest reason for anonymising.
const MAX_REASON: usize = 100;

/// What an anonymised resident (and their sign-in, and their demands) is called instead.
pub fn anonymised_label(id: i64) -> String {
    text_in(Lang::default(), "rights.anonymised_name").replace("%{id}", &id.to_string())
}

async fn audit_row(
    ex: &mut impl Exec,
    actor: &Actor,
    row: &ResidentRow,
    action: &str,
    detail: &str,
    at: Millis,
) -> Result<()> {
    let entry = Entry {
        at,
        user_id: actor.user_id,
        action,
        object_kind: "resident",
        object_id: row.id,
        detail,
        place: Some(Place {
            street_id: row.street_id,
            community_id: row.community_id,
        }),
    };
    audit::record(ex, entry).await?;
    Ok(())
}

/// Everything Linli holds about resident `id`, whole; the copy is audited.
pub async fn everything(st: &AppState, actor: &Actor, id: i64) -> Result<Everything> {
    let mut tx = st.db.begin().await?;
    let row = roster_store::find::<ResidentRow>(&mut tx, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let own = actor.role == Role::Resident && actor.resident_id == Some(id);
    if !own {
        let scope = crate::roster::service::scope_in(&mut tx, actor).await?;
        scope.check_read(Kind::Resident, row.loc())?;
        if scope.pii(row.loc()) != Pii::Whole {
            return Err(Error::forbidden());
        }
    }
    let now = st.clock.now();
    let address = match row.household_id {
        Some(h) => roster_store::addresses(&mut tx, &[h])
            .await?
            .into_iter()
            .next()
            .map(|a| {
                [a.compound, a.building, a.unit_no, a.room]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        None => None,
    };
    let everything = Everything {
        address,
        accounts: store::accounts_of(&mut tx, id).await?,
        demands: store::demands_of(&mut tx, id).await?,
        consents: crate::roster::store::consents::of_person(&mut tx, id).await?,
        audit: store::audit_of(&mut tx, id, AUDIT_SHOWN).await?,
        anonymised_at: store::anonymised_at(&mut tx, id).await?,
        made_at: now,
        resident: row.clone().view(Pii::Whole),
    };
    let detail = format!("everything; role={}; own={own}", actor.role.as_str());
    audit_row(&mut tx, actor, &row, "subject_access", &detail, now).await?;
    tx.commit().await?;
    Ok(everything)
}

/// Takes resident `id` out of what Linli holds, keeping what the law and the figures
/// need (see [`store::anonymise`]); audited with `reason`.
pub async fn anonymise(st: &AppState, actor: &Actor, id: i64, reason: &str) -> Result<Anonymised> {
    if !matches!(actor.role, Role::Staff | Role::Secretary | Role::Admin) {
        return Err(Error::forbidden());
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::required("reason"));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Error::too_long("reason", MAX_REASON));
    }
    let mut tx = st.db.begin().await?;
    let row = roster_store::find::<ResidentRow>(&mut tx, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let scope = crate::roster::service::scope_in(&mut tx, actor).await?;
    scope.check_write(Kind::Resident, row.loc())?;
    if store::anonymised_at(&mut tx, id).await?.is_some() {
        return Err(Error::new(Code::AlreadyAnonymised));
    }
    let now = st.clock.now();
    let kept = store::anonymise(&mut tx, id, &anonymised_label(id), now).await?;
    let detail = format!(
        "reason={reason}; role={}; demands_kept={kept}",
        actor.role.as_str()
    );
    audit_row(&mut tx, actor, &row, "anonymise", &detail, now).await?;
    tx.commit().await?;
    Ok(Anonymised {
        resident_id: id,
        demands_kept: kept,
    })
}
