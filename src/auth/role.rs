//! Roles and the caller of a request.

use serde::{Deserialize, Serialize};

/// What someone does in the community; it decides what they may see and do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 居民: raises demands for their household, follows and rates them.
    Resident,
    /// 网格员: owns one grid.
    GridWorker,
    /// 志愿者 / party member: takes orders.
    Volunteer,
    /// 社工: intake, triage, dispatch for the community.
    Staff,
    /// 书记: supervises the community.
    Secretary,
    /// 街道: supervises its communities, takes escalated matters.
    Street,
    /// 共建单位: a property company, utility, police station or member unit.
    Unit,
    /// Categories, deadlines, accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Resident,
        Role::GridWorker,
        Role::Volunteer,
        Role::Staff,
        Role::Secretary,
        Role::Street,
        Role::Unit,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::GridWorker => "grid_worker",
            Role::Volunteer => "volunteer",
            Role::Staff => "staff",
            Role::Secretary => "secretary",
            Role::Street => "street",
            Role::Unit => "unit",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Community office roles: staff and secretary.
    pub fn is_office(self) -> bool {
        matches!(self, Role::Staff | Role::Secretary)
    }
}

/// Who is calling, with what they are attached to. Built once per request from the token.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub resident_id: Option<i64>,
    /// The household of a resident account.
    pub household_id: Option<i64>,
    /// The grids a grid worker owns.
    pub grid_ids: Vec<i64>,
    /// The teams the user belongs to.
    pub team_ids: Vec<i64>,
}

impl Actor {
    /// The background jobs act as this.
    pub fn system() -> Actor {
        Actor {
            user_id: 0,
            username: "system".into(),
            display_name: "系统".into(),
            role: Role::Admin,
            street_id: None,
            community_id: None,
            unit_id: None,
            resident_id: None,
            household_id: None,
            grid_ids: Vec::new(),
            team_ids: Vec::new(),
        }
    }

    pub fn is_system(&self) -> bool {
        self.user_id == 0
    }

    /// The id to store as "who did it" (None for the system).
    pub fn user_ref(&self) -> Option<i64> {
        (!self.is_system()).then_some(self.user_id)
    }
}
