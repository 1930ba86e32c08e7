//! The demand page's forms: each posts one step, which goes through the same service as
//! the API. A refused step shows the page again with the reason; nothing is written.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::demands::model::{MAX_NOTE, MAX_TITLE, Satisfaction, TargetKind, Urgency};
use crate::demands::service::{self, Command, Ctx, SummonTarget, Target};
use crate::error::{Code, Error, Result};
use crate::state::AppState;
use crate::web::error::{message, status};
use crate::web::pages::render;
use crate::web::session::PageUser;
use crate::web::validate;

use super::demand::{build, error_page};

/// The form's fields, as sent (a key may repeat: `summon`).
pub type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn note(f: &Fields, name: &str) -> Result<Option<String>> {
    validate::optional(name, field(f, name), MAX_NOTE)
}

fn required(f: &Fields, name: &str) -> Result<String> {
    validate::required(name, field(f, name), MAX_NOTE)
}

/// `unit:3` → a unit, `user:9` → a person, `team:2` → a team.
fn target(v: &str, field_name: &str) -> Result<(TargetKind, i64)> {
    v.split_once(':')
        .and_then(|(k, id)| Some((TargetKind::parse(k)?, id.parse().ok()?)))
        .ok_or_else(|| Error::invalid(field_name, Code::UnknownAssignee))
}

fn number(f: &Fields, name: &str) -> Result<Option<i64>> {
    match field(f, name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| Error::invalid(name, Code::InvalidNumber)),
    }
}

/// Turns a posted form into the step it asks for.
pub fn command(action: &str, f: &Fields) -> Result<Command> {
    Ok(match action {
        "accept" => Command::Accept {
            category: validate::optional("category", field(f, "category"), 40)?,
            grid_id: number(f, "grid_id")?,
            urgency: field(f, "urgency").and_then(Urgency::parse),
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
            method: match field(f, "method") {
                Some(m @ ("phone" | "visit" | "wechat" | "sms" | "in_person")) => m.to_string(),
                _ => "phone".into(),
            },
            note: required(f, "note")?,
        },
        "rate" => Command::Rate {
            solved: match field(f, "solved") {
                Some("true") => true,
                Some("false") => false,
                _ => return Err(Error::required("solved")),
            },
            satisfaction: field(f, "satisfaction")
                .and_then(Satisfaction::parse)
                .ok_or_else(|| Error::required("satisfaction"))?,
            comment: note(f, "comment")?,
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
            if summon.is_empty() {
                return Err(Error::required("summon"));
            }
            Command::Whistle {
                summon,
                note: note(f, "note")?,
            }
        }
        "report-in" => Command::ReportIn {
            note: note(f, "note")?,
        },
        "report-back" => Command::ReportBack {
            note: required(f, "note")?,
        },
        _ => return Err(Error::not_found()),
    })
}

/// Runs a step for the page's user in one transaction.
pub async fn run(st: &AppState, u: &PageUser, id: i64, cmd: Command) -> Result<()> {
    let mut tx = st.db.begin().await?;
    let ctx = Ctx {
        actor: &u.actor,
        now: st.clock.now(),
        policy: st.policy(),
    };
    service::act(&mut tx, &ctx, id, cmd).await?;
    tx.commit().await?;
    Ok(())
}

/// The page again, with why the step was refused, under the refusal's status.
pub async fn refused(st: &AppState, u: &PageUser, id: i64, e: Error) -> Response {
    match build(st, u, id, Some(message(&e))).await {
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
    let done = command(&action, &f);
    let result = match done {
        Ok(cmd) => run(&st, &u, id, cmd).await,
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
    mut form: Multipart,
) -> Response {
    let mut csrf = String::new();
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Ok(Some(part)) = form.next_field().await {
        match part.name() {
            Some("csrf") => csrf = part.text().await.unwrap_or_default(),
            Some("photo") => {
                let name = part.file_name().unwrap_or("photo").to_string();
                let ct = part.content_type().unwrap_or("").to_ascii_lowercase();
                let bytes = part.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                file = Some((name, ct, bytes));
            }
            _ => {}
        }
    }
    if let Err(r) = u.check_csrf(&csrf) {
        return r.into_response();
    }
    let Some((name, ct, bytes)) = file else {
        return refused(&st, &u, id, Error::required("photo")).await;
    };
    let name: String = name.chars().take(MAX_TITLE).collect();
    match crate::demands::api::attachments::attach(&st, &u.actor, id, &ct, Some(&name), &bytes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/work/demands/{id}?done=attach")).into_response(),
        Err(e) if e.code == Code::NotFound => error_page(e),
        Err(e) => refused(&st, &u, id, e).await,
    }
}
