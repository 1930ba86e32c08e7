//! `linli bench pages`, `city` and `crash`, and `linli admin generate`.

use std::time::Instant;

use crate::config::Settings;
use crate::db::Q;
use crate::state::AppState;

#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// Server render time of the list pages at a million demands (and the workbench,
    /// dashboard and a demand page), with an OFFSET-paginated query as the baseline.
    Pages(PagesArgs),
    /// The city-scale figures against their baselines and targets: dashboard rates from
    /// the rollups vs a GROUP BY, list pages 1 and 1,000 vs OFFSET, export, memory.
    City(CityArgs),
    /// Crash safety: `linli serve` killed with SIGKILL at a random moment while clients
    /// write, restarted on the same database and checked, `--cycles` times: every
    /// acknowledged write there exactly once, no demand half-written, the database sound.
    Crash(CrashArgs),
}

#[derive(clap::Args, Debug)]
pub struct CrashArgs {
    /// Kill-and-restart cycles.
    #[arg(long, default_value_t = 1_000)]
    pub cycles: usize,
    /// The database (migrated and given the small demo community when empty; the run's
    /// demands stay in it); by default a fresh SQLite file in a temporary folder.
    #[arg(long)]
    pub database: Option<String>,
    /// Clients writing at once.
    #[arg(long, default_value_t = 4)]
    pub clients: usize,
    /// The kill comes at a random moment in the first this-many milliseconds of load.
    #[arg(long, default_value_t = 300)]
    pub load_ms: u64,
    /// Seeds the kill moments (printed, to run the same again); random by default.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where to write the results as JSON.
    #[arg(long, default_value = "bench-crash.json")]
    pub out: String,
}

#[derive(clap::Args, Debug)]
pub struct CityArgs {
    /// The database to measure (created with the demo community and filled when short).
    #[arg(long, default_value = "sqlite://linli-bench.db")]
    pub database: String,
    /// Demands the database should hold.
    #[arg(long, default_value_t = 10_000_000)]
    pub demands: usize,
    /// Residents the roster should hold: streets of generated communities are added
    /// beside the demo's until it does.
    #[arg(long, default_value_t = 1_000_000)]
    pub residents: usize,
    /// Runs per figure (the baselines run fewer times when they are slow).
    #[arg(long, default_value_t = 30)]
    pub iterations: usize,
    /// Concurrent HTTP clients of the intake benchmark.
    #[arg(long, default_value_t = 64)]
    pub intake_clients: usize,
    /// Demands the intake benchmark sends (and removes afterwards).
    #[arg(long, default_value_t = 20_000)]
    pub intake_demands: usize,
    /// Residents generated (twice, into fresh files) to measure what sealing their
    /// personal fields costs.
    #[arg(long, default_value_t = 100_000)]
    pub vault_residents: usize,
    /// Demands to export (to CSV and to xlsx).
    #[arg(long, default_value_t = 1_000_000)]
    pub export_rows: i64,
    /// Measure only these figures (dashboard, lists, export, intake, vault); all by default.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Where to write the results as JSON.
    #[arg(long, default_value = "bench-city.json")]
    pub out: String,
}

#[derive(clap::Args, Debug)]
pub struct PagesArgs {
    /// The database to measure (created with the demo community and filled when short).
    #[arg(long, default_value = "sqlite://linli-bench.db")]
    pub database: String,
    /// Demands the database should hold.
    #[arg(long, default_value_t = 1_000_000)]
    pub demands: usize,
    /// Residents the roster should hold (generated communities beside the demo's).
    #[arg(long, default_value_t = 0)]
    pub residents: usize,
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
    /// Residents to add first: new streets of generated communities shaped like Yucheng
    /// (about 10,000 residents each, ten to a street), with their grids and accounts.
    #[arg(long, default_value_t = 0)]
    pub residents: usize,
    /// How many demands to add, over every household on the roster.
    #[arg(long, default_value_t = 0)]
    pub demands: usize,
    /// Spread over this many days before now.
    #[arg(long, default_value_t = 730)]
    pub days: i64,
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
}

/// A progress bar on the terminal (hidden when stderr is not one), fed `(done, total)`.
fn progress(label: &'static str) -> impl FnMut(usize, usize) {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "  {prefix} [{bar:40}] {human_pos}/{human_len} {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_prefix(label);
    move |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if done >= total {
            bar.finish();
        }
    }
}

pub async fn generate(mut settings: Settings, a: GenerateArgs) -> Result<(), String> {
    if let Some(d) = a.database {
        settings.database = d.into();
    }
    let db = super::open(&settings, false).await?;
    let now = crate::clock::system_now();
    if a.residents > 0 {
        city_roster(&db, a.residents, a.seed, now).await?;
    }
    if a.demands > 0 {
        let started = Instant::now();
        let n = crate::bench::generate::demands(
            &db,
            a.demands,
            a.days,
            a.seed,
            now,
            progress("demands"),
        )
        .await?;
        println!(
            "added {n} demands in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    db.close().await;
    Ok(())
}

async fn city_roster(
    db: &crate::db::Db,
    residents: usize,
    seed: u64,
    now: crate::clock::Millis,
) -> Result<(), String> {
    let started = Instant::now();
    let s = crate::demo::city::generate(db, residents, seed, now, progress("residents")).await?;
    println!(
        "added {} streets, {} communities, {} grids, {} buildings, {} households, {} residents \
         and {} accounts (no password until reset) in {:.1} s",
        s.streets,
        s.communities,
        s.grids,
        s.buildings,
        s.households,
        s.residents,
        s.accounts,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What a benchmark database holds.
struct Prepared {
    state: AppState,
    demands: usize,
    residents: usize,
    /// Whether this run generated data (measure in a fresh process then).
    filled: bool,
}

/// Opens (creating when needed) a benchmark database holding at least `residents`
/// residents and `demands` demands.
async fn prepare(
    mut settings: Settings,
    database: &str,
    residents: usize,
    demands: usize,
) -> Result<Prepared, String> {
    settings.database = database.into();
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
    let mut filled = streets == 0;
    if streets == 0 {
        eprintln!("creating the demo community…");
        crate::demo::seed(&state, crate::demo::Size::Full).await?;
    }
    let count = async |table: &str| -> Result<usize, String> {
        let mut c = state.db.conn().await.map_err(e)?;
        Ok(Q::new(format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one::<(i64,)>(&mut c)
            .await
            .map_err(e)?
            .0 as usize)
    };
    let people = count("residents").await?;
    if people < residents {
        filled = true;
        eprintln!(
            "generating a city of {} more residents…",
            residents - people
        );
        city_roster(&state.db, residents - people, 2_026, state.clock.now()).await?;
    }
    let people = count("residents").await?;
    let have = count("demands").await?;
    if have < demands {
        filled = true;
        eprintln!("generating {} demands…", demands - have);
        let started = Instant::now();
        crate::bench::generate::demands(
            &state.db,
            demands - have,
            730,
            have as u64 + 1,
            state.clock.now(),
            progress("demands"),
        )
        .await?;
        eprintln!("  done in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(Prepared {
        state,
        demands: have.max(demands),
        residents: people,
        filled,
    })
}

pub async fn run(settings: Settings, c: BenchCommand) -> Result<(), String> {
    match c {
        BenchCommand::Pages(a) => pages(settings, a).await,
        BenchCommand::City(a) => city(settings, a).await,
        BenchCommand::Crash(a) => crash(settings, a).await,
    }
}

async fn crash(mut settings: Settings, a: CrashArgs) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let database = a
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("crash.db").display()));
    settings.database = database.clone().into();
    settings.jobs = false;
    let state = AppState::new(super::open(&settings, true).await?, settings.clone());
    let streets = {
        let mut c = state.db.conn().await.map_err(|e| e.to_string())?;
        Q::new("SELECT COUNT(*) FROM streets")
            .fetch_one::<(i64,)>(&mut c)
            .await
            .map_err(|e| e.to_string())?
            .0
    };
    if streets == 0 {
        eprintln!("creating the small demo community…");
        crate::demo::seed(&state, crate::demo::Size::Small).await?;
    }
    state.db.close().await;
    drop(state);
    let o = crate::bench::crash::Options {
        exe: std::env::current_exe().map_err(|e| e.to_string())?,
        database,
        key_file: std::path::absolute(settings.key_path()).map_err(|e| e.to_string())?,
        cycles: a.cycles,
        clients: a.clients,
        load_ms: a.load_ms,
        seed: a.seed.unwrap_or_else(rand::random),
    };
    eprintln!("{} cycles, seed {}…", o.cycles, o.seed);
    let every = (o.cycles / 10).max(1);
    let (report, _) = crate::bench::crash::run(&o, |n, r| {
        if n % every == 0 {
            eprintln!(
                "  {n} cycles: {} writes acknowledged, {} lost, {} duplicates",
                r.acknowledged.total(),
                r.after_each.lost,
                r.after_each.duplicates
            );
        }
    })
    .await?;
    println!(
        "\nLinli crash benchmark: `linli serve` killed with SIGKILL under load, restarted, checked\n"
    );
    print!("{report}");
    let json = serde_json::json!({
        "at": crate::clock::rfc3339(crate::clock::system_now()),
        "holds": report.holds(),
        "report": report,
    });
    std::fs::write(
        &a.out,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(|e| format!("cannot write {}: {e}", a.out))?;
    println!("\nresults written to {}", a.out);
    if report.holds() {
        Ok(())
    } else {
        Err(format!(
            "crash safety does not hold: {}",
            report.problems().join("; ")
        ))
    }
}

async fn city(settings: Settings, a: CityArgs) -> Result<(), String> {
    use crate::bench::city;
    let Prepared {
        state,
        demands: have,
        residents,
        filled,
    } = prepare(settings, &a.database, a.residents, a.demands).await?;
    if filled {
        // Loading leaves its caches and allocations behind: measure in a fresh process,
        // as `serve` would start on this database.
        state.db.close().await;
        eprintln!("measuring in a fresh process…");
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let status = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .status()
            .map_err(|e| e.to_string())?;
        return if status.success() {
            Ok(())
        } else {
            Err("the measuring run failed".into())
        };
    }
    let engine = format!("{:?}", state.db.engine());
    let who = city::subjects(&state).await?;
    let wanted = |f: &str| a.only.is_empty() || a.only.iter().any(|o| o == f);
    let mut rows = Vec::new();
    if wanted("dashboard") {
        eprintln!("dashboard…");
        rows.extend(city::dashboard(&state, &who.street, a.iterations).await?);
    }
    if wanted("lists") {
        eprintln!("lists…");
        rows.extend(city::lists(&state, &who.grid_worker, &who.staff, a.iterations).await?);
    }
    let rss = city::rss_mb().unwrap_or(0.0);
    if wanted("dashboard") && wanted("lists") {
        rows.push(city::Row {
            figure: "memory after the dashboard and list runs".into(),
            unit: "MB",
            value: rss,
            baseline: None,
            ratio: None,
            target: "≤ 150 MB".into(),
            pass: Some(rss <= 150.0),
            note: "resident set size of this process, which holds the router and its pools".into(),
        });
    }
    if wanted("export") {
        eprintln!("export…");
        rows.extend(city::export(&state, "admin", a.export_rows).await?);
    }
    if wanted("intake") {
        eprintln!("intake…");
        rows.extend(
            crate::bench::intake::run(&state, a.intake_clients.max(1), a.intake_demands).await?,
        );
    }
    if wanted("vault") {
        eprintln!("sealing personal fields…");
        rows.extend(
            crate::bench::vault::run(
                &state,
                a.intake_clients.max(1),
                a.intake_demands,
                a.vault_residents,
            )
            .await?,
        );
    }
    println!(
        "\nLinli city benchmark: {have} demands, {residents} residents, {engine}, {} runs per \
         figure; street {}, community staff {}, grid worker {}\n",
        a.iterations, who.street, who.staff, who.grid_worker
    );
    city::Row::print_header();
    for r in &rows {
        r.print();
    }
    let json = serde_json::json!({
        "engine": engine,
        "demands": have,
        "residents": residents,
        "iterations": a.iterations,
        "at": crate::clock::rfc3339(crate::clock::system_now()),
        "figures": rows,
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

async fn pages(settings: Settings, a: PagesArgs) -> Result<(), String> {
    let Prepared {
        state,
        demands: have,
        ..
    } = prepare(settings, &a.database, a.residents, a.demands).await?;
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
