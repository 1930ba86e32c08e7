//! HTTPS without a proxy: `linli serve` answers over TLS (rustls on the ring provider)
//! from the operator's certificate and key (`tls_cert`, `tls_key`), or from a self-signed
//! certificate it makes for a LAN (`tls_self_signed`, see [`self_signed`]).
//!
//! Why it matters: the session cookie is `Secure` (`secure_cookies`), and a browser refuses
//! a Secure cookie from a plain-HTTP address other than localhost, so without HTTPS nobody
//! on the office's other PCs can sign in. A plain-HTTP request that reaches the HTTPS port
//! anyway (an old bookmark) is sent on to the same address over HTTPS ([`listener`]).

mod listener;
pub mod self_signed;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::config::Tls;

pub use listener::TlsListener;

/// What a server serves HTTPS with, and what the operator should be told about it.
pub struct Serving {
    pub config: Arc<ServerConfig>,
    /// Lines for standard error: which certificate, its fingerprint, what to do.
    pub notes: Vec<String>,
}

/// The TLS configuration for `tls`, the self-signed certificate made (or renewed) first
/// when it is one, for the names of a server listening on `listen`. An error names the
/// file at fault.
pub fn prepare(tls: &Tls, listen: SocketAddr) -> Result<Serving, String> {
    match tls {
        Tls::Own { cert, key } => {
            let (config, chain) = load(cert, key)?;
            let notes = vec![format!(
                "Serving HTTPS with the certificate {} (SHA-256 {}).",
                cert.display(),
                fingerprint(&chain[0])
            )];
            Ok(Serving { config, notes })
        }
        Tls::SelfSigned { cert, key } => {
            let names = self_signed::names(listen);
            let kept = self_signed::ensure(cert, key, &names, jiff::Timestamp::now())?;
            let (config, chain) = load(cert, key)?;
            let mut notes = kept.notes(cert, key, &names);
            notes.push(format!(
                "Browsers warn about it until it is accepted or installed \
                 (docs/operations.md, \"HTTPS on a LAN\"); its SHA-256 fingerprint, to \
                 compare with what the browser shows: {}",
                fingerprint(&chain[0])
            ));
            Ok(Serving { config, notes })
        }
    }
}

/// Reads a certificate chain and its key, and checks they belong together.
pub fn load(
    cert: &Path,
    key: &Path,
) -> Result<(Arc<ServerConfig>, Vec<CertificateDer<'static>>), String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| pem_error("certificate", cert, e))?;
    if chain.is_empty() {
        return Err(format!(
            "the TLS certificate {} holds no certificate (expected PEM: -----BEGIN \
             CERTIFICATE-----)",
            cert.display()
        ));
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| pem_error("key", key, e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain.clone(), private)
        .map_err(|e| {
            format!(
                "the TLS key {} does not fit the certificate {}: {e}",
                key.display(),
                cert.display()
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), chain))
}

fn pem_error(what: &str, path: &Path, e: rustls_pki_types::pem::Error) -> String {
    use rustls_pki_types::pem::Error;
    match e {
        Error::Io(e) => format!("cannot read the TLS {what} {}: {e}", path.display()),
        Error::NoItemsFound => format!(
            "the TLS {what} {} holds no {what} (expected PEM{})",
            path.display(),
            if what == "key" {
                ": -----BEGIN PRIVATE KEY-----, RSA or EC PRIVATE KEY"
            } else {
                ""
            }
        ),
        e => format!("the TLS {what} {} is not valid PEM: {e:?}", path.display()),
    }
}

/// `AB:CD:…`, the SHA-256 of a certificate as browsers show it.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
