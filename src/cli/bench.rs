//! `linli bench pages` and `linli admin generate`.

use std::time::Instant;

use crate::app::AppState;
use crate::config::Settings;
use crate::db::Q;

#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// Server render time of the list pages at a million demands (and the workbench,
    /// dashboard and a demand page), with an OFFSET-paginated query as the baseline.
    Pages(PagesArgs),
}

#[derive(clap::Args, Debug)]
pub struct PagesArgs {
    /// The database to measure (created with the demo community and filled when short).
    #[arg(long, default_value = "sqlite://linli-bench.db")]
    pub database: String,
    /// Demands the database should hold.
    #[arg(long, default_value_t = 1_000_000)]
    pub demands: usize,
    /// Renders per page.
    #[arg(long, default_value_t = 30)]
    pub iterations: usize,
    /// Whom to render the pages for (a staff account sees the whole community).
    #[arg(long, default_value = "staff")]
    pub user: String,
    /// Where to write the results as JSON.
    #[arg(long, default_value = "bench-pages.json")]
    pub out: String,
}

#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    #[arg(long)]
    pub database: Option<String>,
    /// How many demands to add.
    #[arg(long)]
    pub demands: usize,
    /// Spread over this many days before now.
    #[arg(long, default_value_t = 730)]
    pub days: i64,
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
}

fn progress(label: &'static str) -> impl FnMut(usize, usize) {
    let started = Instant::now();
    let mut shown = 0;
    move |done, total| {
        let pct = done * 100 / total.max(1);
        if pct >= shown + 10 || done == total {
            shown = pct;
            let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
            eprintln!("  {label}: {done}/{total} ({pct}%), {rate:.0} rows/s");
        }
    }
}

pub async fn generate(mut settings: Settings, a: GenerateArgs) -> Result<(), String> {
    if let Some(d) = a.database {
        settings.database = d;
    }
    let db = super::open(&settings, false).await?;
    let now = crate::clock::system_now();
    let started = Instant::now();
    let n =
        crate::bench::generate::demands(&db, a.demands, a.days, a.seed, now, progress("demands"))
            .await?;
    println!(
        "added {n} demands in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    Ok(())
}

pub async fn run(mut settings: Settings, c: BenchCommand) -> Result<(), String> {
    let BenchCommand::Pages(a) = c;
    settings.database = a.database.clone();
    settings.jobs = false;
    let db = super::open(&settings, true).await?;
    let state = AppState::new(db, settings);
    let e = |e: crate::db::DbError| e.to_string();
    let streets = {
        let mut c = state.db.conn().await.map_err(e)?;
        Q::new("SELECT COUNT(*) FROM streets")
            .fetch_one::<(i64,)>(&mut c)
            .await
            .map_err(e)?
            .0
    };
    if streets == 0 {
        eprintln!("creating the demo community…");
        crate::demo::seed(&state, crate::demo::Size::Full).await?;
    }
    let have = {
        let mut c = state.db.conn().await.map_err(e)?;
        Q::new("SELECT COUNT(*) FROM demands")
            .fetch_one::<(i64,)>(&mut c)
            .await
            .map_err(e)?
            .0 as usize
    };
    if have < a.demands {
        eprintln!("generating {} demands…", a.demands - have);
        let started = Instant::now();
        crate::bench::generate::demands(
            &state.db,
            a.demands - have,
            730,
            have as u64 + 1,
            state.clock.now(),
            progress("demands"),
        )
        .await?;
        eprintln!("  done in {:.1} s", started.elapsed().as_secs_f64());
    }
    let engine = format!("{:?}", state.db.engine());
    let (figures, baseline) = crate::bench::pages::run(&state, &a.user, a.iterations).await?;
    println!(
        "\nRender time through the router, {} demands, {engine}, {} renders each (as {}):\n",
        have.max(a.demands),
        a.iterations,
        a.user
    );
    println!(
        "{:<34} {:>10} {:>10} {:>10}",
        "page", "median ms", "p95 ms", "KB"
    );
    for f in &figures {
        println!(
            "{:<34} {:>10.2} {:>10.2} {:>10.1}",
            f.name,
            f.median_ms,
            f.p95_ms,
            f.bytes as f64 / 1024.0
        );
    }
    println!("\nThe deep page's query alone, against the OFFSET query a CRUD list would run:\n");
    println!("{:<40} {:>10} {:>10}", "query", "median ms", "p95 ms");
    for f in &baseline {
        println!("{:<40} {:>10.3} {:>10.3}", f.name, f.median_ms, f.p95_ms);
    }
    if let [keyset, offset] = baseline.as_slice() {
        println!(
            "\nkeyset is {:.0}× faster than OFFSET at page 1,000 (median)",
            offset.median_ms / keyset.median_ms.max(0.000_001)
        );
    }
    let json = serde_json::json!({
        "engine": engine,
        "demands": have.max(a.demands),
        "iterations": a.iterations,
        "pages": figures.iter().map(|f| serde_json::json!({
            "page": f.name, "median_ms": f.median_ms, "p95_ms": f.p95_ms, "bytes": f.bytes,
        })).collect::<Vec<_>>(),
        "baseline": baseline.iter().map(|f| serde_json::json!({
            "query": f.name, "median_ms": f.median_ms, "p95_ms": f.p95_ms,
        })).collect::<Vec<_>>(),
    });
    std::fs::write(
        &a.out,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(|e| format!("cannot write {}: {e}", a.out))?;
    println!("\nresults written to {}", a.out);
    state.db.close().await;
    Ok(())
}
