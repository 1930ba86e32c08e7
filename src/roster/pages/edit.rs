//! Editing the roster in pages: a resident's fields and tags, a new resident of a
//! household, moving out and removing; read from the form by the model's own parsers
//! (the API's), saved by the service. A refused form comes back as it was typed, the
//! field named in the user's language; a saved one shows the record with a confirmation.
//!
//! Fields shown masked (ID number, phone, health note, to those who may not see them
//! whole) come blank, and blank keeps what is stored: the mask is never saved. Fields
//! shown whole keep what is stored when sent unchanged, and are cleared when emptied.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::{Error, Result};
use crate::roster::model::child::ConsentMethod;
use crate::roster::model::forms::{NewResidentText, ResidentEditText};
use crate::roster::model::{
    Household, KNOWN_TAGS, Pii, Resident, ResidentEdit, ResidentRow, is_sensitive,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::status;
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render};
use crate::web::session::PageUser;

use super::form::{Fields, all, field};

/// A known tag as a checkbox.
pub struct TagBox {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "roster/resident_form.html")]
struct ResidentForm {
    page: Page,
    action: String,
    back: String,
    back_label: String,
    error: Option<String>,
    /// Whether the personal fields were shown whole (else blank, with the mask as a hint).
    whole: bool,
    values: Fields,
    /// The masked values, as hints beside blank fields.
    masks: Vec<(&'static str, String)>,
    tags: Vec<TagBox>,
    other_tags: String,
    /// An existing resident (move out and remove are offered), or a new one.
    id: Option<i64>,
    in_household: bool,
    /// A new resident: the household's adults, one of whom consents for a child under 14
    /// (PIPL art. 31), and how.
    guardians: Vec<(i64, String)>,
    consent_methods: Vec<(&'static str, String)>,
}

impl ResidentForm {
    fn value(&self, name: &str) -> String {
        field(&self.values, name).unwrap_or_default().to_string()
    }

    fn mask(&self, name: &str) -> String {
        self.masks
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// "Leave blank to keep it (now: 138****5678)".
    fn hint(&self, name: &str) -> String {
        rust_i18n::t!(
            "web.roster.keep_blank",
            locale = self.page.lang.code(),
            v = self.mask(name)
        )
        .into_owned()
    }

    fn is_gender(&self, g: &str) -> bool {
        self.value("gender") == g
    }
}

fn pair(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

/// The known tags that may be shown, ticked as `chosen`; the rest go in one text field.
fn tag_boxes(chosen: &[String], whole: bool) -> (Vec<TagBox>, String) {
    let boxes = KNOWN_TAGS
        .iter()
        .filter(|t| whole || !is_sensitive(t))
        .map(|t| TagBox {
            code: t,
            label: text(&format!("web.roster.tag.{t}")),
            checked: chosen.iter().any(|c| c == t),
        })
        .collect();
    let other: Vec<&str> = chosen
        .iter()
        .map(String::as_str)
        .filter(|t| !KNOWN_TAGS.contains(t))
        .collect();
    (boxes, other.join("，"))
}

/// The form's fields of a resident as stored (whole ones only when shown whole).
fn values_of(r: &Resident) -> Fields {
    let whole = r.pii == Pii::Whole;
    let shown = |v: &Option<String>| {
        if whole {
            v.clone().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let mut f = vec![
        pair("name", &r.name),
        pair("gender", r.gender.map(|g| g.as_str()).unwrap_or("")),
        pair("birth_date", r.birth_date.clone().unwrap_or_default()),
        pair("id_number", shown(&r.id_number)),
        pair("phone", shown(&r.phone)),
        pair("relation", &r.relation),
        pair("health_note", shown(&r.health_note)),
        pair("pii", if whole { "whole" } else { "masked" }),
        pair("version", r.version.to_string()),
    ];
    // What the form showed, to tell a field left alone from one changed.
    let was: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| k != "pii" && k != "version")
        .map(|(k, v)| (format!("{k}_was"), v.clone()))
        .collect();
    f.extend(was);
    f.push(pair("tags_was", r.tags.join(",")));
    f
}

/// The tags the form sent, when they differ from those it showed (none when they were
/// left alone, so that an edit of another field does not put back tags since changed).
fn changed_tags(f: &Fields) -> Option<Vec<String>> {
    let mut typed = typed_tags(f)?;
    let mut shown: Vec<String> = field(f, "tags_was")
        .unwrap_or("")
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    typed.sort();
    shown.sort();
    (field(f, "tags_was").is_none() || typed != shown).then_some(typed)
}

fn masks_of(r: &Resident) -> Vec<(&'static str, String)> {
    if r.pii == Pii::Whole {
        return Vec::new();
    }
    vec![
        ("id_number", r.id_number.clone().unwrap_or_default()),
        ("phone", r.phone.clone().unwrap_or_default()),
        ("health_note", r.health_note.clone().unwrap_or_default()),
    ]
}

fn edit_form(u: &PageUser, r: &Resident, values: Fields, error: Option<String>) -> ResidentForm {
    let whole = field(&values, "pii") == Some("whole");
    let chosen = typed_tags(&values).unwrap_or_else(|| r.tags.clone());
    let (tags, other_tags) = tag_boxes(&chosen, whole);
    ResidentForm {
        page: Page::for_user(u, text("web.roster.edit_resident"), "/roster/residents"),
        action: format!("/roster/residents/{}/edit", r.id),
        back: format!("/roster/residents/{}", r.id),
        back_label: r.name.clone(),
        error,
        whole,
        masks: masks_of(r),
        values,
        tags,
        other_tags,
        id: Some(r.id),
        in_household: r.household_id.is_some(),
        guardians: Vec::new(),
        consent_methods: Vec::new(),
    }
}

/// The tags as the form sent them: the boxes ticked and the other tags typed (none when
/// the form did not send the tags).
fn typed_tags(f: &Fields) -> Option<Vec<String>> {
    field(f, "tags_sent")?;
    let mut tags: Vec<String> = all(f, "tag").into_iter().map(str::to_string).collect();
    if let Some(other) = field(f, "other_tags") {
        tags.extend(
            other
                .split([',', '，', '、', ';', '；'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        );
    }
    Some(tags)
}

pub async fn edit_page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = for_editing(&st, &u, id).await?;
    let values = values_of(&r);
    Ok(render(&edit_form(&u, &r, values, None)))
}

/// The resident as the edit form shows them: whole for those who may see them (opening
/// the form is asking to, and the view is audited with that reason), else masked.
async fn for_editing(
    st: &AppState,
    u: &PageUser,
    id: i64,
) -> crate::error::Result<crate::roster::model::Resident> {
    let r = service::get_resident(st, &u.actor, id, None).await?;
    if !r.may_reveal {
        return Ok(r);
    }
    let why = text("web.roster.reveal.for_edit");
    service::get_resident(st, &u.actor, id, Some(&why)).await
}

/// A field of the edit: `None` when sent as the form showed it (or blank where it was
/// shown masked), else the value, blank clearing it.
fn changed<'a>(f: &'a Fields, name: &str, masked: bool) -> Option<Option<&'a str>> {
    let v = field(f, name).unwrap_or("").trim();
    let was = field(f, &format!("{name}_was")).unwrap_or("").trim();
    if (masked && v.is_empty()) || v == was {
        None
    } else if v.is_empty() {
        Some(None)
    } else {
        Some(Some(v))
    }
}

/// A required or plain text field: changed or not, never cleared to null.
fn flat(v: Option<Option<&str>>) -> Option<&str> {
    v.map(|v| v.unwrap_or(""))
}

/// The edit form as the service's edit, parsed as the API parses a PATCH.
fn parse_edit(f: &Fields) -> Result<ResidentEdit> {
    let masked = field(f, "pii") != Some("whole");
    let tags = changed_tags(f);
    // Those who do not see the sensitive tags do not replace them: their tags are kept.
    let tags = if masked { None } else { tags };
    let text_edit = ResidentEditText {
        household_id: None,
        name: flat(changed(f, "name", false)),
        gender: changed(f, "gender", false),
        birth_date: changed(f, "birth_date", false),
        id_number: changed(f, "id_number", masked),
        phone: changed(f, "phone", masked),
        relation: flat(changed(f, "relation", false)),
        health_note: changed(f, "health_note", masked),
        tags: None,
        version: field(f, "version").and_then(|v| v.trim().parse().ok()),
    };
    let mut e = text_edit.parse()?;
    e.tags = tags
        .as_deref()
        .map(crate::roster::model::tags)
        .transpose()?;
    Ok(e)
}

pub async fn edit_submit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let saved = async {
        let e = parse_edit(&f)?;
        service::edit_resident(&st, &u.actor, id, e).await
    }
    .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/roster/residents/{id}?saved=1")).into_response()),
        Err(e) if e.code == crate::error::Code::VersionConflict => {
            // Someone saved the resident meanwhile: the form shows the record as it now
            // is, with what this editor changed kept over it, and says so; saving again
            // is a choice made seeing both.
            let r = for_editing(&st, &u, id).await?;
            let form = edit_form(
                &u,
                &r,
                over_current(&f, values_of(&r)),
                Some(text("web.roster.edited_meanwhile")),
            );
            Ok((status(e.class()), render(&form)).into_response())
        }
        Err(e) => {
            // What was typed stays; the record is read again for its masks and place.
            let r = for_editing(&st, &u, id).await?;
            let form = edit_form(&u, &r, f, Some(crate::web::error::message(&e)));
            Ok((status(e.class()), render(&form)).into_response())
        }
    }
}

/// The record as it now is (`current`, with its new version and `_was` fields), each field
/// the editor changed (`typed` differs from what their form showed) as they typed it, and
/// the tags as they ticked them.
fn over_current(typed: &Fields, mut current: Fields) -> Fields {
    for (k, v) in current.iter_mut() {
        if k.ends_with("_was") || k == "pii" || k == "version" {
            continue;
        }
        let mine = field(typed, k).unwrap_or("").trim();
        let shown = field(typed, &format!("{k}_was")).unwrap_or("").trim();
        if mine != shown {
            *v = mine.to_string();
        }
    }
    if changed_tags(typed).is_some() {
        let kept = ["tags_sent", "tag", "other_tags"];
        current.extend(
            typed
                .iter()
                .filter(|(k, _)| kept.contains(&k.as_str()))
                .cloned(),
        );
    }
    current
}

fn new_form(
    u: &PageUser,
    h: &Household,
    guardians: Vec<(i64, String)>,
    values: Fields,
    error: Option<String>,
) -> ResidentForm {
    let chosen = typed_tags(&values).unwrap_or_default();
    let (tags, other_tags) = tag_boxes(&chosen, true);
    ResidentForm {
        page: Page::for_user(u, text("web.roster.new_resident"), "/roster/residents"),
        action: format!("/roster/households/{}/residents/new", h.id),
        back: format!("/roster/buildings/{}", h.building_id),
        back_label: format!("{} {}", h.unit_no, h.room),
        error,
        whole: true,
        values,
        masks: Vec::new(),
        tags,
        other_tags,
        id: None,
        in_household: true,
        guardians,
        consent_methods: ConsentMethod::ALL
            .iter()
            .map(|m| {
                (
                    m.as_str(),
                    text(&format!("web.roster.consent.method.{}", m.as_str())),
                )
            })
            .collect(),
    }
}

pub async fn new_page(
    State(st): State<AppState>,
    u: PageUser,
    Path(household): Path<i64>,
) -> Result<Response, PageError> {
    let h: Household = service::get(&st, &u.actor, household).await?;
    let guardians = service::guardians_for(&st, &u.actor, h.id).await?;
    let values = vec![pair("pii", "whole")];
    Ok(render(&new_form(&u, &h, guardians, values, None)))
}

pub async fn new_submit(
    State(st): State<AppState>,
    u: PageUser,
    Path(household): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let h: Household = service::get(&st, &u.actor, household).await?;
    let tags = typed_tags(&f).unwrap_or_default();
    let saved = async {
        let new = NewResidentText {
            household_id: Some(h.id),
            community_id: None,
            name: field(&f, "name"),
            gender: field(&f, "gender"),
            birth_date: field(&f, "birth_date"),
            id_number: field(&f, "id_number"),
            phone: field(&f, "phone"),
            relation: field(&f, "relation"),
            health_note: field(&f, "health_note"),
            tags: &tags,
            guardian_id: field(&f, "guardian_id").and_then(|g| g.trim().parse().ok()),
            consent_method: field(&f, "consent_method"),
        }
        .parse()?;
        service::create_resident(&st, &u.actor, new).await
    }
    .await;
    match saved {
        Ok(r) => Ok(Redirect::to(&format!("/roster/residents/{}?saved=1", r.id)).into_response()),
        Err(e) => {
            let guardians = service::guardians_for(&st, &u.actor, h.id).await?;
            let form = new_form(&u, &h, guardians, f, Some(crate::web::error::message(&e)));
            Ok((status(e.class()), render(&form)).into_response())
        }
    }
}

/// Moves a resident out of their household (they stay on the community's roster).
pub async fn move_out(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let e = ResidentEditText {
        household_id: Some(None),
        ..Default::default()
    }
    .parse()?;
    service::edit_resident(&st, &u.actor, id, e).await?;
    Ok(Redirect::to(&format!("/roster/residents/{id}?saved=moved_out")).into_response())
}

/// Removes a resident nothing refers to (refused, with the reason, while demands, an
/// account or a building refer to them).
pub async fn remove(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    service::delete::<ResidentRow>(&st, &u.actor, id)
        .await
        .map_err(|e: Error| PageError(e))?;
    Ok(Redirect::to("/roster/residents?removed=1").into_response())
}
