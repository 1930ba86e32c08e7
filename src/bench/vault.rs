//! What sealing personal fields at rest costs: intake over HTTP with a reporter's phone in
//! every demand, and generating residents (ID number, phone, health note), each beside the
//! same work with the fields stored as they are (`Vault::unsealed_baseline`), in the same
//! run. Target: sealed at most 15 % slower.

use std::sync::Arc;
use std::time::Instant;

use crate::db::{ConnectOptions, Db};
use crate::state::AppState;
use crate::vault;

use super::city::Row;

/// The share of the baseline's rate the sealed work must keep.
const KEEP: f64 = 0.85;

/// Runs of each, alternating baseline and sealed (a disk's moods fall on both alike); the
/// medians are compared.
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Intake (`clients`, `demands`) on `st`, and `residents` generated into two fresh SQLite
/// databases beside `st`'s, sealed and not.
pub async fn run(
    st: &AppState,
    clients: usize,
    demands: usize,
    residents: usize,
) -> Result<Vec<Row>, String> {
    let (sealed, path) = (vault::current(), vault::current_path());
    let restore = || vault::install(sealed.clone(), path.clone());
    let plain = Arc::new(sealed.unsealed_baseline());
    // Intake: the baseline and sealed in turn, each run's demands removed after it.
    let (mut base, mut value) = (Vec::new(), Vec::new());
    for round in 0..2 * ROUNDS {
        let v = if round % 2 == 0 {
            plain.clone()
        } else {
            sealed.clone()
        };
        vault::install(v, None);
        // Removed while the vault that wrote them reads them.
        let sent = match super::intake::send(st, clients, demands, true).await {
            Ok(sent) => super::intake::remove_from(st, sent.first_new)
                .await
                .map(|()| sent),
            Err(e) => Err(e),
        };
        restore();
        let rate = sent?.rate;
        if round % 2 == 0 {
            base.push(rate)
        } else {
            value.push(rate)
        }
    }
    let (base, value) = (median(base), median(value));
    let mut rows = vec![Row {
        figure: format!("durable intake over HTTP, reporter phone sealed, {clients} clients"),
        unit: "demands/s",
        value,
        baseline: Some(base),
        ratio: Some(value / base),
        target: format!("≥ {KEEP}× baseline"),
        pass: Some(value >= KEEP * base),
        note: format!(
            "medians of {ROUNDS} runs of {demands} intakes each, in turn; baseline: the phone stored as it is"
        ),
    }];

    // Generation: a fresh database each run, the same seed.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (mut base, mut value) = (Vec::new(), Vec::new());
    for round in 0..2 * ROUNDS {
        let v = if round % 2 == 0 {
            plain.clone()
        } else {
            sealed.clone()
        };
        let db = Db::connect(&ConnectOptions {
            url: format!(
                "sqlite://{}",
                dir.path().join(format!("{round}.db")).display()
            ),
            create: true,
            max_connections: 2,
        })
        .await?;
        crate::db::migrate::run(&db).await?;
        vault::install(v, None);
        let started = Instant::now();
        let made =
            crate::demo::city::generate(&db, residents, 7, crate::clock::system_now(), |_, _| {})
                .await;
        let secs = started.elapsed().as_secs_f64();
        restore();
        let made = made?;
        db.close().await;
        let rate = made.residents as f64 / secs;
        if round % 2 == 0 {
            base.push(rate)
        } else {
            value.push(rate)
        }
    }
    let (base, value) = (median(base), median(value));
    rows.push(Row {
        figure: "generating residents, ID number, phone and health note sealed".into(),
        unit: "residents/s",
        value,
        baseline: Some(base),
        ratio: Some(value / base),
        target: format!("≥ {KEEP}× baseline"),
        pass: Some(value >= KEEP * base),
        note: format!(
            "{residents} residents each into a fresh SQLite file; baseline: stored as they are"
        ),
    });
    Ok(rows)
}
