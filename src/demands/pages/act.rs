//! The demand page's forms: each posts one step, read into the same `Command` the API
//! builds and taken by the same service. A refused step shows the page again with the
//! reason, under the refusal's status; nothing is written.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::demands::model::{
    Command, FeedbackMethod, Satisfaction, SummonTarget, Summons, Target, TargetKind, Urgency,
};
use crate::demands::service;
use crate::error::{Code, Error, Result};
use crate::state::AppState;
use crate::web::error::{message, status};
use crate::web::pages::render;
use crate::web::session::PageUser;
use crate::web::validate;

use super::demand::{build, error_page};
use super::form::{Fields, choice, field, note, number, required};
use super::upload;

/// `unit:3` → a unit, `user:9` → a person, `team:2` → a team.
fn target(v: &str, field_name: &str) -> Result<(TargetKind, i64)> {
    v.split_once(':')
        .and_then(|(k, id)| Some((TargetKind::parse(k)?, id.parse().ok()?)))
        .ok_or_else(|| Error::invalid(field_name, Code::UnknownAssignee))
}

/// Turns a posted form into the step it asks for.
pub fn command(action: &str, f: &Fields) -> Result<Command> {
    Ok(match action {
        "accept" => Command::Accept {
            category: validate::optional("category", field(f, "category"), 40)?,
            grid_id: number(f, "grid_id")?,
            urgency: choice::<Urgency>(f, "urgency")?,
            note: note(f, "note")?,
        },
        "decline" => Command::Decline {
            reason: required(f, "reason")?,
        },
        "merge" => Command::Merge {
            into: number(f, "into")?.ok_or_else(|| Error::required("into"))?,
            note: note(f, "note")?,
        },
        "dispatch" => {
            let (kind, id) = target(field(f, "to").unwrap_or(""), "to")?;
            Command::Dispatch {
                to: Target { kind, id },
                note: note(f, "note")?,
            }
        }
        "take" => Command::Take {
            note: note(f, "note")?,
        },
        "resolve" => Command::Resolve {
            result: required(f, "result")?,
        },
        "feedback" => Command::Feedback {
            // As in the API: phone unless said otherwise; an unknown method is refused.
            method: choice::<FeedbackMethod>(f, "method")?.unwrap_or(FeedbackMethod::Phone),
            note: required(f, "note")?,
        },
        "rate" => Command::Rate {
            solved: match field(f, "solved") {
                Some("true") => true,
                Some("false") => false,
                _ => return Err(Error::required("solved")),
            },
            satisfaction: choice::<Satisfaction>(f, "satisfaction")?
                .ok_or_else(|| Error::required("satisfaction"))?,
            comment: note(f, "comment")?,
            // Staff recording a call-back (回访) say how they asked; the household's own form
            // has no such field.
            on_behalf: choice::<FeedbackMethod>(f, "on_behalf")?,
        },
        "reopen" => Command::Reopen {
            reason: required(f, "reason")?,
        },
        "close" => Command::Close {
            note: note(f, "note")?,
        },
        "escalate" => Command::Escalate {
            reason: required(f, "reason")?,
        },
        "whistle" => {
            let summon = f
                .iter()
                .filter(|(k, _)| k == "summon")
                .map(|(_, v)| target(v, "summon").map(|(kind, id)| SummonTarget { kind, id }))
                .collect::<Result<Vec<_>>>()?;
            Command::Whistle {
                summon: Summons::parse(summon)?,
                note: note(f, "note")?,
            }
        }
        "report-in" => Command::ReportIn {
            note: note(f, "note")?,
        },
        "report-back" => Command::ReportBack {
            note: required(f, "note")?,
        },
        "note" => Command::Note {
            note: required(f, "note")?,
        },
        "appoint" => Command::Appoint {
            at: match field(f, "at").map(str::trim).filter(|v| !v.is_empty()) {
                None => return Err(Error::required("appointment_at")),
                Some(v) => crate::clock::parse_time(v)
                    .ok_or_else(|| Error::invalid("appointment_at", Code::InvalidTime))?,
            },
            note: note(f, "note")?,
        },
        "return" => Command::Return {
            reason: required(f, "reason")?,
        },
        _ => return Err(Error::not_found()),
    })
}

/// The page again, with why the step was refused, under the refusal's status.
pub async fn refused(st: &AppState, u: &PageUser, id: i64, e: Error) -> Response {
    match build(st, u, id, Some(message(&e)), None).await {
        Ok(p) => (status(e.class()), render(&p)).into_response(),
        Err(e) => error_page(e),
    }
}

pub async fn act(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let result = match command(&action, &f) {
        Ok(cmd) => service::act(&st, &u.actor, id, cmd).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/work/demands/{id}?done={action}")).into_response(),
        Err(e) if e.code == Code::NotFound => error_page(e),
        Err(e) => refused(&st, &u, id, e).await,
    }
}

/// The photo form: a multipart upload with the CSRF token.
pub async fn photo(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let posted = match upload::read(form, "photo", st.settings.max_body_bytes).await {
        Ok(p) => p,
        Err(e) => return refused(&st, &u, id, e).await,
    };
    if let Err(r) = u.check_csrf(field(&posted.fields, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let result = match posted.file {
        None => Err(Error::required("photo")),
        Some(Err(e)) => Err(e),
        Some(Ok(file)) => service::attach(&st, &u.actor, id, file).await.map(|_| ()),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/work/demands/{id}?done=attach")).into_response(),
        Err(e) if e.code == Code::NotFound => error_page(e),
        Err(e) => refused(&st, &u, id, e).await,
    }
}
