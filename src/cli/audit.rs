//! `linli admin audit`: the audit log's hash chains.

use clap::Subcommand;

use crate::config::Settings;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk every chain of the audit log from its checkpoint to its head and recompute
    /// each row's hash: a row edited or deleted, or a head not sealed by this key file, is
    /// reported with its chain and place, and the command fails.
    Verify {
        #[arg(long)]
        database: Option<String>,
    },
    /// Prune what is older than `audit_retention_days` now, as the daily job does.
    Prune {
        #[arg(long)]
        database: Option<String>,
    },
}

pub async fn run(mut settings: Settings, c: AuditCommand) -> Result<(), String> {
    let (AuditCommand::Verify { database } | AuditCommand::Prune { database }) = &c;
    if let Some(d) = database {
        settings.database = d.clone().into();
    }
    let db = super::open(&settings, false).await?;
    let r = match c {
        AuditCommand::Verify { .. } => verify(&db).await,
        AuditCommand::Prune { .. } => {
            let now = crate::clock::system_now();
            crate::audit::prune::run(&db, now, settings.audit_retention_days)
                .await
                .map(|n| {
                    println!(
                        "pruned {n} audit rows older than {} days",
                        settings.audit_retention_days
                    )
                })
                .map_err(|e| e.to_string())
        }
    };
    db.close().await;
    r
}

async fn verify(db: &crate::db::Db) -> Result<(), String> {
    let r = crate::audit::verify::run(db)
        .await
        .map_err(|e| e.to_string())?;
    for p in &r.problems {
        println!("{p}");
    }
    let summary = format!(
        "{} chains, {} rows checked, {} pruned behind sealed checkpoints",
        r.chains, r.rows, r.pruned
    );
    if r.holds() {
        println!("audit log verified: {summary}");
        Ok(())
    } else {
        Err(format!(
            "the audit log does not verify: {} problems ({summary})",
            r.problems.len()
        ))
    }
}
