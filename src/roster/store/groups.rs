//! Grids, party branches, units and teams in the database: their columns, where they
//! sit, what refers to them, how an edit is written back, and their lists' filters.

use std::future::Future;

use crate::db::{DbResult, Exec, Q};
use crate::roster::model::{
    BranchFilter, Grid, GridFilter, PartyBranch, Team, TeamFilter, Unit, UnitFilter,
};
use crate::roster::scope::{Kind, Loc};

use super::kinds::{at, id};
use super::query::{Cond, Filter, Stored, fill_children};

impl Stored for Grid {
    const KIND: Kind = Kind::Grid;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.name, \
         x.worker_user_id, x.polygon, x.created_at FROM grids x";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM buildings WHERE grid_id = $1 LIMIT 1",
        "SELECT branch_id FROM branch_grids WHERE grid_id = $1 LIMIT 1",
        "SELECT id FROM demands WHERE grid_id = $1 LIMIT 1",
    ];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.community_id)
    }

    fn update(&self) -> Q {
        Q::new("UPDATE grids SET name = $1, worker_user_id = $2, polygon = $3 WHERE id = $4")
            .bind(&self.name)
            .bind(self.worker_user_id)
            .bind(self.polygon.clone())
            .bind(self.id)
    }

    fn fill(ex: &mut impl Exec, items: &mut [Grid]) -> impl Future<Output = DbResult<()>> + Send {
        let sql = "SELECT grid_id, id FROM buildings WHERE";
        fill_children(ex, items, sql, "grid_id", |g, b: i64| {
            g.building_ids.push(b)
        })
    }
}

impl Filter for GridFilter {
    type Item = Grid;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Eq("x.worker_user_id", id(self.worker_user_id)),
            Cond::Contains("x.name", self.q.as_deref()),
        ]
    }
}

impl Stored for PartyBranch {
    const KIND: Kind = Kind::Branch;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.name, \
         x.secretary_user_id, x.created_at FROM party_branches x";
    const USED_BY: &'static [&'static str] = &[];
    const OWNS: &'static [&'static str] = &["DELETE FROM branch_grids WHERE branch_id = $1"];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.community_id)
    }

    fn update(&self) -> Q {
        Q::new("UPDATE party_branches SET name = $1, secretary_user_id = $2 WHERE id = $3")
            .bind(&self.name)
            .bind(self.secretary_user_id)
            .bind(self.id)
    }

    fn fill(
        ex: &mut impl Exec,
        items: &mut [PartyBranch],
    ) -> impl Future<Output = DbResult<()>> + Send {
        let sql = "SELECT branch_id, grid_id FROM branch_grids WHERE";
        fill_children(ex, items, sql, "branch_id", |b, g: i64| b.grid_ids.push(g))
    }
}

impl Filter for BranchFilter {
    type Item = PartyBranch;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Sub(
                "x.id IN (SELECT branch_id FROM branch_grids WHERE grid_id = ",
                id(self.grid_id),
            ),
            Cond::Contains("x.name", self.q.as_deref()),
        ]
    }
}

impl Stored for Unit {
    const KIND: Kind = Kind::Unit;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.kind, x.name, \
         x.phone, x.created_at FROM units x";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM users WHERE unit_id = $1 LIMIT 1",
        "SELECT id FROM demand_assignments WHERE target_kind = 'unit' AND target_id = $1 \
         LIMIT 1",
        "SELECT id FROM demand_summons WHERE target_kind = 'unit' AND target_id = $1 LIMIT 1",
    ];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        Loc {
            street_id: self.street_id,
            community_id: self.community_id,
            grid_id: None,
        }
    }

    fn update(&self) -> Q {
        Q::new("UPDATE units SET kind = $1, name = $2, phone = $3 WHERE id = $4")
            .bind(&self.kind)
            .bind(&self.name)
            .bind(self.phone.clone())
            .bind(self.id)
    }
}

impl Filter for UnitFilter {
    type Item = Unit;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Text("x.kind", self.kind.as_deref()),
            Cond::Contains("x.name", self.q.as_deref()),
        ]
    }
}

impl Stored for Team {
    const KIND: Kind = Kind::Team;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.kind, x.name, \
         x.leader_user_id, x.created_at FROM teams x";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM demand_assignments WHERE target_kind = 'team' AND target_id = $1 \
           LIMIT 1",
    ];
    const OWNS: &'static [&'static str] = &["DELETE FROM team_members WHERE team_id = $1"];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.community_id)
    }

    fn update(&self) -> Q {
        Q::new("UPDATE teams SET kind = $1, name = $2, leader_user_id = $3 WHERE id = $4")
            .bind(&self.kind)
            .bind(&self.name)
            .bind(self.leader_user_id)
            .bind(self.id)
    }

    fn fill(ex: &mut impl Exec, items: &mut [Team]) -> impl Future<Output = DbResult<()>> + Send {
        let sql = "SELECT team_id, user_id FROM team_members WHERE";
        fill_children(ex, items, sql, "team_id", |t, u: i64| {
            t.member_user_ids.push(u)
        })
    }
}

impl Filter for TeamFilter {
    type Item = Team;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Text("x.kind", self.kind.as_deref()),
            Cond::Sub(
                "x.id IN (SELECT team_id FROM team_members WHERE user_id = ",
                id(self.member_user_id),
            ),
            Cond::Contains("x.name", self.q.as_deref()),
        ]
    }
}
