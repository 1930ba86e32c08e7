//! The audit log's history in the demo: two months of the office signing in from its PCs
//! (and a mistyped password now and then, once many from one strange address), the grid
//! workers opening their residents' records with a reason on their phones, an export of
//! the roster, written through `audit::record` in time order so the chains verify.

use crate::audit::{self, Entry};
use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::db::Tx;
use crate::roster::store::Place;

use super::accounts::Accounts;
use super::roster::Roster;

fn db(e: crate::db::DbError) -> String {
    e.to_string()
}

/// Reasons a grid worker gives for seeing a record whole.
const REASONS: [&str; 4] = ["上门走访", "办理业务", "核实身份", "紧急联系"];

struct Row {
    at: Millis,
    user: i64,
    client: &'static str,
    action: &'static str,
    kind: &'static str,
    object: i64,
    detail: String,
    place: Option<Place>,
}

pub async fn write(tx: &mut Tx, r: &Roster, a: &Accounts, now: Millis) -> Result<usize, String> {
    let mut rows = Vec::new();
    let place = Some(r.yucheng);
    let office = [("staff", "192.168.1.21"), ("secretary", "192.168.1.22")];
    let workers = ["grid01", "grid02", "grid03", "grid04"];
    for day in (1..=60).rev() {
        let morning = crate::clock::day_start(crate::clock::day_of(now - day * DAY)) + 8 * HOUR;
        if (morning - now) > 0 {
            continue;
        }
        for (i, (who, ip)) in office.iter().enumerate() {
            let at = morning + (i as i64) * 7 * MINUTE;
            if day % 9 == 0 && i == 0 {
                rows.push(Row {
                    at: at - MINUTE,
                    user: a.user(who),
                    client: ip,
                    action: "sign_in_failed",
                    kind: "user",
                    object: a.user(who),
                    detail: "wrong_password".into(),
                    place: None,
                });
            }
            rows.push(Row {
                at,
                user: a.user(who),
                client: ip,
                action: "sign_in",
                kind: "user",
                object: a.user(who),
                detail: "web".into(),
                place: None,
            });
        }
        for (i, who) in workers.iter().enumerate() {
            if (day + i as i64) % 3 != 0 {
                continue;
            }
            let hh = &r.households[(day as usize * 7 + i * 13) % r.households.len()];
            let Some(resident) = hh.residents.first() else {
                continue;
            };
            let reason = REASONS[(day as usize + i) % REASONS.len()];
            rows.push(Row {
                at: morning + 2 * HOUR + (i as i64) * 20 * MINUTE,
                user: a.user(who),
                client: "10.8.0.14",
                action: "view_pii",
                kind: "resident",
                object: *resident,
                detail: format!(
                    "id_number,phone,health_note,sensitive_tags; role=grid_worker; reason={reason}"
                ),
                place,
            });
        }
    }
    // Someone tried passwords from one address one night, and was locked out.
    let night = now - 12 * DAY - 5 * HOUR;
    for k in 0..6 {
        rows.push(Row {
            at: night + k * 40_000,
            user: a.user("admin"),
            client: "203.0.113.77",
            action: "sign_in_failed",
            kind: "user",
            object: a.user("admin"),
            detail: if k < 5 {
                "wrong_password"
            } else {
                "address_locked"
            }
            .into(),
            place: None,
        });
    }
    rows.push(Row {
        at: now - 3 * DAY - 2 * HOUR,
        user: a.user("staff"),
        client: "192.168.1.21",
        action: "export",
        kind: "resident",
        object: 0,
        detail: "format=xlsx; rows=214; role=staff; tag=elderly_alone; pii=whole".into(),
        place,
    });
    rows.sort_by_key(|r| r.at);
    let n = rows.len();
    for row in rows {
        let entry = Entry {
            at: row.at,
            user_id: row.user,
            action: row.action,
            object_kind: row.kind,
            object_id: row.object,
            detail: &row.detail,
            place: row.place,
        };
        audit::from_client(Some(row.client.to_string()), audit::record(tx, entry))
            .await
            .map_err(db)?;
    }
    Ok(n)
}
