//! The audit log's words: the filter a reader gives and the rows they get back.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::clock::Millis;

/// The kinds of action Linli writes to the log, in the order the page offers them.
/// Capabilities that add kinds add them here (a kind not listed still filters).
pub const KINDS: &[&str] = &[
    "sign_in",
    "sign_in_failed",
    "view_pii",
    "export",
    "create",
    "update",
    "delete",
    "set_category",
    "create_account",
    "change_account",
    "reset_password",
    "lock_account",
    "unlock_account",
    "issue_token",
    "revoke_token",
    "revoke_all_tokens",
    "change_password",
    "totp_enrol",
    "totp_disable",
    "totp_reset",
    "totp_recovery_used",
    "subject_access",
    "anonymise",
    "guardian_consent",
    "withdraw_consent",
];

/// What a reader asks for. Every field is optional; all given must hold.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The resident the entry is about (its id).
    pub person: Option<i64>,
    /// Who acted: an account's user name.
    pub actor: Option<String>,
    /// The kind of action, e.g. `view_pii`, `sign_in_failed`, `update`.
    pub kind: Option<String>,
    /// From this day (China time, `YYYY-MM-DD`) or moment (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Up to the end of this day (China time) or this moment.
    pub to: Option<String>,
    /// Entries on a page, 1–200 (50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<i64>,
}

/// The filter as the store applies it: parsed, the actor's name resolved.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub person: Option<i64>,
    pub user_id: Option<i64>,
    pub kind: Option<String>,
    pub from: Option<Millis>,
    /// Exclusive.
    pub until: Option<Millis>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
}

/// One entry as a reader sees it.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, China time.
    #[serde(serialize_with = "crate::roster::model::as_rfc3339")]
    #[schema(value_type = String)]
    pub at: Millis,
    pub user_id: Option<i64>,
    /// The account's user name (none: the system, or an attempt with no account).
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<i64>,
    /// The resident's name, for an entry about one who is still on the roster.
    pub object_name: Option<String>,
    /// What was seen or changed: field names and reasons, never a personal value.
    pub detail: String,
    /// The client address the action came from, where known.
    pub client: Option<String>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
}

/// A page of entries, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass back as `cursor` for older entries; none on the last page.
    pub next_cursor: Option<i64>,
}
