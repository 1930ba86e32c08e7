//! The roster's lists as files (residents with the list's filters, households,
//! buildings): checked and audited here, before a row is read, and read in keyset batches
//! through the same scope and filters as the lists, so a file holds exactly what the list
//! shows. ID numbers and phones are whole only where the caller sees that resident whole
//! on the page (the office, admin, the worker of the resident's grid), masked elsewhere;
//! the sensitive tags likewise. Every export leaves an audit row saying who took what,
//! with which filters, how many rows, and whether personal fields went whole.

use std::collections::HashMap;
use std::io::Write;

use crate::audit::{self, Entry};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::export::{Cell, File, Format, Row, Sheet};
use crate::roster::model::{
    Born, Building, BuildingFilter, Household, HouseholdFilter, KNOWN_TAGS, Paging, Pii,
    ResidentFilter, ResidentRow, is_sensitive,
};
use crate::roster::scope::{Kind, Scope};
use crate::roster::store::{self, ResidentQuery, Stored};
use crate::state::AppState;
use crate::web::i18n::{Lang, text_in};

use super::residents::{resident_query, sensitive_tag};

/// Rows per database query.
pub const BATCH: i64 = 1_000;

/// Which roster list a file holds.
#[derive(Clone, Debug)]
pub enum Listing {
    Residents(ResidentFilter),
    Households(HouseholdFilter),
    Buildings(BuildingFilter),
}

impl Listing {
    fn kind(&self) -> Kind {
        match self {
            Listing::Residents(_) => Kind::Resident,
            Listing::Households(_) => Kind::Household,
            Listing::Buildings(_) => Kind::Building,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Listing::Residents(_) => "residents",
            Listing::Households(_) => "households",
            Listing::Buildings(_) => "buildings",
        }
    }

    fn columns(&self) -> &'static [(&'static str, f64)] {
        match self {
            Listing::Residents(_) => &[
                ("id", 8.0),
                ("name", 10.0),
                ("gender", 6.0),
                ("birth_date", 12.0),
                ("id_number", 21.0),
                ("phone", 14.0),
                ("compound", 14.0),
                ("building", 10.0),
                ("unit_no", 8.0),
                ("room", 8.0),
                ("grid", 12.0),
                ("relation", 10.0),
                ("tags", 24.0),
            ],
            Listing::Households(_) => &[
                ("id", 8.0),
                ("compound", 14.0),
                ("building", 10.0),
                ("unit_no", 8.0),
                ("room", 8.0),
                ("grid", 12.0),
            ],
            Listing::Buildings(_) => &[
                ("id", 8.0),
                ("compound", 14.0),
                ("building", 10.0),
                ("floors", 8.0),
                ("grid", 12.0),
            ],
        }
    }
}

/// The words of a file in one language, looked up before the first row (the file may
/// outlive the request that knew the language).
struct Words {
    sheet: Sheet,
    male: String,
    female: String,
    tags: Vec<(&'static str, String)>,
    separator: String,
}

impl Words {
    fn new(l: &Listing, lang: Lang) -> Words {
        let cols = l.columns();
        Words {
            sheet: Sheet {
                name: text_in(lang, &format!("web.roster.export.sheet.{}", l.name())),
                header: cols
                    .iter()
                    .map(|(k, _)| text_in(lang, &format!("web.roster.export.column.{k}")))
                    .collect(),
                widths: cols.iter().map(|(_, w)| *w).collect(),
            },
            male: text_in(lang, "web.roster.gender.male"),
            female: text_in(lang, "web.roster.gender.female"),
            separator: text_in(lang, "web.roster.tag_separator"),
            tags: KNOWN_TAGS
                .iter()
                .map(|t| (*t, text_in(lang, &format!("web.roster.tag.{t}"))))
                .collect(),
        }
    }

    fn tag<'a>(&'a self, t: &'a str) -> &'a str {
        self.tags
            .iter()
            .find(|(k, _)| *k == t)
            .map_or(t, |(_, w)| w.as_str())
    }
}

/// A roster list checked, audited and ready to be written as a file.
pub struct RosterFile {
    db: Db,
    scope: Scope,
    listing: Listing,
    born: Born,
    format: Format,
    now: Millis,
    words: Words,
}

/// Checks the caller and the filters, records the export in the audit log, and gives the
/// file to write. Refused as the list would be: 403 for a kind the caller may not list,
/// a sensitive tag only for those who see residents whole, a bad age band on `age`.
pub async fn export(
    st: &AppState,
    actor: &Actor,
    listing: Listing,
    format: Format,
    lang: Lang,
) -> Result<RosterFile> {
    let mut tx = st.db.begin().await?;
    let scope = super::scope_in(&mut tx, actor).await?;
    if !scope.may_list(listing.kind()) {
        return Err(Error::forbidden());
    }
    let (born, total, detail) = match &listing {
        Listing::Residents(f) => {
            if sensitive_tag(f).is_some() && !scope.may_see_whole() {
                return Err(Error::invalid("tag", crate::error::Code::SensitiveFilter));
            }
            let q = resident_query(st, f)?;
            let total = store::count(&mut tx, &scope, &q).await?;
            let whole = match scope.may_see_whole() {
                true => "id_number,phone,sensitive_tags where whole",
                false => "masked",
            };
            // A search may be a phone or an ID number: the log says one was given, not what.
            let said = ResidentFilter {
                q: f.q.as_ref().map(|_| "(given)".to_string()),
                ..f.clone()
            };
            (q.born.clone(), total, format!("{said:?}; pii={whole}"))
        }
        Listing::Households(f) => {
            let total = store::count(&mut tx, &scope, f).await?;
            (Born::default(), total, format!("{f:?}"))
        }
        Listing::Buildings(f) => {
            let total = store::count(&mut tx, &scope, f).await?;
            (Born::default(), total, format!("{f:?}"))
        }
    };
    let now = st.clock.now();
    let detail = format!(
        "format={}; rows={total}; role={}; {detail}",
        format.extension(),
        actor.role.as_str()
    );
    let place = scope.community();
    let entry = Entry {
        at: now,
        user_id: actor.user_id,
        action: "export",
        object_kind: listing.kind().as_str(),
        object_id: 0,
        detail: &detail,
        place,
    };
    match (place, actor.street_id) {
        (None, Some(street)) => audit::record_for_street(&mut tx, entry, street).await?,
        _ => audit::record(&mut tx, entry).await?,
    }
    tx.commit().await?;
    Ok(RosterFile {
        db: st.db.clone(),
        scope,
        words: Words::new(&listing, lang),
        listing,
        born,
        format,
        now,
    })
}

impl RosterFile {
    /// One batch of rows after `after`, as cells, and the id of the last.
    async fn batch(&self, after: Option<i64>) -> Result<(Vec<Row>, Option<i64>)> {
        let paging = Paging {
            limit: BATCH,
            after: after.unwrap_or(0),
        };
        // A connection per batch: a long export does not hold one from the pool.
        let mut c = self.db.conn().await?;
        let scope = &self.scope;
        let rows = match &self.listing {
            Listing::Residents(filter) => {
                let q = ResidentQuery {
                    filter,
                    born: self.born.clone(),
                };
                let page = store::list(&mut c, scope, &q, paging).await?;
                let hh: Vec<i64> = page.items.iter().filter_map(|r| r.household_id).collect();
                let at = store::addresses(&mut c, &hh).await?;
                let at: HashMap<i64, store::Address> =
                    at.into_iter().map(|a| (a.household_id, a)).collect();
                let last = page.items.last().map(|r| r.id);
                let rows = page
                    .items
                    .into_iter()
                    .map(|r| {
                        let a = r.household_id.and_then(|h| at.get(&h));
                        self.resident(r, a)
                    })
                    .collect();
                return Ok((rows, last));
            }
            Listing::Households(f) => self.households(&mut c, f, paging).await?,
            Listing::Buildings(f) => self.buildings(&mut c, f, paging).await?,
        };
        Ok(rows)
    }

    fn resident(&self, r: ResidentRow, a: Option<&store::Address>) -> Row {
        let whole = self.scope.pii(r.loc()) == Pii::Whole;
        let w = &self.words;
        let r = r.view(if whole { Pii::Whole } else { Pii::Masked });
        let gender = r.gender.map(|g| match g {
            crate::roster::model::Gender::Male => w.male.clone(),
            crate::roster::model::Gender::Female => w.female.clone(),
        });
        let tags: Vec<&str> = r
            .tags
            .iter()
            .filter(|t| whole || !is_sensitive(t))
            .map(|t| w.tag(t))
            .collect();
        let a = a.cloned().unwrap_or_default();
        vec![
            Cell::Number(r.id as f64),
            Cell::text(r.name),
            Cell::text(gender.unwrap_or_default()),
            Cell::text(r.birth_date.unwrap_or_default()),
            Cell::text(r.id_number.unwrap_or_default()),
            Cell::text(r.phone.unwrap_or_default()),
            Cell::text(a.compound),
            Cell::text(a.building),
            Cell::text(a.unit_no),
            Cell::text(a.room),
            Cell::text(a.grid.unwrap_or_default()),
            Cell::text(r.relation),
            Cell::text(tags.join(&w.separator)),
        ]
    }

    async fn households(
        &self,
        c: &mut crate::db::Conn,
        f: &HouseholdFilter,
        paging: Paging,
    ) -> Result<(Vec<Row>, Option<i64>)> {
        let page = store::list(c, &self.scope, f, paging).await?;
        let ids: Vec<i64> = page.items.iter().map(|h: &Household| h.id).collect();
        let at: HashMap<i64, store::Address> = store::addresses(c, &ids)
            .await?
            .into_iter()
            .map(|a| (a.household_id, a))
            .collect();
        let last = page.items.last().map(|h| h.id);
        let rows = page
            .items
            .iter()
            .map(|h| {
                let a = at.get(&h.id).cloned().unwrap_or_default();
                vec![
                    Cell::Number(h.id as f64),
                    Cell::text(a.compound),
                    Cell::text(a.building),
                    Cell::text(h.unit_no.as_str()),
                    Cell::text(h.room.as_str()),
                    Cell::text(a.grid.unwrap_or_default()),
                ]
            })
            .collect();
        Ok((rows, last))
    }

    async fn buildings(
        &self,
        c: &mut crate::db::Conn,
        f: &BuildingFilter,
        paging: Paging,
    ) -> Result<(Vec<Row>, Option<i64>)> {
        let page = store::list(c, &self.scope, f, paging).await?;
        let compounds: Vec<i64> = page
            .items
            .iter()
            .map(|b: &Building| b.compound_id)
            .collect();
        let grids: Vec<i64> = page.items.iter().filter_map(|b| b.grid_id).collect();
        let compounds: HashMap<i64, String> = store::names(c, "compounds", &compounds)
            .await?
            .into_iter()
            .collect();
        let grids: HashMap<i64, String> = store::names(c, "grids", &grids)
            .await?
            .into_iter()
            .collect();
        let last = page.items.last().map(|b| b.id);
        let rows = page
            .items
            .iter()
            .map(|b| {
                let grid = b.grid_id.and_then(|g| grids.get(&g)).cloned();
                vec![
                    Cell::Number(b.id as f64),
                    Cell::text(compounds.get(&b.compound_id).cloned().unwrap_or_default()),
                    Cell::text(b.name.as_str()),
                    b.floors.map_or(Cell::Blank, |f| Cell::Number(f as f64)),
                    Cell::text(grid.unwrap_or_default()),
                ]
            })
            .collect();
        Ok((rows, last))
    }
}

impl File for RosterFile {
    fn format(&self) -> Format {
        self.format
    }

    fn file_name(&self) -> String {
        crate::export::file_name(self.listing.name(), self.now, self.format)
    }

    async fn write_to<W: Write + Send + 'static>(self, out: W) -> Result<u64> {
        let sheet = self.words.sheet.clone();
        let me = &self;
        let batches =
            crate::export::batches(BATCH as usize, |after| async move { me.batch(after).await });
        crate::export::write(self.format, sheet, out, batches).await
    }
}
