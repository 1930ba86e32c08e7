//! The domain error: what every service, store and parser of Linli returns when it refuses
//! or fails. It says *what* went wrong (a [`Code`] from the one catalogue below, the field
//! at fault, the values its message needs) and nothing about HTTP or language: the web
//! layer turns it into a status, the stable code and a message in the user's language, in
//! one place (`web::error`).
//!
//! Every code any part of Linli answers is a variant of [`Code`]; its message is
//! `error.<code>` in `locales/zh-CN.yml` and `locales/en.yml` (a unit test fails when one is
//! missing).

use crate::db::DbError;

/// How a refusal is classed: the web layer gives each class its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The request cannot be read at all (400).
    BadRequest,
    /// Not signed in, or the credentials are wrong (401).
    Unauthorized,
    /// Signed in, but the role or relation does not allow it (403).
    Forbidden,
    /// Nothing there, or nothing the caller may see (404).
    NotFound,
    /// The state of what is stored does not allow it (409).
    Conflict,
    /// Too large to accept (413).
    TooLarge,
    /// A type of content that is not accepted (415).
    Unsupported,
    /// A field does not parse or names nothing the caller may use (422).
    Invalid,
    /// Locked for a while after repeated failures (423).
    Locked,
    /// Too many attempts; try later (429).
    TooMany,
    /// The database does not answer; worth trying again (503).
    Unavailable,
    /// A fault of ours (500).
    Internal,
}

macro_rules! catalogue {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $class:ident;)+) => {
        /// Every error code Linli answers: stable, for programs; people read the message.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code { $($(#[$doc])* $variant),+ }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable machine code, e.g. `illegal_transition`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),+ }
            }

            pub fn class(self) -> Class {
                match self { $(Code::$variant => Class::$class),+ }
            }
        }
    };
}

catalogue! {
    // Reading the request.
    InvalidJson = "invalid_json", BadRequest;
    InvalidQuery = "invalid_query", BadRequest;
    InvalidBody = "invalid_body", Invalid;
    UnsupportedMediaType = "unsupported_media_type", Unsupported;
    BodyTooLarge = "body_too_large", TooLarge;
    // Who is asking.
    Unauthorized = "unauthorized", Unauthorized;
    BadCredentials = "bad_credentials", Unauthorized;
    AccountLocked = "account_locked", Locked;
    AddressLocked = "address_locked", TooMany;
    TotpRequired = "totp_required", Unauthorized;
    TotpInvalid = "totp_invalid", Unauthorized;
    SignInExpired = "sign_in_expired", Unauthorized;
    TotpEnrolmentRequired = "totp_enrolment_required", Forbidden;
    PasswordExpired = "password_expired", Forbidden;
    Forbidden = "forbidden", Forbidden;
    StaffOnly = "staff_only", Forbidden;
    NotFound = "not_found", NotFound;
    // Fields.
    MissingField = "missing_field", Invalid;
    TextTooLong = "text_too_long", Invalid;
    InvalidText = "invalid_text", Invalid;
    InvalidNumber = "invalid_number", Invalid;
    OutOfRange = "out_of_range", Invalid;
    InvalidPhone = "invalid_phone", Invalid;
    InvalidIdNumber = "invalid_id_number", Invalid;
    InvalidBirthDate = "invalid_birth_date", Invalid;
    InvalidGender = "invalid_gender", Invalid;
    BirthDateMismatch = "birth_date_mismatch", Invalid;
    GenderMismatch = "gender_mismatch", Invalid;
    InvalidTag = "invalid_tag", Invalid;
    TooManyTags = "too_many_tags", Invalid;
    TooManyIds = "too_many_ids", Invalid;
    InvalidKind = "invalid_kind", Invalid;
    InvalidFloors = "invalid_floors", Invalid;
    InvalidChoice = "invalid_choice", Invalid;
    InvalidCategoryCode = "invalid_category_code", Invalid;
    PasswordTooShort = "password_too_short", Invalid;
    PasswordIsDemo = "password_is_demo", Invalid;
    PasswordTooLong = "password_too_long", Invalid;
    PasswordTooSimple = "password_too_simple", Invalid;
    PasswordCommon = "password_common", Invalid;
    PasswordReused = "password_reused", Invalid;
    CurrentPasswordWrong = "current_password_wrong", Invalid;
    TotpCodeWrong = "totp_code_wrong", Invalid;
    // References that name nothing the caller may use.
    UnknownReference = "unknown_reference", Invalid;
    UnknownStreet = "unknown_street", Invalid;
    UnknownCommunity = "unknown_community", Invalid;
    UnknownCompound = "unknown_compound", Invalid;
    UnknownBuilding = "unknown_building", Invalid;
    UnknownHousehold = "unknown_household", Invalid;
    UnknownResident = "unknown_resident", Invalid;
    UnknownGrid = "unknown_grid", Invalid;
    UnknownWorker = "unknown_worker", Invalid;
    UnknownUser = "unknown_user", Invalid;
    UnknownCategory = "unknown_category", Invalid;
    UnknownAssignee = "unknown_assignee", Invalid;
    UnknownSummoned = "unknown_summoned", Invalid;
    OtherCommunity = "other_community", Invalid;
    // Roster privacy.
    SensitiveFilter = "sensitive_filter", Forbidden;
    GuardianConsentRequired = "guardian_consent_required", Invalid;
    InvalidGuardian = "invalid_guardian", Invalid;
    NotAChild = "not_a_child", Invalid;
    ConsentInForce = "consent_in_force", Conflict;
    ConsentWithdrawn = "consent_withdrawn", Conflict;
    // Demands.
    ResidentChannel = "resident_channel", Invalid;
    ReporterNeeded = "reporter_needed", Invalid;
    InvalidTime = "invalid_time", Invalid;
    AppointmentPast = "appointment_past", Invalid;
    AppointmentTooFar = "appointment_too_far", Invalid;
    InvalidMergeTarget = "invalid_merge_target", Invalid;
    TooManySummoned = "too_many_summoned", Invalid;
    InvalidClientId = "invalid_client_id", Invalid;
    /// The client-made id of an intake was sent before by someone else.
    ClientIdTaken = "client_id_taken", Conflict;
    UnsupportedFile = "unsupported_file", Unsupported;
    FileTooLarge = "file_too_large", TooLarge;
    IllegalTransition = "illegal_transition", Conflict;
    NotAllowed = "not_allowed", Forbidden;
    SummonsPending = "summons_pending", Conflict;
    RatingWindowOpen = "rating_window_open", Conflict;
    ReopenWindowPassed = "reopen_window_passed", Conflict;
    TopLevel = "top_level", Conflict;
    ReportOrder = "report_order", Conflict;
    VersionConflict = "version_conflict", Conflict;
    AlreadyAnonymised = "already_anonymised", Conflict;
    // What is stored.
    Duplicate = "duplicate", Conflict;
    InUse = "in_use", Conflict;
    // Our side.
    DatabaseUnavailable = "database_unavailable", Unavailable;
    Internal = "internal", Internal;
    // Accounts, as the admin keeps them.
    InvalidUsername = "invalid_username", Invalid;
    PasswordMismatch = "password_mismatch", Invalid;
    UsernameTaken = "username_taken", Invalid;
    OwnAccount = "own_account", Invalid;
    // The second factor.
    TotpAlreadyEnrolled = "totp_already_enrolled", Conflict;
    TotpNotEnrolled = "totp_not_enrolled", Conflict;
    // Councils, votes, decisions, consent campaigns, follow-through.
    /// The same person, or another member of the same household, has voted on this topic.
    AlreadyVoted = "already_voted", Conflict;
    /// The meeting has not started: votes open when it is in session.
    VotingNotOpen = "voting_not_open", Conflict;
    /// The meeting is closed (or cancelled): its votes no longer change.
    VotingClosed = "voting_closed", Conflict;
    /// A vote per household cast for a household the voter does not belong to.
    VoteForOtherHousehold = "vote_for_other_household", Invalid;
    /// Not in the topic's electorate, or not an adult member of a household for a vote per
    /// household.
    VoteNotEligible = "vote_not_eligible", Forbidden;
    /// No decision without quorum: the topic is recorded as "no quorum".
    NoQuorum = "no_quorum", Conflict;
    /// No option has the majority the rule asks (rejected, or tied).
    NoMajority = "no_majority", Conflict;
    CampaignOutsideCommunity = "campaign_outside_community", Invalid;
    /// A campaign's result is final only after a public notice period (公示).
    NoticeRequired = "notice_required", Conflict;
    NoticePeriodOpen = "notice_period_open", Conflict;
    /// The campaign's result is final: positions and objections no longer change.
    CampaignFinal = "campaign_final", Conflict;
    InvalidProgress = "invalid_progress", Invalid;
    InvalidRecurrence = "invalid_recurrence", Invalid;
    InvalidShare = "invalid_share", Invalid;
    EndsBeforeStart = "ends_before_start", Invalid;
    /// A meeting, topic or follow-through item is not in a state where this step can be
    /// taken (a topic put on the agenda twice, attendance taken at a closed meeting).
    CouncilState = "council_state", Conflict;
    /// The same option twice among a topic's options.
    DuplicateOption = "duplicate_option", Invalid;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Codes compare with their stable text (`e.code == "not_found"`), as clients see them.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A value a message needs: text as it is, or a catalogue key translated with the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Key(String),
}

/// A refusal or a failure, in domain terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: Code,
    /// The request field at fault, when one is.
    pub field: Option<String>,
    /// Values for the message's `%{name}` placeholders.
    pub args: Vec<(&'static str, Arg)>,
    /// What really happened, for the log only (never sent).
    pub cause: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: Code) -> Error {
        Error {
            code,
            field: None,
            args: Vec::new(),
            cause: None,
        }
    }

    /// A field that fails: the code, with the field named (and given to the message as
    /// `%{field}`).
    pub fn invalid(field: &str, code: Code) -> Error {
        Error::new(code).on(field)
    }

    /// Names the field at fault.
    pub fn on(mut self, field: &str) -> Error {
        self.field = Some(field.to_string());
        self.args.push(("field", Arg::Text(field.to_string())));
        self
    }

    /// A value for the message.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Error {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// A catalogue key for the message, translated with it (`demand.status.closed`).
    pub fn with_key(mut self, name: &'static str, key: impl Into<String>) -> Error {
        self.args.push((name, Arg::Key(key.into())));
        self
    }

    pub fn not_found() -> Error {
        Error::new(Code::NotFound)
    }

    pub fn forbidden() -> Error {
        Error::new(Code::Forbidden)
    }

    pub fn unauthorized() -> Error {
        Error::new(Code::Unauthorized)
    }

    pub fn required(field: &str) -> Error {
        Error::invalid(field, Code::MissingField)
    }

    pub fn too_long(field: &str, max: usize) -> Error {
        Error::invalid(field, Code::TextTooLong).with("max", max)
    }

    /// A query parameter that does not parse.
    pub fn query(detail: &str) -> Error {
        Error::new(Code::InvalidQuery).with("detail", detail)
    }

    /// A number outside `min..=max`.
    pub fn out_of_range(field: &str, min: i64, max: i64) -> Error {
        Error::invalid(field, Code::OutOfRange)
            .with("min", min)
            .with("max", max)
    }

    /// Something went wrong on our side: the cause goes to the log, the user is told only
    /// that.
    pub fn internal(cause: impl std::fmt::Display) -> Error {
        Error {
            cause: Some(cause.to_string()),
            ..Error::new(Code::Internal)
        }
    }

    /// The value given for `name`, if any (tests and logs).
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    pub fn class(&self) -> Class {
        self.code.class()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code.as_str())?;
        if let Some(field) = &self.field {
            write!(f, " ({field})")?;
        }
        if let Some(cause) = &self.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<DbError> for Error {
    fn from(e: DbError) -> Error {
        match e {
            DbError::Duplicate(what) => {
                tracing::info!(constraint = %what, "write refused: a duplicate");
                Error::new(Code::Duplicate)
            }
            DbError::Dangling(what) => {
                tracing::info!(constraint = %what, "write refused: a reference to nothing");
                Error::new(Code::UnknownReference)
            }
            DbError::Other(sqlx::Error::RowNotFound) => Error::not_found(),
            // The database is away: say so, and that it is worth trying again.
            DbError::Other(
                e @ (sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed),
            ) => Error {
                cause: Some(e.to_string()),
                ..Error::new(Code::DatabaseUnavailable)
            },
            DbError::Other(e) => Error::internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(
                c.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{c}"
            );
        }
    }

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        for c in Code::ALL {
            let key = format!("error.{}", c.as_str());
            for lang in ["zh-CN", "en"] {
                // The catalogue itself, without the fallback to the other language.
                let text = crate::_rust_i18n_backend_translate(lang, &key);
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{key} has no message in {lang}"
                );
            }
        }
    }

    #[test]
    fn a_duplicate_is_not_a_dangling_reference() {
        let dup = Error::from(DbError::Duplicate("residents_id_number".into()));
        let dangling = Error::from(DbError::Dangling("demands_household_id_fkey".into()));
        assert_eq!(dup.code, Code::Duplicate);
        assert_eq!(dangling.code, Code::UnknownReference);
        assert_eq!(dup.class(), Class::Conflict);
        assert_eq!(dangling.class(), Class::Invalid);
    }

    #[test]
    fn the_cause_stays_out_of_the_message_arguments() {
        let e = Error::internal("disk full at /var/lib");
        assert_eq!(e.code, Code::Internal);
        assert!(e.args.is_empty());
        assert!(e.to_string().contains("disk full"));
    }
}
