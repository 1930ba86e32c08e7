//! One resident: whole for those who need it (the view is in the audit log, and the page
//! says so), masked for everyone else, with the history of their record.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use crate::roster::model::Pii;
use crate::roster::scope::Kind;
use crate::roster::service;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::PageError;
use crate::web::routes::{Record, Sections};
use crate::web::session::PageUser;

use super::{Done, Reveal, View, tag_labels};

/// Why the reader asks to see the personal fields whole (the "show" form).
#[derive(serde::Deserialize)]
pub struct RevealParam {
    pub reveal: Option<String>,
}

/// The reasons the "show" form offers, in the page's language.
const REASONS: &[&str] = &["visit", "service", "verify", "contact"];

pub async fn resident(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
    Query(rp): Query<RevealParam>,
    Extension(sections): Extension<Sections>,
) -> Result<Response, PageError> {
    let reason = rp.reveal.as_deref();
    let r = service::get_resident(&st, &u.actor, id, reason).await?;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let building = match r.building_id {
        Some(b) => service::get::<crate::roster::model::Building>(&st, &u.actor, b)
            .await
            .ok(),
        None => None,
    };
    let mut view = View::new(r.name.clone())
        .path(
            &st,
            &u,
            building.as_ref().map(|b| b.community_id),
            building.as_ref().map(|b| b.compound_id),
            r.building_id,
        )
        .await;
    view.flash = done.flash();
    view = view.action("edit", format!("/roster/residents/{id}/edit"));
    view = view
        .fact("relation", r.relation.clone())
        .fact(
            "gender_label",
            r.gender
                .map(|g| text(&format!("web.roster.gender.{}", g.as_str())))
                .unwrap_or_default(),
        )
        .fact("birth_date", opt(&r.birth_date))
        .fact("id_number", opt(&r.id_number))
        .fact("phone", opt(&r.phone))
        .fact("health", opt(&r.health_note))
        .fact("tags", tag_labels(&r.tags));
    if r.child {
        view = view.fact("age_band", text("web.roster.consent.child"));
    }
    view.note = Some(match (r.pii, r.may_reveal) {
        (Pii::Whole, _) => {
            text("web.roster.audited").replace("%{reason}", reason.unwrap_or("").trim())
        }
        (Pii::Masked, true) => text("web.roster.masked_may_reveal"),
        (Pii::Masked, false) => text("web.roster.masked"),
    });
    if r.may_reveal {
        // The data subject's rights (a capability above the roster) answer here.
        view = view.action("everything", format!("/roster/residents/{id}/everything"));
    }
    if r.pii == Pii::Masked && r.may_reveal {
        view.reveal = Some(Reveal {
            action: format!("/roster/residents/{id}"),
            reasons: REASONS
                .iter()
                .map(|k| text(&format!("web.roster.reveal.reason.{k}")))
                .collect(),
        });
    }
    // A child under 14: their guardian's consent (PIPL art. 31).
    view.consent = super::consents::for_record(&st, &u, &r).await?;
    if let Some(h) = super::history::table(&st, &u.actor, Kind::Resident, id).await? {
        view = view.table(h);
    }
    // The demands (and what later capabilities keep about a resident) are above the
    // roster: they render their own sections of the record.
    view.sections = sections.render(&st, &u, Record::Resident, id).await?;
    Ok(view.render(&u))
}
