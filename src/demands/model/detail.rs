//! A demand with its whole story, as one viewer may read it: the office reads everything;
//! the volunteers and units who work on it read the work without the office's reminders; the
//! resident's household reads what the portal shows (no staff names, no internal notes, no
//! reminders). The shaping is `rules::audience`; the service applies it.

use serde::Serialize;
use utoipa::ToSchema;

use super::DemandView;

/// One entry of the timeline.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct EventView {
    pub id: i64,
    pub at: String,
    /// Not given to residents, except for their household's own steps.
    pub actor_id: Option<i64>,
    /// Empty for residents, except for their household's own steps.
    pub actor_name: String,
    pub actor_role: String,
    /// intake, accept, decline, merge, me_too, dispatch, take, resolve, feedback, rate,
    /// reopen, close, escalate, whistle, report_in, report_back, attach, remind (residents
    /// see neither `attach` nor `remind`; volunteers and units not `remind`).
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub level: String,
    /// For residents only what they are meant to read: a decline's reason, the result, what
    /// they were told, their own rating's comment; empty otherwise.
    pub note: String,
    /// For residents only the channel of the intake, the feedback's method and their rating.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A unit or person summoned by a whistle, and where their reports stand.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct SummonView {
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub summoned_at: String,
    pub reported_in_at: Option<String>,
    pub in_note: Option<String>,
    pub reported_back_at: Option<String>,
    pub back_note: Option<String>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: String,
    /// `GET` this to download the file.
    pub url: String,
}

/// Where the demand's household lives: where to go.
#[derive(Serialize, ToSchema, Clone, Debug, sqlx::FromRow)]
pub struct Address {
    pub compound: String,
    pub building: String,
    pub unit_no: String,
    pub room: String,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts = [&self.compound, &self.building, &self.unit_no, &self.room];
        let shown: Vec<&str> = parts
            .iter()
            .map(|p| p.as_str())
            .filter(|p| !p.is_empty())
            .collect();
        f.write_str(&shown.join(" "))
    }
}

/// A demand with its whole story.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct DemandDetail {
    pub demand: DemandView,
    /// The household's address (compound, building, unit, room), when the demand has one.
    pub address: Option<Address>,
    /// Append-only, oldest first.
    pub timeline: Vec<EventView>,
    /// Residents see the units summoned, without their notes.
    pub summons: Vec<SummonView>,
    pub attachments: Vec<AttachmentView>,
    /// The steps the caller may take now: each is `POST /api/v1/demands/{id}/<action>`
    /// (`attachments` takes a file).
    pub next_actions: Vec<String>,
    /// The caller may see the reporter's number whole by asking with a reason
    /// (`?reveal=`): the office, the grid's worker, whoever holds the open order. The
    /// number is masked until they do; false when there is no number.
    pub may_reveal_phone: bool,
}

impl DemandDetail {
    /// May the caller take this step now (by its name in `next_actions`)?
    pub fn can(&self, action: &str) -> bool {
        self.next_actions.iter().any(|a| a == action)
    }
}
