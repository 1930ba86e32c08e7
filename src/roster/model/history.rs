//! The history of a roster object: every create, edit and delete is written to the audit
//! log with who made it, when, and which fields changed. Values are kept as text, old and
//! new, except for the personal fields (ID number, phone, health note, sensitive tags) and
//! a grid's outline: the log says *that* they changed, never what they were.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::as_rfc3339;
use crate::clock::Millis;
use crate::roster::scope::Kind;

/// A value as the audit log keeps it: text, or nothing when empty.
pub trait FieldValue {
    fn text(&self) -> Option<String>;
}

impl FieldValue for Option<String> {
    fn text(&self) -> Option<String> {
        self.clone().filter(|s| !s.is_empty())
    }
}

impl FieldValue for String {
    fn text(&self) -> Option<String> {
        Some(self.clone()).text()
    }
}

impl FieldValue for Option<i64> {
    fn text(&self) -> Option<String> {
        self.map(|v| v.to_string())
    }
}

/// A list (tags) as one text, `a, b`.
impl FieldValue for Vec<&String> {
    fn text(&self) -> Option<String> {
        let parts: Vec<&str> = self.iter().map(|s| s.as_str()).collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// A serialised value as text: numbers and strings as they are, lists joined, null and
/// empty as nothing.
fn json_text(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Null => None,
        Value::String(s) => s.text(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(json_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        other => Some(other.to_string()),
    }
}

/// One field of an object, as the audit log sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: Option<String>,
    /// Recorded by name only.
    pub hidden: bool,
}

impl Field {
    /// A field whose old and new values are recorded.
    pub fn plain(name: &str, v: &impl FieldValue) -> Field {
        Field {
            name: name.to_string(),
            value: v.text(),
            hidden: false,
        }
    }

    /// A field recorded by name only: compared here, never written down.
    pub fn hidden(name: &str, v: &impl FieldValue) -> Field {
        Field {
            hidden: true,
            ..Field::plain(name, v)
        }
    }
}

/// Objects whose changes are recorded: the fields a change is looked for in.
pub trait Audited {
    fn fields(&self) -> Vec<Field>;
}

/// Fields of every object that no edit changes, or that say when: not recorded.
const UNRECORDED: [&str; 6] = [
    "id",
    "street_id",
    "community_id",
    "created_at",
    "updated_at",
    "version",
];

/// Objects recorded by their serialised fields, those in [`Recorded::HIDDEN`] by name
/// only.
pub trait Recorded: Serialize {
    const HIDDEN: &'static [&'static str] = &[];
}

impl<T: Recorded> Audited for T {
    fn fields(&self) -> Vec<Field> {
        let Ok(serde_json::Value::Object(map)) = serde_json::to_value(self) else {
            return Vec::new();
        };
        map.iter()
            .filter(|(name, _)| !UNRECORDED.contains(&name.as_str()))
            .map(|(name, v)| Field {
                name: name.clone(),
                value: json_text(v),
                hidden: T::HIDDEN.contains(&name.as_str()),
            })
            .collect()
    }
}

/// What was done to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    Delete,
}

impl ChangeAction {
    pub const ALL: [ChangeAction; 3] = [
        ChangeAction::Create,
        ChangeAction::Update,
        ChangeAction::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Create => "create",
            ChangeAction::Update => "update",
            ChangeAction::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeAction> {
        ChangeAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// One field that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    /// The value before, as text (null when it was empty, on a create, or hidden).
    #[serde(default)]
    pub old: Option<String>,
    /// The value after, as text (null when it is empty, on a delete, or hidden).
    #[serde(default)]
    pub new: Option<String>,
    /// The values are not kept: a personal field (`id_number`, `phone`, `health_note`,
    /// `sensitive_tags`) or a grid's `polygon`. Only that it changed is recorded.
    #[serde(default)]
    pub hidden: bool,
}

/// One change of an object: who made it, when, and what changed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub at: Millis,
    /// The account that made the change (null for the system).
    pub user_id: Option<i64>,
    /// That account's display name.
    pub user_name: Option<String>,
    pub action: ChangeAction,
    pub object_kind: Kind,
    pub object_id: i64,
    /// Where the object was: its street, and its community when it has one.
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    /// The fields that changed (on a create, those set; on a delete, those it had).
    pub changes: Vec<FieldChange>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Grid {
        id: i64,
        name: String,
        worker_user_id: Option<i64>,
        building_ids: Vec<i64>,
        polygon: Option<String>,
    }

    impl Recorded for Grid {
        const HIDDEN: &'static [&'static str] = &["polygon"];
    }

    #[test]
    fn an_object_is_recorded_by_its_fields_as_text() {
        let g = Grid {
            id: 7,
            name: "第一网格".into(),
            worker_user_id: None,
            building_ids: vec![3, 5],
            polygon: Some("POLYGON((0 0, 1 0, 1 1, 0 0))".into()),
        };
        let fields = g.fields();
        let get = |n: &str| fields.iter().find(|f| f.name == n).cloned();
        assert!(get("id").is_none(), "the id is the object, not a field");
        assert_eq!(get("name").unwrap().value.as_deref(), Some("第一网格"));
        assert_eq!(get("worker_user_id").unwrap().value, None);
        assert_eq!(get("building_ids").unwrap().value.as_deref(), Some("3, 5"));
        assert!(get("polygon").unwrap().hidden);
        assert_eq!(Field::plain("n", &String::new()).value, None);
        assert_eq!(Field::plain("n", &Some(7_i64)).value.as_deref(), Some("7"));
    }

    #[test]
    fn actions_read_back() {
        for a in ChangeAction::ALL {
            assert_eq!(ChangeAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(ChangeAction::parse("view_pii"), None);
    }
}
