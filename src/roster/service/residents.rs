//! Residents: the one kind with personal information (PIPL). ID numbers, phones, health
//! notes and the sensitive tags (disabled, low income) leave here masked, in lists always;
//! one resident is shown whole only to the community office, admin and the worker of the
//! resident's grid, and that view is written to the audit log in the transaction that
//! reads it. Picking residents out by a sensitive tag is theirs alone, and audited too.
//! Grid workers keep the ledger of their own grids; writes answer the resident masked.

use crate::auth::Actor;
use crate::clock::{Millis, china, civil_in};
use crate::db::Exec;
use crate::error::{Code, Error, Result};
use crate::roster::model::child::{ConsentInput, is_child_at};
use crate::roster::model::{
    AgeBand, Born, Gender, Page, Paging, Pii, Resident, ResidentEdit, ResidentFilter,
    ResidentInput, ResidentRow, is_sensitive,
};
use crate::roster::scope::{Kind, Loc, Scope};
use crate::roster::store::{self, NewResident, Place, ResidentQuery, Stored};
use crate::state::AppState;

use super::refs;
use super::write::Write;
use crate::roster::rules;

/// What a whole view shows, for its audit row.
fn whole_view(actor: &Actor) -> String {
    format!(
        "id_number,phone,health_note,sensitive_tags; role={}",
        actor.role.as_str()
    )
}

async fn read(ex: &mut impl Exec, scope: &Scope, id: i64) -> Result<ResidentRow> {
    let row = store::find::<ResidentRow>(ex, id)
        .await?
        .ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Resident, row.loc())?;
    Ok(row)
}

/// One resident, masked. With `reveal` (why the caller needs them), the personal fields
/// whole for those who may see them — the office, admin, the worker of the resident's
/// grid — and the view written to the audit log with its reason in the transaction that
/// reads it; refused (403) to everyone else. `may_reveal` says which the caller is.
pub async fn get_resident(
    st: &AppState,
    actor: &Actor,
    id: i64,
    reveal: Option<&str>,
) -> Result<Resident> {
    let reason = rules::reveal_reason(reveal)?;
    let scope = super::scope(st, actor).await?;
    let Some(reason) = reason else {
        let mut conn = st.db.conn().await?;
        let row = read(&mut conn, &scope, id).await?;
        let may = scope.pii(row.loc()) == Pii::Whole;
        return Ok(Resident {
            may_reveal: may,
            ..row.view(Pii::Masked)
        });
    };
    let mut w = Write::begin(st, actor).await?;
    let row = read(&mut w.tx, &w.scope, id).await?;
    if w.scope.pii(row.loc()) != Pii::Whole {
        return Err(Error::forbidden());
    }
    let detail = format!("{}; reason={reason}", whole_view(actor));
    w.viewed(std::slice::from_ref(&row), &detail).await?;
    Ok(row.view(Pii::Whole))
}

/// Residents the caller can see, masked. A sensitive tag as the filter says of every
/// resident listed that they carry it: refused to those who may not see it, and written
/// to the audit log for each resident listed. An age band is taken on today's date by the
/// state's clock.
pub async fn list_residents(
    st: &AppState,
    actor: &Actor,
    filter: &ResidentFilter,
    paging: Paging,
) -> Result<Page<Resident>> {
    Ok(listing(st, actor, filter, paging, false).await?.page)
}

/// A page of the resident list and how many residents the whole list holds.
pub struct ResidentList {
    pub page: Page<Resident>,
    pub total: i64,
}

/// The resident list as the roster pages show it: a page, and the total of the list.
pub async fn resident_list(
    st: &AppState,
    actor: &Actor,
    filter: &ResidentFilter,
    paging: Paging,
) -> Result<ResidentList> {
    listing(st, actor, filter, paging, true).await
}

/// The filter with its age band as birth dates on the state's today (in China).
pub(super) fn resident_query<'a>(
    st: &AppState,
    filter: &'a ResidentFilter,
) -> Result<ResidentQuery<'a>> {
    // A query parameter that does not parse, as the API says of every other one.
    let band = AgeBand::parse(filter.age.as_deref()).map_err(|_| Error::query("age"))?;
    let born = match band {
        Some(band) => {
            let today = civil_in(st.clock.now(), &china())
                .map(|t| t.date())
                .ok_or_else(|| Error::internal("the clock is out of range"))?;
            band.born(today)
        }
        None => Born::default(),
    };
    Ok(ResidentQuery { filter, born })
}

/// The tag of a filter when it is a sensitive one.
pub(super) fn sensitive_tag(filter: &ResidentFilter) -> Option<&str> {
    filter
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| is_sensitive(t))
}

async fn listing(
    st: &AppState,
    actor: &Actor,
    filter: &ResidentFilter,
    paging: Paging,
    counted: bool,
) -> Result<ResidentList> {
    let query = resident_query(st, filter)?;
    let (page, total) = match sensitive_tag(filter) {
        None => {
            let mut conn = st.db.conn().await?;
            let scope = super::scope_in(&mut conn, actor).await?;
            listable(&scope)?;
            let page = store::list(&mut conn, &scope, &query, paging).await?;
            let total = match counted {
                true => store::count(&mut conn, &scope, &query).await?,
                false => 0,
            };
            (page, total)
        }
        Some(tag) => {
            let mut w = Write::begin(st, actor).await?;
            listable(&w.scope)?;
            if !w.scope.may_see_whole() {
                return Err(Error::invalid("tag", Code::SensitiveFilter));
            }
            let page = store::list(&mut w.tx, &w.scope, &query, paging).await?;
            let total = match counted {
                true => store::count(&mut w.tx, &w.scope, &query).await?,
                false => 0,
            };
            // The tag as the tags table keeps it: the audit log names no one's disability.
            let detail = format!(
                "tag={}; role={}",
                crate::roster::model::sealed::stored_tag(tag),
                actor.role.as_str()
            );
            w.viewed(&page.items, &detail).await?;
            (page, total)
        }
    };
    Ok(ResidentList {
        page: page.map(|r| r.view(Pii::Masked)),
        total,
    })
}

fn listable(scope: &Scope) -> Result<()> {
    if scope.may_list(Kind::Resident) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Adds a resident, with their tags, to a household or a community.
pub async fn create_resident(st: &AppState, actor: &Actor, new: ResidentInput) -> Result<Resident> {
    let mut w = Write::create(st, actor, Kind::Resident).await?;
    let loc = match new.household_id {
        Some(h) => {
            let loc = refs::household(&mut w, h).await?;
            if new
                .community_id
                .is_some_and(|c| Some(c) != loc.community_id)
            {
                return Err(refs::unknown("household_id"));
            }
            loc
        }
        None => Loc::at(refs::community_for_new(&mut w, new.community_id).await?),
    };
    w.scope
        .check_write(Kind::Resident, loc)
        .map_err(|_| Error::forbidden())?;
    let tags: Vec<&str> = new.tags.iter().map(String::as_str).collect();
    let id_number = new.identity.id_number.as_ref();
    let row = NewResident {
        household_id: new.household_id,
        name: &new.name,
        gender: new.identity.gender.map(Gender::as_str),
        birth_date: new.identity.birth_date.as_deref(),
        id_number: id_number.map(|n| n.as_str()),
        phone: new.phone.as_ref().map(|p| p.as_str()),
        relation: &new.relation,
        health_note: new.health_note.as_deref(),
        tags: &tags,
    };
    // A child under 14 is registered only with a guardian's consent (PIPL art. 31).
    let child = is_child_at(row.birth_date, w.now);
    match (child, new.consent) {
        (true, None) => {
            return Err(Error::invalid("guardian_id", Code::GuardianConsentRequired));
        }
        (false, Some(_)) => return Err(Error::invalid("guardian_id", Code::NotAChild)),
        _ => {}
    }
    let id = store::insert_resident(&mut w.tx, refs::place_of(loc)?, &row, w.now).await?;
    let made: ResidentRow = w.reread(id).await?;
    if let Some((guardian_id, method)) = new.consent {
        let c = ConsentInput {
            child_id: id,
            guardian_id,
            method,
        };
        super::consents::given(&mut w, &made, c).await?;
    }
    let r = w.created_as(made).await?;
    Ok(r.view(Pii::Masked))
}

/// Changes a resident; `tags` replaces all their tags. A new ID number brings its birth
/// date and gender; a birth date or gender that contradicts the ID number is refused. The
/// community is a resident's partition key: someone who moves to another community is
/// registered there anew.
pub async fn edit_resident(
    st: &AppState,
    actor: &Actor,
    id: i64,
    mut e: ResidentEdit,
) -> Result<Resident> {
    let mut w = Write::begin(st, actor).await?;
    let old: ResidentRow = w.load(id).await?;
    rules::unchanged_since(e.version, old.updated_at)?;
    let (household, tags) = (e.household_id, e.tags.take());
    let mut new = e.apply(old.clone())?;
    let at = place_after(&mut w, &old, household).await?;
    // The version moves on with every edit, even two within one millisecond.
    let version = Millis(w.now.0.max(old.updated_at.0 + 1));
    (new.street_id, new.updated_at) = (at.street_id, version);
    // An edit that makes the record a child's (a birth date corrected) needs the
    // guardian's consent already recorded.
    let was_child = old.child || is_child_at(old.birth_date.as_deref(), w.now);
    if !was_child && is_child_at(new.birth_date.as_deref(), version) {
        let recorded = store::consents::of_child(&mut w.tx, id).await?;
        if !recorded.iter().any(|c| c.in_force()) {
            return Err(Error::invalid("birth_date", Code::GuardianConsentRequired));
        }
    }
    store::save(&mut w.tx, &new).await?;
    if let Some(tags) = &tags {
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        store::set_tags(&mut w.tx, at.community_id, id, &tags).await?;
    }
    let r: ResidentRow = w.updated(&old).await?;
    Ok(r.view(Pii::Masked))
}

/// Where the resident lives after a move to another household (or out of any), which the
/// caller must keep, in the same community.
async fn place_after(
    w: &mut Write,
    old: &ResidentRow,
    household: Option<Option<i64>>,
) -> Result<Place> {
    let loc = match household {
        None => old.loc(),
        Some(None) => Loc::at(refs::place_of(old.loc())?),
        Some(Some(h)) => refs::household(w, h).await?,
    };
    if !w.scope.may_write(Kind::Resident, loc) {
        return Err(Error::forbidden());
    }
    let at = refs::place_of(loc)?;
    if at.community_id != old.community_id {
        return Err(Error::invalid("household_id", Code::OtherCommunity));
    }
    Ok(at)
}

/// Where some households are, by name (for lists of the residents the caller was given).
pub async fn addresses(st: &AppState, households: &[i64]) -> Result<Vec<store::Address>> {
    let mut conn = st.db.conn().await?;
    Ok(store::addresses(&mut conn, households).await?)
}
