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

/// `work(round)`'s rate with the baseline vault and with `sealed`, in turn, `ROUNDS` times
/// each: the medians (baseline, sealed). The process's vault is `sealed` again after each.
async fn in_turn(
    sealed: &Arc<vault::Vault>,
    mut work: impl AsyncFnMut(usize) -> Result<f64, String>,
) -> Result<(f64, f64), String> {
    let path = vault::current_path();
    let plain = Arc::new(sealed.unsealed_baseline());
    let (mut base, mut value) = (Vec::new(), Vec::new());
    for round in 0..2 * ROUNDS {
        let baseline = round % 2 == 0;
        vault::install(
            if baseline {
                plain.clone()
            } else {
                sealed.clone()
            },
            None,
        );
        let rate = work(round).await;
        vault::install(sealed.clone(), path.clone());
        if baseline { &mut base } else { &mut value }.push(rate?);
    }
    Ok((median(base), median(value)))
}

/// A figure against its unsealed baseline.
fn row(figure: String, unit: &'static str, (base, value): (f64, f64), note: String) -> Row {
    Row {
        figure,
        unit,
        value,
        baseline: Some(base),
        ratio: Some(value / base),
        target: format!("≥ {KEEP}× baseline"),
        pass: Some(value >= KEEP * base),
        note: format!("medians of {ROUNDS} runs each, in turn; {note}"),
    }
}

/// Intake (`clients`, `demands`) on `st`, and `residents` generated into fresh SQLite
/// databases beside `st`'s, sealed and not.
pub async fn run(
    st: &AppState,
    clients: usize,
    demands: usize,
    residents: usize,
) -> Result<Vec<Row>, String> {
    let sealed = vault::current();
    // Intake, each run's demands removed while the vault that wrote them reads them.
    let intake = in_turn(&sealed, async |_| {
        let sent = super::intake::send(st, clients, demands, true).await?;
        super::intake::remove_from(st, sent.first_new).await?;
        Ok(sent.rate)
    })
    .await?;
    // Generation: a fresh database each run, the same seed.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let generation = in_turn(&sealed, async |round| {
        let file = dir.path().join(format!("{round}.db"));
        let db = Db::connect(&ConnectOptions {
            url: format!("sqlite://{}", file.display()),
            create: true,
            max_connections: 2,
        })
        .await?;
        crate::db::migrate::run(&db).await?;
        let started = Instant::now();
        let made =
            crate::demo::city::generate(&db, residents, 7, crate::clock::system_now(), |_, _| {})
                .await;
        let secs = started.elapsed().as_secs_f64();
        db.close().await;
        Ok(made?.residents as f64 / secs)
    })
    .await?;
    Ok(vec![
        row(
            format!("durable intake over HTTP, reporter phone sealed, {clients} clients"),
            "demands/s",
            intake,
            format!("{demands} intakes; baseline: the phone stored as it is"),
        ),
        row(
            "generating residents, ID number, phone and health note sealed".into(),
            "residents/s",
            generation,
            format!("{residents} residents into a fresh SQLite file; baseline: stored as they are"),
        ),
    ])
}
