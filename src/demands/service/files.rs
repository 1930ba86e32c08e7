//! The doors of attachments: attaching is a step the rules allow or refuse like any other
//! (an open demand, someone who works on it or the household that raised it), written with
//! its timeline entry in one transaction; reading one keeps to the caller's scope.

use serde_json::json;

use crate::auth::Actor;
use crate::clock::rfc3339;
use crate::demands::model::{Action, AttachmentView, StoredFile, Upload};
use crate::demands::rules::{self, Step};
use crate::demands::store::{self, NewEvent, files};
use crate::error::{Error, Result};
use crate::state::AppState;

use super::facts_and_relation;

/// Attaches a checked file to a demand the actor can see and may work on.
pub async fn attach(st: &AppState, actor: &Actor, id: i64, f: Upload) -> Result<AttachmentView> {
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    let d = store::find_visible(&mut tx, actor, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let (facts, rel) = facts_and_relation(&mut tx, actor, &d).await?;
    rules::decide(&facts, actor.role, &rel, Step::Attach, now, &st.policy())?;
    let aid = files::insert_attachment(&mut tx, &d, &f, actor, now).await?;
    let size = f.bytes.len() as i64;
    store::append_event(
        &mut tx,
        NewEvent {
            demand: &d,
            at: now,
            actor,
            action: Action::Attach,
            from: Some(d.status()),
            to: d.status(),
            level: d.level(),
            note: &f.file_name,
            data: json!({ "attachment_id": aid, "size": size }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AttachmentView {
        id: aid,
        url: format!("/api/v1/attachments/{aid}"),
        file_name: f.file_name,
        content_type: f.content_type.to_string(),
        size,
        sha256: f.sha256,
        uploaded_at: rfc3339(now),
    })
}

/// An attachment of a demand the actor can see.
pub async fn file(st: &AppState, actor: &Actor, id: i64) -> Result<StoredFile> {
    let mut c = st.db.conn().await?;
    files::file(&mut c, actor, id)
        .await?
        .ok_or_else(Error::not_found)
}
