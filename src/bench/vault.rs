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
    // Intake: the baseline first, then sealed, each run's demands removed after it.
    let mut rates = Vec::new();
    for v in [plain.clone(), sealed.clone()] {
        vault::install(v, None);
        // Removed while the vault that wrote them reads them.
        let sent = match super::intake::send(st, clients, demands, true).await {
            Ok(sent) => super::intake::remove_from(st, sent.first_new)
                .await
                .map(|()| sent),
            Err(e) => Err(e),
        };
        restore();
        rates.push(sent?.rate);
    }
    let (base, value) = (rates[0], rates[1]);
    let mut rows = vec![Row {
        figure: format!("durable intake over HTTP, reporter phone sealed, {clients} clients"),
        unit: "demands/s",
        value,
        baseline: Some(base),
        ratio: Some(value / base),
        target: format!("≥ {KEEP}× baseline"),
        pass: Some(value >= KEEP * base),
        note: format!("{demands} intakes each; baseline: the phone stored as it is"),
    }];

    // Generation: two fresh databases, the same seed.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut rates = Vec::new();
    for (name, v) in [("plain", plain), ("sealed", sealed.clone())] {
        let db = Db::connect(&ConnectOptions {
            url: format!(
                "sqlite://{}",
                dir.path().join(format!("{name}.db")).display()
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
        rates.push(made.residents as f64 / secs);
    }
    let (base, value) = (rates[0], rates[1]);
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
