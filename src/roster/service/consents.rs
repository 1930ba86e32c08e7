//! Guardians' consents (PIPL art. 31): recorded on the household for a child under 14 by
//! an adult of the same household, shown on the child's record, withdrawn when the
//! guardian asks. The office that keeps the household records and withdraws them; so does
//! a guardian on the portal, for the children of their own household, online and in their
//! own name. Recording and withdrawing are written to the audit log on the child.

use crate::auth::{Actor, Role};
use crate::error::{Code, Error, Result};
use crate::roster::model::child::{
    ConsentInput, ConsentMethod, Family, FamilyChild, GuardianConsent, is_adult_at, is_child_at,
};
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
    let mut conn = st.db.conn().await?;
    let id = match guardian_of(&mut conn, actor, household_id, st.clock.now()).await? {
        Some(_) => household_id,
        None => super::get::<Household>(st, actor, household_id).await?.id,
    };
    Ok(consents::of_household(&mut conn, id).await?)
}

/// Who a caller is to a household's consents: `Some(them)` for a resident of 18 or over
/// living in it (a guardian on the portal); `None` for everyone else, whom the roster's
/// scope then decides on. A resident of another household, or not of age, is told the
/// household is not there (404), as the roster tells anyone out of scope.
async fn guardian_of(
    ex: &mut impl crate::db::Exec,
    actor: &Actor,
    household_id: i64,
    now: crate::clock::Millis,
) -> Result<Option<ResidentRow>> {
    if actor.role != Role::Resident {
        return Ok(None);
    }
    let me = match actor.resident_id {
        Some(id) => store::find::<ResidentRow>(ex, id).await?,
        None => None,
    };
    me.filter(|m| m.household_id == Some(household_id) && is_adult_at(m.birth_date.as_deref(), now))
        .map(Some)
        .ok_or_else(Error::not_found)
}

/// The household of the caller's record, for a resident (403 for a resident with none,
/// and for every other role: the portal's page is a resident's).
async fn own_household(ex: &mut impl crate::db::Exec, actor: &Actor) -> Result<ResidentRow> {
    let me = match (actor.role, actor.resident_id) {
        (Role::Resident, Some(id)) => store::find::<ResidentRow>(ex, id).await?,
        _ => None,
    };
    me.filter(|m| m.household_id.is_some())
        .ok_or_else(Error::forbidden)
}

/// The children under 14 of the caller's own household with their consents, for a
/// guardian on the portal; whether the caller may give or withdraw one (of age).
pub async fn my_family(st: &AppState, actor: &Actor) -> Result<Family> {
    let mut conn = st.db.conn().await?;
    let me = own_household(&mut conn, actor).await?;
    let household_id = me.household_id.unwrap_or_default();
    let now = st.clock.now();
    let all = consents::of_household(&mut conn, household_id).await?;
    let children = consents::household_members(&mut conn, household_id)
        .await?
        .into_iter()
        .filter(|c| c.child || is_child_at(c.birth_date.as_deref(), now))
        .map(|c| FamilyChild {
            id: c.id,
            name: crate::roster::model::child::masked_name(&c.name),
            consents: all.iter().filter(|g| g.child_id == c.id).cloned().collect(),
        })
        .collect();
    Ok(Family {
        household_id,
        may_consent: is_adult_at(me.birth_date.as_deref(), now),
        children,
    })
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
    let household = match guardian_of(&mut w.tx, actor, household_id, w.now).await? {
        Some(me) => {
            // A guardian on the portal consents in their own name, online.
            if c.guardian_id != me.id {
                return Err(Error::invalid("guardian_id", Code::InvalidGuardian));
            }
            if c.method != ConsentMethod::Online {
                return Err(Error::invalid("method", Code::InvalidChoice)
                    .with("allowed", ConsentMethod::Online.as_str()));
            }
            household_id
        }
        None => w.load::<Household>(household_id).await?.id,
    };
    let child = store::find::<ResidentRow>(&mut w.tx, c.child_id)
        .await?
        .filter(|r| r.household_id == Some(household))
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

/// Withdraws a consent still in force (the office, or a guardian of the household on the
/// portal). What was recorded under it stays until the
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
    if guardian_of(&mut w.tx, actor, c.household_id, w.now)
        .await?
        .is_none()
    {
        let _: Household = w.load(c.household_id).await?;
    }
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
