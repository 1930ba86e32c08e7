//! `linli admin keys`: the keys of the personal fields sealed at rest (`vault`).

use clap::Subcommand;

use crate::config::Settings;
use crate::vault::keyfile::KeyFile;
use crate::vault::{Algorithm, keys, pass};

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Make a new key the one that seals new values (AES-256-GCM, or SM4-GCM with --sm4),
    /// then seal again every value sealed with an older key, while Linli serves. The key
    /// file keeps the old keys: a value sealed with one stays readable until it is sealed
    /// again, and a rotation stopped half-way goes on when run again.
    Rotate {
        /// The new key is SM4-GCM (国密) instead of AES-256-GCM.
        #[arg(long)]
        sm4: bool,
        #[arg(long)]
        database: Option<String>,
    },
    /// Which key seals new values, and how many values are still sealed with another.
    Status {
        #[arg(long)]
        database: Option<String>,
    },
}

/// Rounds of sealing again, each after the servers had a job tick to read the new key.
const ROUNDS: usize = 30;

pub async fn run(mut settings: Settings, c: KeysCommand) -> Result<(), String> {
    let database = match &c {
        KeysCommand::Rotate { database, .. } | KeysCommand::Status { database } => database.clone(),
    };
    if let Some(d) = database {
        settings.database = d.into();
    }
    let db = super::open(&settings, false).await?;
    let path = settings.key_path();
    let columns = crate::app::sealed_columns();
    match c {
        KeysCommand::Status { .. } => {
            let v = crate::vault::current();
            let left = pass::left(&db, &v, &columns).await?;
            println!(
                "key file {}: keys {:?}; new values are sealed with key {} ({}); {left} values \
                 are sealed with another key",
                path.display(),
                v.key_ids(),
                v.active(),
                v.algorithm(v.active())
                    .map(Algorithm::as_str)
                    .unwrap_or("?"),
            );
        }
        KeysCommand::Rotate { sm4, .. } => {
            let mut file = KeyFile::load(&path).map_err(|e| e.to_string())?;
            let alg = if sm4 {
                Algorithm::Sm4Gcm
            } else {
                Algorithm::Aes256Gcm
            };
            let id = file.rotate(alg);
            // The database learns the new key before any value is sealed with it, and the
            // file has it before the database names it.
            file.write(&path)
                .map_err(|e| format!("cannot write the key file {}: {e}", path.display()))?;
            let vault = std::sync::Arc::new(file.vault()?);
            keys::check(&db, &vault, &path).await?;
            crate::vault::install(vault.clone(), Some(path.clone()));
            println!(
                "key {id} ({}) now seals new values; sealing again what older keys sealed…",
                alg.as_str()
            );
            let wait = std::time::Duration::from_secs(settings.job_interval_secs.clamp(1, 60));
            let mut total = 0;
            for round in 0..ROUNDS {
                total += pass::run(&db, &vault, &columns, |_, _| {}).await?;
                let left = pass::left(&db, &vault, &columns).await?;
                if left == 0 {
                    println!(
                        "sealed {total} values again with key {id}; none is left on an older key"
                    );
                    db.close().await;
                    return Ok(());
                }
                // A server that has not read the new key yet still seals with the old one:
                // its next job tick reads the file again.
                if round == 0 {
                    println!(
                        "{left} values written meanwhile by a server still on the old key; waiting for it"
                    );
                }
                tokio::time::sleep(wait).await;
            }
            db.close().await;
            return Err(format!(
                "sealed {total} values again, but values keep arriving sealed with an older \
                 key: is a server running with its background jobs off (jobs = false)? Run \
                 `linli admin keys rotate` again once it has restarted"
            ));
        }
    }
    db.close().await;
    Ok(())
}
