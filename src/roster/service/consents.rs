//! Guardians' consents (PIPL art. 31): recorded on the household for a child under 14 by
//! an adult of the same household, shown on the child's record, withdrawn when the
//! guardian asks. Recording and withdrawing are written to the audit log on the child.

use crate::auth::Actor;
use crate::error::{Code, Error, Result};
use crate::roster::model::child::{ConsentInput, GuardianConsent, is_adult_at, is_child_at};
use crate::roster::model::{Household, ResidentRow};
use crate::roster::scope::Kind;
use crate::roster::store::{self, Stored, consents};
use crate::state::AppState;

use super::write::Write;

/// The consents recorded on a household the caller sees, newest first.
pub async fn household_consents(
    st: &AppState,
    actor: &Actor,
    household_id: i64,
) -> Result<Vec<GuardianConsent>> {
    let h: Household = super::get(st, actor, household_id).await?;
    let mut conn = st.db.conn().await?;
    Ok(consents::of_household(&mut conn, h.id).await?)
}

/// The consents recorded for a resident the caller sees (none for an adult), newest
/// first.
pub async fn child_consents(
    st: &AppState,
    actor: &Actor,
    child_id: i64,
) -> Result<Vec<GuardianConsent>> {
    let mut conn = st.db.conn().await?;
    let scope = super::scope_in(&mut conn, actor).await?;
    let child = store::find::<ResidentRow>(&mut conn, child_id)
        .await?
        .ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Resident, child.loc())?;
    Ok(consents::of_child(&mut conn, child_id).await?)
}

/// Records a guardian's consent for a child of the household.
pub async fn record_consent(
    st: &AppState,
    actor: &Actor,
    household_id: i64,
    c: ConsentInput,
) -> Result<GuardianConsent> {
    let mut w = Write::begin(st, actor).await?;
    let h: Household = w.load(household_id).await?;
    let child = store::find::<ResidentRow>(&mut w.tx, c.child_id)
        .await?
        .filter(|r| r.household_id == Some(h.id))
        .ok_or_else(|| super::refs::unknown("child_id"))?;
    if !child.child && !is_child_at(child.birth_date.as_deref(), w.now) {
        return Err(Error::invalid("child_id", Code::NotAChild));
    }
    let id = given(&mut w, &child, c).await?;
    let made = consents::find(&mut w.tx, id).await?;
    w.tx.commit().await?;
    made.ok_or_else(|| Error::internal("a consent written is not there"))
}

/// Writes the consent `c` for `child` (of a household, a child on the write's day) in
/// the write, with its audit row; refused when the guardian is not an adult of the
/// child's household, or a consent is already in force.
pub(super) async fn given(w: &mut Write, child: &ResidentRow, c: ConsentInput) -> Result<i64> {
    let household = child
        .household_id
        .ok_or_else(|| Error::invalid("household_id", Code::GuardianConsentRequired))?;
    let guardian = store::find::<ResidentRow>(&mut w.tx, c.guardian_id).await?;
    let fits = guardian.as_ref().is_some_and(|g| {
        g.id != child.id
            && g.household_id == Some(household)
            && is_adult_at(g.birth_date.as_deref(), w.now)
    });
    if !fits {
        return Err(Error::invalid("guardian_id", Code::InvalidGuardian));
    }
    let in_force = consents::of_child(&mut w.tx, child.id).await?;
    if in_force.iter().any(GuardianConsent::in_force) {
        return Err(Error::new(Code::ConsentInForce));
    }
    let at = super::refs::place_of(child.loc())?;
    let by = Some(w.user_id);
    let id = consents::insert(&mut w.tx, at, household, &c, by, w.now).await?;
    let detail = format!(
        "consent={id}; guardian={}; method={}",
        c.guardian_id,
        c.method.as_str()
    );
    w.entry("guardian_consent", child, &detail).await?;
    Ok(id)
}

/// Withdraws a consent still in force. What was recorded under it stays until the
/// child's record is anonymised or removed, which the record then asks for.
pub async fn withdraw_consent(
    st: &AppState,
    actor: &Actor,
    consent_id: i64,
) -> Result<GuardianConsent> {
    let mut w = Write::begin(st, actor).await?;
    let c = consents::find(&mut w.tx, consent_id)
        .await?
        .ok_or_else(Error::not_found)?;
    let _: Household = w.load(c.household_id).await?;
    if !consents::withdraw(&mut w.tx, c.id, w.user_id, w.now).await? {
        return Err(Error::new(Code::ConsentWithdrawn));
    }
    let child = store::find::<ResidentRow>(&mut w.tx, c.child_id)
        .await?
        .ok_or_else(Error::not_found)?;
    w.entry("withdraw_consent", &child, &format!("consent={}", c.id))
        .await?;
    let made = consents::find(&mut w.tx, c.id).await?;
    w.tx.commit().await?;
    made.ok_or_else(|| Error::internal("a consent written is not there"))
}

/// Who may consent for a child of the household: its residents of 18 or over, by id and
/// name.
pub async fn guardians_for(
    st: &AppState,
    actor: &Actor,
    household_id: i64,
) -> Result<Vec<(i64, String)>> {
    let mut conn = st.db.conn().await?;
    let scope = super::scope_in(&mut conn, actor).await?;
    let filter = crate::roster::model::ResidentFilter {
        household_id: Some(household_id),
        ..Default::default()
    };
    let paging = crate::roster::model::Paging {
        limit: 100,
        after: 0,
    };
    let page = store::list(&mut conn, &scope, &filter, paging).await?;
    let now = st.clock.now();
    Ok(page
        .items
        .into_iter()
        .filter(|r| is_adult_at(r.birth_date.as_deref(), now))
        .map(|r| (r.id, r.name))
        .collect())
}
