//! Authorisation proven by chance (issue 14 item 7): (actor, action, object) combinations
//! drawn at random — every demo role, every operation of the OpenAPI document and every
//! page route of the router's own table (so a new endpoint is covered without editing
//! this file), the ids of real residents, households, buildings and demands of every grid
//! and some that do not exist — are sent through the real router. None may answer 5xx;
//! none may hand an actor an object outside their reach (a grid worker another grid's
//! residents or demands, a resident anyone else's, a unit a demand not given to it); and
//! no answer may hold an ID number or health note whole unless it was asked for whole
//! (`reveal`, a copy of everything, an export) by someone who may see it, nor a demand's
//! reporter number whole unless asked for (`reveal`) by someone who calls back on it.
//!
//! `TEST_AUTHZ_COMBINATIONS` sets how many (100,000 by default); `TEST_AUTHZ_SEED` the
//! seed, printed, so a failure can be replayed.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::http::{Method, Request, header};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use linli::auth::Role;
use linli::db::Q;
use linli::demands::store::ReporterPhone;
use linli::roster::model::sealed::{ResidentHealth, ResidentIdNumber, ResidentPhone};
use linli::vault::sql::Opened;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tower::ServiceExt;

use crate::common::pages::PageClient;
use crate::common::{TestApp, record};

/// Who acts besides one login per role (`page_access::LOGINS`): a second grid worker.
const MORE_ACTORS: [(Role, &str); 1] = [(Role::GridWorker, "grid02")];

struct Actor {
    role: Role,
    user_id: i64,
    token: String,
    cookie: String,
    grids: HashSet<i64>,
    teams: HashSet<i64>,
    household: Option<i64>,
    resident: Option<i64>,
    unit: Option<i64>,
}

/// A resident, household or building: its grid.
#[derive(Clone, Copy)]
struct Placed {
    grid: Option<i64>,
}

#[derive(Clone, Copy)]
struct Demand {
    grid: Option<i64>,
    household: Option<i64>,
    created_by: Option<i64>,
}

struct World {
    residents: HashMap<i64, Placed>,
    households: HashMap<i64, Placed>,
    buildings: HashMap<i64, Placed>,
    demands: HashMap<i64, Demand>,
    /// (demand, assignee kind, assignee id) ever given.
    assigned: HashSet<(i64, String, i64)>,
    /// Whole values that must not leak, with the residents they belong to (two may share
    /// a health note).
    secrets: HashMap<String, Vec<i64>>,
    /// Reporters' numbers (not also a resident's), with the demands that hold them.
    phones: HashMap<String, Vec<i64>>,
}

/// One operation: method and path template.
#[derive(Clone)]
struct Op {
    method: Method,
    path: String,
    page: bool,
}

fn ops() -> Vec<Op> {
    let doc = serde_json::to_value(linli::app::openapi()).unwrap();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, _) in item.as_object().unwrap() {
            if let Ok(method) = m.to_uppercase().parse::<Method>() {
                ops.push(Op {
                    method,
                    path: path.clone(),
                    page: false,
                });
            }
        }
    }
    for r in linli::app::page_routes() {
        // Page forms need the session's CSRF token: a POST without it changes nothing,
        // which page_access proves; the reads are what may leak.
        if r.method == "GET" {
            ops.push(Op {
                method: Method::GET,
                path: r.path.to_string(),
                page: true,
            });
        }
    }
    ops
}

async fn world(app: &TestApp) -> World {
    let mut c = app.state.db.conn().await.unwrap();
    let placed = |rows: Vec<(i64, Option<i64>)>| {
        rows.into_iter()
            .map(|(id, grid)| (id, Placed { grid }))
            .collect::<HashMap<_, _>>()
    };
    let residents: Vec<(i64, Option<i64>)> = Q::new(
        "SELECT r.id, b.grid_id FROM residents r \
         LEFT JOIN households h ON h.id = r.household_id \
         LEFT JOIN buildings b ON b.id = h.building_id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let households: Vec<(i64, Option<i64>)> =
        Q::new("SELECT h.id, b.grid_id FROM households h JOIN buildings b ON b.id = h.building_id")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let buildings: Vec<(i64, Option<i64>)> = Q::new("SELECT id, grid_id FROM buildings")
        .fetch_all(&mut c)
        .await
        .unwrap();
    type DemandRow = (i64, Option<i64>, Option<i64>, Option<i64>);
    let demands: Vec<DemandRow> =
        Q::new("SELECT id, grid_id, household_id, created_by FROM demands")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let assigned: Vec<(i64, String, i64)> = Q::new(
        "SELECT demand_id, target_kind, target_id FROM demand_assignments \
             UNION SELECT demand_id, target_kind, target_id FROM demand_summons \
             UNION SELECT id, assignee_kind, assignee_id FROM demands \
             WHERE assignee_kind IS NOT NULL",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let ids: Vec<(i64, Opened<ResidentIdNumber>, Opened<ResidentHealth>)> =
        Q::new("SELECT id, id_number, health_note FROM residents")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let mut secrets: HashMap<String, Vec<i64>> = HashMap::new();
    for (id, n, h) in ids {
        for v in [Option::<String>::from(n), Option::<String>::from(h)]
            .into_iter()
            .flatten()
        {
            if v.chars().count() >= 6 {
                secrets.entry(v).or_default().push(id);
            }
        }
    }
    // A resident's own number may be shown whole by the roster: only the others.
    let on_roster: Vec<(Opened<ResidentPhone>,)> = Q::new("SELECT phone FROM residents")
        .fetch_all(&mut c)
        .await
        .unwrap();
    let on_roster: HashSet<String> = on_roster
        .into_iter()
        .filter_map(|(p,)| Option::<String>::from(p))
        .collect();
    let reported: Vec<(i64, Opened<ReporterPhone>)> =
        Q::new("SELECT id, reporter_phone FROM demands")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let mut phones: HashMap<String, Vec<i64>> = HashMap::new();
    for (id, p) in reported {
        if let Some(p) = Option::<String>::from(p).filter(|p| !on_roster.contains(p)) {
            phones.entry(p).or_default().push(id);
        }
    }
    World {
        residents: placed(residents),
        households: placed(households),
        buildings: placed(buildings),
        demands: demands
            .into_iter()
            .map(|(id, grid, household, created_by)| {
                (
                    id,
                    Demand {
                        grid,
                        household,
                        created_by,
                    },
                )
            })
            .collect(),
        assigned: assigned.into_iter().collect(),
        secrets,
        phones,
    }
}

async fn actor(app: &TestApp, role: Role, login: &str) -> Actor {
    let token = app.login(login).await.token;
    let cookie = PageClient::login(app, login).await.cookie_header();
    let user_id = app.user_id(login).await;
    let mut c = app.state.db.conn().await.unwrap();
    let (resident, unit): (Option<i64>, Option<i64>) =
        Q::new("SELECT resident_id, unit_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut c)
            .await
            .unwrap();
    let grids: Vec<(i64,)> = Q::new("SELECT id FROM grids WHERE worker_user_id = $1")
        .bind(user_id)
        .fetch_all(&mut c)
        .await
        .unwrap();
    let teams: Vec<(i64,)> = Q::new("SELECT team_id FROM team_members WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&mut c)
        .await
        .unwrap();
    let household = match resident {
        Some(r) => {
            Q::new("SELECT household_id FROM residents WHERE id = $1")
                .bind(r)
                .fetch_one::<(Option<i64>,)>(&mut c)
                .await
                .unwrap()
                .0
        }
        None => None,
    };
    Actor {
        role,
        user_id,
        token,
        cookie,
        grids: grids.into_iter().map(|g| g.0).collect(),
        teams: teams.into_iter().map(|t| t.0).collect(),
        household,
        resident,
        unit,
    }
}

/// What a path is about: the kind of its object, from where the path names it.
fn kind_of(path: &str) -> Option<&'static str> {
    let p = path.trim_start_matches("/api/v1");
    [
        ("/residents/{", "resident"),
        ("/roster/residents/{", "resident"),
        ("/households/{", "household"),
        ("/roster/households/{", "household"),
        ("/buildings/{", "building"),
        ("/roster/buildings/{", "building"),
        ("/demands/{", "demand"),
        ("/work/demands/{", "demand"),
        ("/me/demands/{", "demand"),
    ]
    .iter()
    .find(|(prefix, _)| p.starts_with(prefix))
    .map(|(_, k)| *k)
}

/// Whether `a` may be answered with `kind` number `id` at all (a 2xx), by the rules the
/// roster and the demands state.
fn may_reach(a: &Actor, w: &World, kind: &str, id: i64, path: &str) -> bool {
    let roster = |p: Option<&Placed>| match (a.role, p) {
        (_, None) => true,
        (Role::Admin | Role::Street | Role::Staff | Role::Secretary, _) => true,
        // Buildings are the community's map, open to every grid worker of it; the people
        // and households in them are the grid's.
        (Role::GridWorker, Some(_)) if kind == "building" => true,
        (Role::GridWorker, Some(p)) => p.grid.is_some_and(|g| a.grids.contains(&g)),
        // A resident reaches their own record, and (as a guardian, of age) the consents
        // of their own household.
        (Role::Resident, Some(_)) => {
            (kind == "resident" && a.resident == Some(id))
                || (kind == "household" && a.household == Some(id) && path.contains("/consents"))
        }
        _ => false,
    };
    match kind {
        "resident" => roster(w.residents.get(&id)),
        "household" => roster(w.households.get(&id)),
        "building" => roster(w.buildings.get(&id)),
        "demand" => {
            let Some(d) = w.demands.get(&id) else {
                return true;
            };
            let given = |k: &str, to: Option<i64>| {
                to.is_some_and(|to| w.assigned.contains(&(id, k.to_string(), to)))
            };
            match a.role {
                Role::Resident => {
                    (d.household.is_some() && d.household == a.household)
                        || d.created_by == Some(a.user_id)
                }
                Role::GridWorker => {
                    d.grid.is_some_and(|g| a.grids.contains(&g))
                        || given("user", Some(a.user_id))
                        || d.created_by == Some(a.user_id)
                }
                Role::Unit => given("unit", a.unit),
                // Volunteers, teams: their own rules; the 5xx and leak checks still hold.
                Role::Volunteer => true,
                _ => !path.is_empty(),
            }
        }
        _ => true,
    }
}

/// Whether an answer to `a` on `path` may show resident `owner`'s ID number or health
/// note whole.
fn may_show_whole(a: &Actor, w: &World, owner: i64, path: &str) -> bool {
    let asked = path.contains("reveal=")
        || path.contains("/everything")
        || path.contains("/me/data")
        || path.contains("export")
        // Opening the edit form is asking to see the record whole (and audited so).
        || path.contains("/edit");
    let grid = w.residents.get(&owner).and_then(|p| p.grid);
    let may = match a.role {
        Role::Admin | Role::Staff | Role::Secretary => true,
        Role::GridWorker => grid.is_some_and(|g| a.grids.contains(&g)),
        Role::Resident => a.resident == Some(owner),
        _ => false,
    };
    asked && may
}

/// Whether an answer to `a` on `path` may show the reporter's number of `demand` whole:
/// asked for (`reveal`; a resident's copy of everything holds the demands they raised) by
/// someone who calls back on it (the office, the grid's worker, whoever it was given to).
fn may_show_phone(a: &Actor, w: &World, demand: i64, path: &str) -> bool {
    let Some(d) = w.demands.get(&demand) else {
        return false;
    };
    let given = |k: &str, to: i64| w.assigned.contains(&(demand, k.to_string(), to));
    let to_team = || a.teams.iter().any(|t| given("team", *t));
    let own =
        (d.household.is_some() && d.household == a.household) || d.created_by == Some(a.user_id);
    match a.role {
        Role::Admin | Role::Staff | Role::Secretary => {
            path.contains("reveal=") || path.contains("/everything")
        }
        Role::GridWorker => {
            (path.contains("reveal=") || path.contains("/everything"))
                && (d.grid.is_some_and(|g| a.grids.contains(&g))
                    || given("user", a.user_id)
                    || to_team())
        }
        Role::Volunteer => path.contains("reveal=") && (given("user", a.user_id) || to_team()),
        Role::Unit => path.contains("reveal=") && a.unit.is_some_and(|u| given("unit", u)),
        Role::Resident => path.contains("/me/data") && own,
        Role::Street => false,
    }
}

fn pick<'a>(rng: &mut StdRng, ids: impl Iterator<Item = &'a i64>) -> i64 {
    let v: Vec<&i64> = ids.collect();
    if v.is_empty() || rng.random_ratio(1, 10) {
        // Something that does not exist, or is no number at all.
        return [0, -1, 999_999_999][rng.random_range(0..3)];
    }
    *v[rng.random_range(0..v.len())]
}

/// A concrete path for `op`: its parameters filled, a query sometimes added.
fn concrete(rng: &mut StdRng, op: &Op, w: &World) -> (String, Option<i64>) {
    let kind = kind_of(&op.path);
    let id = match kind {
        Some("resident") => pick(rng, w.residents.keys()),
        Some("household") => pick(rng, w.households.keys()),
        Some("building") => pick(rng, w.buildings.keys()),
        Some("demand") => pick(rng, w.demands.keys()),
        _ => pick(rng, w.residents.keys().chain(w.demands.keys())),
    };
    let mut out = String::new();
    let mut rest = op.path.as_str();
    let mut first = true;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        let name = &rest[open + 1..close - 1];
        out.push_str(&match name {
            "action" => {
                ["accept", "dispatch", "close", "rate", "nope"][rng.random_range(0..5)].to_string()
            }
            _ if first => id.to_string(),
            _ => pick(rng, w.demands.keys()).to_string(),
        });
        first = false;
        rest = &rest[close..];
    }
    out.push_str(rest);
    match rng.random_range(0..6) {
        0 => out.push_str("?reveal=visit"),
        1 => out.push_str("?format=csv"),
        2 => out.push_str("?limit=5&cursor=1"),
        _ => {}
    }
    (out, kind.map(|_| id))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn random_actors_actions_and_objects_never_cross_their_scope_or_leak() {
    let app = TestApp::new().await;
    // Demands in several grids, one of them dispatched to the property company.
    let staff = app.login("staff").await;
    for g in 1..=4 {
        let h = app.household_in_grid(g).await;
        record(&staff, h, "water", &format!("{g}号网格漏水")).await;
        // And one with a caller's number, masked unless asked for whole.
        staff
            .ok(
                "/api/v1/demands",
                serde_json::json!({"channel": "phone", "household_id": h, "category": "water",
                    "reporter_name": "过路人", "reporter_phone": format!("1990000000{g}"),
                    "description": format!("{g}号网格路灯坏了")}),
            )
            .await;
    }
    let w = world(&app).await;
    let mut actors = Vec::new();
    for (role, login) in crate::page_access::LOGINS.into_iter().chain(MORE_ACTORS) {
        actors.push(actor(&app, role, login).await);
    }
    assert!(
        w.phones.len() >= 4,
        "reporters' numbers to keep: {:?}",
        w.phones.len()
    );
    let ops = ops();
    assert!(ops.len() >= 60, "every route is in the draw: {}", ops.len());
    let n: usize = std::env::var("TEST_AUTHZ_COMBINATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seed: u64 = std::env::var("TEST_AUTHZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random);
    println!("authorisation: {n} combinations, seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let draws: Vec<(usize, Op, String, Option<i64>)> = (0..n)
        .map(|_| {
            let a = rng.random_range(0..actors.len());
            let op = ops[rng.random_range(0..ops.len())].clone();
            let (path, id) = concrete(&mut rng, &op, &w);
            (a, op, path, id)
        })
        .collect();
    let (actors, w) = (&actors, &w);
    let answers: Vec<(Vec<String>, bool, bool)> = futures_util::stream::iter(draws)
        .map(|(a, op, path, id)| {
            let router = app.router.clone();
            async move {
                let who = &actors[a];
                let mut req = Request::builder().method(op.method.clone()).uri(&path);
                req = if op.page {
                    req.header(header::COOKIE, &who.cookie)
                } else {
                    req.header(header::AUTHORIZATION, format!("Bearer {}", who.token))
                };
                let body = if op.method == Method::GET || op.method == Method::DELETE {
                    Body::empty()
                } else {
                    req = req.header(header::CONTENT_TYPE, "application/json");
                    Body::from("{}")
                };
                let res = router.oneshot(req.body(body).unwrap()).await.unwrap();
                let status = res.status();
                let bytes = res.into_body().collect().await.unwrap().to_bytes();
                let text = String::from_utf8_lossy(&bytes);
                let mut fault = Vec::new();
                let label = format!("{:?} {} {path} → {status}", who.role, op.method);
                if status.is_server_error() {
                    fault.push(format!("{label}: {text:.200}"));
                }
                let out_of_reach = matches!(
                    (kind_of(&op.path), id),
                    (Some(kind), Some(id)) if !may_reach(who, w, kind, id, &path)
                );
                if status.is_success() && out_of_reach {
                    fault.push(format!("{label}: out of reach"));
                }
                if status.is_success() {
                    for (secret, owners) in &w.secrets {
                        if text.contains(secret.as_str())
                            && !owners.iter().any(|o| may_show_whole(who, w, *o, &path))
                        {
                            fault.push(format!("{label}: residents {owners:?}' value whole"));
                        }
                    }
                    for (phone, demands) in &w.phones {
                        if text.contains(phone.as_str())
                            && !demands.iter().any(|d| may_show_phone(who, w, *d, &path))
                        {
                            fault.push(format!("{label}: demands {demands:?}' number whole"));
                        }
                    }
                }
                (fault, status.is_success(), out_of_reach)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let answered = answers.iter().filter(|a| a.1).count();
    let kept_out = answers.iter().filter(|a| a.2 && !a.1).count();
    let faults: Vec<String> = answers.into_iter().flat_map(|a| a.0).collect();
    println!(
        "authorisation: {n} combinations tried: {answered} answered 2xx, {kept_out} kept out \
         of reach, {} faults",
        faults.len()
    );
    // The draw reaches both sides of every door, or it proves little.
    assert!(answered > n / 20, "only {answered} of {n} were answered");
    assert!(
        kept_out > n / 100,
        "only {kept_out} of {n} tried what is out of reach"
    );
    assert!(
        faults.is_empty(),
        "{} faults (seed {seed}), the first: {:#?}",
        faults.len(),
        &faults[..faults.len().min(20)]
    );
}
