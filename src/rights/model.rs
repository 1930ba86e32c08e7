//! The data subject's rights (PIPL arts. 44–47) in words: everything Linli holds about
//! one resident, and a request to take them out of it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock::Millis;
use crate::roster::model::Resident;
use crate::roster::model::child::GuardianConsent;

pub use super::store::{AccountHeld, AuditHeld, DemandHeld};

/// Everything Linli holds about one resident, whole: the record, where they live, their
/// sign-in, the demands they raised, the guardians' consents that name them, and who did what about them by the audit log.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Everything {
    pub resident: Resident,
    /// `小区 楼栋 单元 门牌`, when they belong to a household.
    pub address: Option<String>,
    pub accounts: Vec<AccountHeld>,
    pub demands: Vec<DemandHeld>,
    /// The guardians' consents that name them: for a child, those given for them; for an
    /// adult, those they gave as a guardian (PIPL art. 31). Withdrawn ones too.
    pub consents: Vec<GuardianConsent>,
    /// The newest entries about them, at most 500.
    pub audit: Vec<AuditHeld>,
    /// When they were anonymised, if they were.
    #[serde(serialize_with = "crate::roster::model::as_rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub anonymised_at: Option<Millis>,
    /// When this copy was made.
    #[serde(serialize_with = "crate::roster::model::as_rfc3339")]
    #[schema(value_type = String)]
    pub made_at: Millis,
}

/// Why the resident is to be anonymised (their request, their death, …).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnonymiseRequest {
    /// 1–100 characters, written to the audit log.
    pub reason: String,
}

/// What anonymising did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Anonymised {
    pub resident_id: i64,
    /// The demands they raised, kept (with their figures) without naming them.
    pub demands_kept: u64,
}
