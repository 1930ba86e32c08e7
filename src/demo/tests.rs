//! The demo community in a real SQLite file: what it holds, that it is valid, that it is
//! the same every time, and that the history went through every path of the lifecycle.

use std::collections::HashSet;

use crate::config::Settings;
use crate::db::{ConnectOptions, Db, Q};
use crate::demands::model::{Channel, Status};
use crate::roster::ids::{IdCardNumber, Phone};
use crate::roster::model::child::masked_name;
use crate::roster::model::sealed::{
    ChildBirthDate, ChildGender, ChildName, ResidentIdNumber, ResidentPhone,
};
use crate::state::AppState;
use crate::vault::sql::Opened;

use super::{Size, seed, seed_with};

async fn fresh() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        database: format!("sqlite://{}", dir.path().join("demo.db").display()).into(),
        jobs: false,
        ..Settings::default()
    };
    let db = Db::connect(&ConnectOptions {
        url: settings.database.expose().to_string(),
        create: true,
        max_connections: 4,
    })
    .await
    .unwrap();
    crate::db::migrate::run(&db).await.unwrap();
    crate::vault::keys::for_tests_on(&db).await.unwrap();
    (dir, AppState::new(db, settings))
}

async fn count(st: &AppState, sql: &'static str) -> i64 {
    let mut c = st.db.conn().await.unwrap();
    Q::new(sql).fetch_one::<(i64,)>(&mut c).await.unwrap().0
}

async fn count_with(st: &AppState, sql: &'static str, arg: &str) -> i64 {
    let mut c = st.db.conn().await.unwrap();
    Q::new(sql)
        .bind(arg)
        .fetch_one::<(i64,)>(&mut c)
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn the_small_community_has_the_tree_the_accounts_and_valid_people() {
    let (_dir, st) = fresh().await;
    let s = seed(&st, Size::Small).await.unwrap();
    assert_eq!(s.community, "友谊街道 裕城社区");
    assert_eq!((s.buildings, s.households, s.demands), (12, 24, 0));

    assert_eq!(count(&st, "SELECT COUNT(*) FROM streets").await, 1);
    assert_eq!(count(&st, "SELECT COUNT(*) FROM communities").await, 2);
    let in_yc = |t: &str| {
        format!(
            "SELECT COUNT(*) FROM {t} WHERE community_id = (SELECT id FROM communities WHERE name = '裕城社区')"
        )
    };
    let mut c = st.db.conn().await.unwrap();
    for (table, n) in [
        ("compounds", 9),
        ("grids", 12),
        ("buildings", 12),
        ("households", 24),
        ("party_branches", 3),
        ("teams", 2),
    ] {
        let got = Q::new(in_yc(table))
            .fetch_one::<(i64,)>(&mut c)
            .await
            .unwrap()
            .0;
        assert_eq!(got, n, "{table}");
    }
    assert_eq!(count(&st, "SELECT COUNT(*) FROM branch_grids").await, 12);
    assert_eq!(count(&st, "SELECT COUNT(*) FROM units").await, 7);
    assert_eq!(count(&st, "SELECT COUNT(*) FROM demands").await, 0);
    let dongli = dongli(&st).await;
    assert!(dongli >= 8, "{dongli}");
    assert_eq!(
        count(&st, "SELECT COUNT(*) FROM residents").await as usize,
        s.residents + dongli
    );

    // Every account of LOGINS and the numbered ones, all with the demo password.
    let mut names: Vec<String> = super::LOGINS
        .iter()
        .filter(|l| !l.0.contains(' '))
        .map(|l| l.0.to_string())
        .collect();
    names.extend((1..=12).map(|k| format!("grid{k:02}")));
    names.extend((2..=7).map(|k| format!("staff{k:02}")));
    names.extend((2..=5).map(|k| format!("volunteer{k:02}")));
    for n in &names {
        let ok = count_with(
            &st,
            "SELECT COUNT(*) FROM users WHERE username = $1 AND password_is_demo",
            n,
        )
        .await;
        assert_eq!(ok, 1, "{n}");
    }
    assert_eq!(
        count(&st, "SELECT COUNT(*) FROM users").await as usize,
        names.len()
    );
    let (hash,) = Q::new("SELECT password_hash FROM users WHERE username = 'staff'")
        .fetch_one::<(String,)>(&mut c)
        .await
        .unwrap();
    assert!(crate::auth::password::verify("linli-demo", &hash));
    assert_eq!(
        count(&st, "SELECT COUNT(DISTINCT password_hash) FROM users").await,
        1
    );

    // Grid k has building k and its worker gridk.
    let grids = Q::new(
        "SELECT g.name, u.username, (SELECT COUNT(*) FROM buildings b WHERE b.grid_id = g.id) \
         FROM grids g LEFT JOIN users u ON u.id = g.worker_user_id \
         WHERE g.community_id = (SELECT id FROM communities WHERE name = '裕城社区') ORDER BY g.id",
    )
    .fetch_all::<(String, Option<String>, i64)>(&mut c)
    .await
    .unwrap();
    assert_eq!(grids[0].0, "第一网格");
    assert_eq!(grids[11].0, "第十二网格");
    for (k, g) in grids.iter().enumerate() {
        assert_eq!(g.1.as_deref(), Some(format!("grid{:02}", k + 1).as_str()));
        assert_eq!(g.2, 1);
    }
    assert_eq!(
        count(
            &st,
            "SELECT COUNT(*) FROM grids WHERE worker_user_id IS NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &st,
            "SELECT COUNT(*) FROM buildings WHERE head_resident_id IS NULL"
        )
        .await,
        2
    );

    // Every resident's ID number and phone are valid and match.
    // A child's name, gender and birth date are sealed apart, with only the masked name
    // open.
    let people = Q::new(
        "SELECT name, gender, birth_date, id_number, phone, child_name, child_gender, \
         child_birth_date FROM residents",
    )
    .fetch_all::<(
        String,
        Option<String>,
        Option<String>,
        Opened<ResidentIdNumber>,
        Opened<ResidentPhone>,
        Opened<ChildName>,
        Opened<ChildGender>,
        Opened<ChildBirthDate>,
    )>(&mut c)
    .await
    .unwrap();
    let mut children = 0;
    let people: Vec<(String, String, String, String, Option<String>)> = people
        .into_iter()
        .map(
            |(n, g, b, i, p, cn, cg, cb)| match Option::<String>::from(cn) {
                Some(child) => {
                    children += 1;
                    assert_eq!(n, masked_name(&child));
                    assert_eq!((g.as_deref(), b.as_deref()), (None, None));
                    let (cg, cb): (Option<String>, Option<String>) = (cg.into(), cb.into());
                    (child, cg.unwrap(), cb.unwrap(), i.into(), p.into())
                }
                None => (n, g.unwrap(), b.unwrap(), i.into(), p.into()),
            },
        )
        .collect();
    assert!(children > 0, "{children} children");
    // Every child has a guardian's consent, in force or withdrawn.
    assert_eq!(
        count(
            &st,
            "SELECT COUNT(*) FROM residents r WHERE r.child_name IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM guardian_consents g WHERE g.child_id = r.id)"
        )
        .await,
        0
    );
    assert!(
        count(
            &st,
            "SELECT COUNT(*) FROM guardian_consents WHERE withdrawn_at IS NOT NULL"
        )
        .await
            > 0
    );
    let mut phones = HashSet::new();
    for (name, gender, birth, id, phone) in &people {
        assert!((2..=3).contains(&name.chars().count()), "{name}");
        let id = IdCardNumber::parse(id).expect("valid ID number");
        assert_eq!(&id.birth_date(), birth);
        assert_eq!(id.is_male(), gender == "male");
        if let Some(p) = phone {
            assert!(Phone::parse(p).is_some(), "{p}");
            assert!(phones.insert(p.clone()), "{p} twice");
        }
    }
}

async fn dongli(st: &AppState) -> usize {
    count(st, "SELECT COUNT(*) FROM residents r JOIN communities c ON c.id = r.community_id WHERE c.name = '东里社区'").await as usize
}

#[tokio::test]
async fn the_seed_people_live_where_the_stories_need_them() {
    let (_dir, st) = fresh().await;
    seed(&st, Size::Small).await.unwrap();
    let mut c = st.db.conn().await.unwrap();
    let one = |sql: &'static str| Q::new(sql);
    // Aunt Pan: a resident account, elderly and alone, in grid01's building.
    let (name, tags, size, grid) = one(
        "SELECT r.name, (SELECT GROUP_CONCAT(tag) FROM resident_tags t WHERE t.resident_id = r.id), \
         (SELECT COUNT(*) FROM residents o WHERE o.household_id = r.household_id), \
         (SELECT w.username FROM households h JOIN buildings b ON b.id = h.building_id \
          JOIN grids g ON g.id = b.grid_id JOIN users w ON w.id = g.worker_user_id WHERE h.id = r.household_id) \
         FROM users u JOIN residents r ON r.id = u.resident_id WHERE u.username = 'resident' AND u.role = 'resident'",
    )
    .fetch_one::<(String, Option<String>, i64, String)>(&mut c)
    .await
    .unwrap();
    assert!(name.starts_with('潘'));
    assert_eq!(tags.as_deref(), Some("elderly_alone,limited_mobility"));
    assert_eq!((size, grid.as_str()), (1, "grid01"));
    // Master Du is the building head of that building, a party member with an account.
    let du = one(
        "SELECT COUNT(*) FROM users u JOIN buildings b ON b.head_resident_id = u.resident_id \
         JOIN resident_tags t ON t.resident_id = u.resident_id AND t.tag = 'party_member' \
         WHERE u.username = 'louzhang' AND u.role = 'volunteer' \
         AND b.id = (SELECT h.building_id FROM users p JOIN residents r ON r.id = p.resident_id \
                     JOIN households h ON h.id = r.household_id WHERE p.username = 'resident')",
    )
    .fetch_one::<(i64,)>(&mut c)
    .await
    .unwrap();
    assert_eq!(du.0, 1);
    // Master Zhang lives in grid02; Big sister Gao is a volunteer and on the red team.
    let zhang = one(
        "SELECT g.name FROM users u JOIN residents r ON r.id = u.resident_id \
         JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id \
         JOIN grids g ON g.id = b.grid_id WHERE u.username = 'resident2'",
    )
    .fetch_one::<(String,)>(&mut c)
    .await
    .unwrap();
    assert_eq!(zhang.0, "第二网格");
    let gao = one(
        "SELECT u.display_name, tm.kind FROM users u JOIN team_members m ON m.user_id = u.id \
         JOIN teams tm ON tm.id = m.team_id WHERE u.username = 'volunteer' AND u.resident_id IS NOT NULL",
    )
    .fetch_one::<(String, String)>(&mut c)
    .await
    .unwrap();
    assert_eq!(gao, ("高秀英".to_string(), "red_detachment".to_string()));
    // The units have their accounts; dongli works in the other community.
    let units =
        one("SELECT COUNT(*) FROM users u JOIN units n ON n.id = u.unit_id WHERE u.role = 'unit'")
            .fetch_one::<(i64,)>(&mut c)
            .await
            .unwrap();
    assert_eq!(units.0, 6);
    let dl = one(
        "SELECT c.name FROM users u JOIN communities c ON c.id = u.community_id WHERE u.username = 'dongli'",
    )
    .fetch_one::<(String,)>(&mut c)
    .await
    .unwrap();
    assert_eq!(dl.0, "东里社区");
}

/// A resident as compared: id, name, ID number, phone, household.
type Person = (i64, String, String, Option<String>, Option<i64>);

#[tokio::test]
async fn two_seeds_give_the_same_people_and_ids() {
    let rows = |st: AppState| async move {
        let mut c = st.db.conn().await.unwrap();
        let people =
            Q::new("SELECT id, name, id_number, phone, household_id FROM residents ORDER BY id")
                .fetch_all::<(
                    i64,
                    String,
                    Opened<ResidentIdNumber>,
                    Opened<ResidentPhone>,
                    Option<i64>,
                )>(&mut c)
                .await
                .unwrap();
        let people: Vec<Person> = people
            .into_iter()
            .map(|(id, n, i, p, h)| (id, n, i.into(), p.into(), h))
            .collect();
        let users = Q::new("SELECT id, username, display_name, resident_id FROM users ORDER BY id")
            .fetch_all::<(i64, String, String, Option<i64>)>(&mut c)
            .await
            .unwrap();
        (people, users)
    };
    let (_d1, a) = fresh().await;
    let (_d2, b) = fresh().await;
    seed(&a, Size::Small).await.unwrap();
    seed(&b, Size::Small).await.unwrap();
    let (ra, rb) = (rows(a).await, rows(b).await);
    assert!(!ra.0.is_empty());
    assert_eq!(ra, rb);
}

#[tokio::test]
async fn a_second_seed_is_refused_and_changes_nothing() {
    let (_dir, st) = fresh().await;
    seed(&st, Size::Small).await.unwrap();
    let before = count(&st, "SELECT COUNT(*) FROM residents").await;
    assert!(seed(&st, Size::Small).await.is_err());
    assert_eq!(count(&st, "SELECT COUNT(*) FROM residents").await, before);
    assert_eq!(count(&st, "SELECT COUNT(*) FROM streets").await, 1);
}

#[tokio::test]
async fn the_history_goes_through_every_path_of_the_lifecycle() {
    let (_dir, st) = fresh().await;
    let s = seed_with(&st, Size::Small, 290).await.unwrap();
    let now = st.clock.now();
    assert!(s.demands >= 280, "{}", s.demands);
    assert_eq!(
        count(&st, "SELECT COUNT(*) FROM demands").await as usize,
        s.demands
    );
    let mut c = st.db.conn().await.unwrap();
    let statuses = Q::new("SELECT DISTINCT status FROM demands")
        .fetch_all::<(String,)>(&mut c)
        .await
        .unwrap();
    for st in Status::ALL {
        assert!(
            statuses.iter().any(|s| s.0 == st.as_str()),
            "no demand is {st}"
        );
    }
    let channels = Q::new("SELECT DISTINCT channel FROM demands")
        .fetch_all::<(String,)>(&mut c)
        .await
        .unwrap();
    for ch in Channel::ALL {
        assert!(
            channels.iter().any(|s| s.0 == ch.as_str()),
            "no demand came by {ch}"
        );
    }
    for (what, sql) in [
        (
            "closed rated",
            "SELECT COUNT(*) FROM demands WHERE close_kind = 'rated'",
        ),
        (
            "closed unrated",
            "SELECT COUNT(*) FROM demands WHERE close_kind = 'unrated'",
        ),
        (
            "reopened",
            "SELECT COUNT(*) FROM demands WHERE reopen_count > 0",
        ),
        (
            "unsatisfied",
            "SELECT COUNT(*) FROM demand_events WHERE action = 'rate' AND data LIKE '%\"reopened\":true%'",
        ),
        (
            "late complaint",
            "SELECT COUNT(*) FROM demand_events WHERE action = 'reopen'",
        ),
        (
            "at the community",
            "SELECT COUNT(*) FROM demands WHERE level = 'community'",
        ),
        (
            "at the street",
            "SELECT COUNT(*) FROM demands WHERE level = 'street'",
        ),
        (
            "whistled and reported back",
            "SELECT COUNT(*) FROM demand_summons WHERE reported_back_at IS NOT NULL",
        ),
        (
            "by a resident account",
            "SELECT COUNT(*) FROM demands d JOIN users u ON u.id = d.created_by WHERE u.role = 'resident'",
        ),
        (
            "dispatched to a unit",
            "SELECT COUNT(*) FROM demand_assignments WHERE target_kind = 'unit'",
        ),
        (
            "dispatched to a team",
            "SELECT COUNT(*) FROM demand_assignments WHERE target_kind = 'team'",
        ),
        (
            "dispatched to a volunteer",
            "SELECT COUNT(*) FROM demand_assignments WHERE target_kind = 'user'",
        ),
        (
            "closed by the job",
            "SELECT COUNT(*) FROM demand_events WHERE action = 'close' AND actor_role = 'system'",
        ),
        (
            "merged with me-too",
            "SELECT COUNT(*) FROM demands WHERE me_too > 0",
        ),
    ] {
        assert!(count(&st, sql).await > 0, "nothing {what}");
    }
    // Overdue work, both kinds, as the overdue rule sees it now.
    let rows = Q::new("SELECT status, accept_due_at, feedback_due_at FROM demands")
        .fetch_all::<(String, crate::clock::Millis, crate::clock::Millis)>(&mut c)
        .await
        .unwrap();
    let overdue: Vec<_> = rows
        .iter()
        .filter_map(|(s, a, f)| {
            crate::demands::deadlines::overdue(Status::parse(s).unwrap(), *a, *f, now)
        })
        .collect();
    use crate::demands::deadlines::Overdue;
    assert!(overdue.contains(&Overdue::Accept));
    assert!(overdue.contains(&Overdue::Feedback));
    // Timelines move forward, all in the past two months.
    let events = Q::new("SELECT demand_id, at FROM demand_events ORDER BY demand_id, id")
        .fetch_all::<(i64, crate::clock::Millis)>(&mut c)
        .await
        .unwrap();
    for w in events.windows(2) {
        if w[0].0 == w[1].0 {
            assert!(w[0].1 <= w[1].1, "demand {} goes back in time", w[0].0);
        }
    }
    assert!(
        events
            .iter()
            .all(|e| e.1 < now && e.1 > now - 62 * crate::clock::DAY)
    );
}
