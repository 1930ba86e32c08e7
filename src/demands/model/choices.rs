//! What the forms of the demand loop offer to choose from.

use crate::auth::Role;

use super::Category;

/// The choices for a demand of one community: its category, its grid, whom to dispatch
/// it to or summon.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    pub categories: Vec<Category>,
    pub grids: Vec<(i64, String)>,
    /// Grid workers, volunteers and office staff of the community, with their role.
    pub people: Vec<(i64, String, Role)>,
    pub teams: Vec<(i64, String)>,
    /// The units of the street.
    pub units: Vec<(i64, String)>,
}

/// Residents found at the counter: the first [`ResidentMatches::MOST`], and whether there
/// were more.
#[derive(Clone, Debug, Default)]
pub struct ResidentMatches {
    pub found: Vec<ResidentMatch>,
    pub more: bool,
}

impl ResidentMatches {
    /// Shown at most: beyond it the counter types more of the name or address.
    pub const MOST: usize = 20;
}

/// A resident found at the counter by name, phone ending or room.
#[derive(Clone, Debug)]
pub struct ResidentMatch {
    pub id: i64,
    pub name: String,
    /// Masked: enough to tell two Aunt Pans apart.
    pub phone: String,
    pub address: String,
    /// What a visitor must know: `elderly_alone`, `limited_mobility` (copied onto the demand).
    pub flags: Vec<String>,
}
