//! Loading the generated city in bulk: rows of any table, and the residents with their
//! tags, their personal fields sealed first on every core (sealing is most of what a
//! roster costs to generate).

use crate::clock::Millis;
use crate::db::{Arg, Tx, bulk};
use crate::roster::model::child::{is_adult_at, is_child_at};
use crate::roster::model::sealed::{ResidentHealth, ResidentIdNumber, ResidentPhone, stored_tag};
use crate::roster::store::IdentityColumns;
use crate::vault::Blind;
use crate::vault::sql;

use super::plan::HouseholdPlan;

/// Loads the people of `households` (their ids from `household_ids`, each household's
/// first resident id in `resident_ids`) at `(street, community)`; how many.
pub(super) async fn residents(
    tx: &mut Tx,
    households: &[HouseholdPlan],
    household_ids: &[i64],
    resident_ids: &[i64],
    (street_id, community_id): (i64, i64),
    now: Millis,
) -> Result<usize, String> {
    // Sealing the personal fields is most of what a roster costs to generate: done first,
    // on every core.
    let all: Vec<_> = households.iter().flat_map(|h| h.people.iter()).collect();
    let mut sealed = on_every_core(&all, |p| -> [Arg; 6] {
        [
            sql::seal::<ResidentIdNumber>(Some(&p.id_number)).into(),
            sql::blind(Blind::IdNumber, &p.id_number).into(),
            sql::seal::<ResidentPhone>(p.phone.as_deref()).into(),
            p.phone
                .as_deref()
                .and_then(|v| sql::blind(Blind::Phone, v))
                .into(),
            p.phone
                .as_deref()
                .and_then(|v| sql::blind(Blind::PhoneTail, v))
                .into(),
            sql::seal::<ResidentHealth>(p.health_note).into(),
        ]
    })
    .into_iter();
    // A child's name, gender and birth date are sealed too.
    let mut identities = on_every_core(&all, |p| {
        let gender = if p.male { "male" } else { "female" };
        IdentityColumns::kept(&p.name, Some(gender), Some(&p.birth_date), now).args()
    })
    .into_iter();
    let mut people = Vec::new();
    let mut tags = Vec::new();
    let mut consents = Vec::new();
    for ((h, hid), first) in households.iter().zip(household_ids).zip(resident_ids) {
        // Each child is registered with the consent of the household's first adult.
        let guardian = h
            .people
            .iter()
            .position(|p| is_adult_at(Some(&p.birth_date), now));
        for (k, p) in h.people.iter().enumerate() {
            if let Some(g) = guardian
                && is_child_at(Some(&p.birth_date), now)
            {
                consents.push(vec![
                    street_id.into(),
                    community_id.into(),
                    (*hid).into(),
                    (first + k as i64).into(),
                    (first + g as i64).into(),
                    "written".into(),
                    now.into(),
                ]);
            }
            let id = first + k as i64;
            let Some([id_number, id_hash, phone, phone_hash, phone_tail, health]) = sealed.next()
            else {
                return Err("a resident's personal fields were not sealed".into());
            };
            let Some(identity) = identities.next() else {
                return Err("a resident's identity was not sealed".into());
            };
            let mut row: Vec<Arg> = vec![
                id.into(),
                street_id.into(),
                community_id.into(),
                (*hid).into(),
            ];
            row.extend(identity);
            row.extend([
                id_number,
                id_hash,
                phone,
                phone_hash,
                phone_tail,
                p.relation.into(),
                health,
                now.into(),
                now.into(),
            ]);
            people.push(row);
            for t in &p.tags {
                tags.push(vec![id.into(), stored_tag(t).into(), community_id.into()]);
            }
        }
    }
    let residents = people.len();
    rows(
        tx,
        "residents",
        &[
            "id",
            "street_id",
            "community_id",
            "household_id",
            "name",
            "gender",
            "birth_date",
            "child_name",
            "child_name_hash",
            "child_gender",
            "child_birth_date",
            "id_number",
            "id_number_hash",
            "phone",
            "phone_hash",
            "phone_tail",
            "relation",
            "health_note",
            "created_at",
            "updated_at",
        ],
        people,
    )
    .await?;
    rows(
        tx,
        "resident_tags",
        &["resident_id", "tag", "community_id"],
        tags,
    )
    .await?;
    rows(
        tx,
        "guardian_consents",
        &[
            "street_id",
            "community_id",
            "household_id",
            "child_id",
            "guardian_id",
            "method",
            "given_at",
        ],
        consents,
    )
    .await?;
    Ok(residents)
}

/// `f` of every item, the items split over the machine's cores (in their order).
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = items.len().div_ceil(cores).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_default())
            .collect()
    })
}

/// Rows of `table` loaded in bulk.
pub(super) async fn rows(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> Result<usize, String> {
    bulk::load(tx, table, columns, rows.into_iter(), &mut |_| {})
        .await
        .map_err(|e| format!("cannot load {table}: {e}"))
}
