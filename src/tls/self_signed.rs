//! A self-signed certificate for a LAN: made on the first start with `tls_self_signed`,
//! for localhost, this machine's name and the addresses the server listens on, kept in two
//! files (the key readable by Linli's user only) and served again on every later start,
//! so that the browsers that accepted it, or the PCs it was installed on, keep trusting it.
//!
//! It lasts 825 days, the most Apple's devices accept for a server certificate, and a
//! start within 30 days of its end makes a new one (staff accept or install it again).
//! It is no certificate authority (Firefox refuses an authority serving as a site), and it
//! says it is for serving sites (ExtendedKeyUsage serverAuth), which browsers require.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

/// Days the certificate is valid for.
pub const VALID_DAYS: i64 = 825;
/// Days before its end when a start makes a new one.
pub const RENEW_DAYS: i64 = 30;

/// What [`ensure`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Kept {
    /// There was none: made one, valid until the date.
    Made { until: jiff::civil::Date },
    /// The one there ends within [`RENEW_DAYS`] (or has): made a new one.
    Renewed { until: jiff::civil::Date },
    /// Serves the one there; these names are not in it.
    Reused { missing: Vec<String> },
}

impl Kept {
    /// What the operator is told at start.
    pub fn notes(&self, cert: &Path, key: &Path, names: &[String]) -> Vec<String> {
        let (cert, key, names) = (cert.display(), key.display(), names.join(", "));
        match self {
            Kept::Made { until } => vec![format!(
                "Made a self-signed certificate for {names}, valid until {until}: {cert} \
                 (the file staff browsers may install), its key {key} (readable by \
                 Linli's user only)."
            )],
            Kept::Renewed { until } => vec![format!(
                "The self-signed certificate {cert} was ending: made a new one for {names}, \
                 valid until {until}. Staff accept or install it again."
            )],
            Kept::Reused { missing } if missing.is_empty() => {
                vec![format!("Serving the self-signed certificate {cert}.")]
            }
            Kept::Reused { missing } => vec![
                format!("Serving the self-signed certificate {cert}."),
                format!(
                    "It does not cover {}: a browser that reaches this server by one of \
                     them refuses it. To make one that does, remove {cert} and {key} and \
                     start again (staff then accept or install the new one).",
                    missing.join(", ")
                ),
            ],
        }
    }
}

/// The names a LAN reaches this server by: localhost, the machine's name (and its `.local`
/// name for mDNS), loopback, and the address it listens on, or every address of the
/// machine's interfaces when it listens on all of them (`0.0.0.0`: IPv4 only; `::`: both).
pub fn names(listen: SocketAddr) -> Vec<String> {
    let mut names = vec!["localhost".to_string()];
    if let Some(host) = host_name() {
        if !host.contains('.') {
            names.push(format!("{host}.local"));
        }
        names.insert(1, host);
    }
    let mut ips: Vec<IpAddr> = vec![[127, 0, 0, 1].into(), std::net::Ipv6Addr::LOCALHOST.into()];
    let ip = crate::config::canonical(listen.ip());
    if ip.is_unspecified() {
        let v4_only = ip.is_ipv4();
        for i in if_addrs::get_if_addrs().unwrap_or_default() {
            let a = crate::config::canonical(i.ip());
            let link_local = match a {
                IpAddr::V4(v4) => v4.is_link_local(),
                IpAddr::V6(v6) => v6.is_unicast_link_local(),
            };
            let skipped = a.is_loopback() || link_local || (v4_only && a.is_ipv6());
            if !skipped {
                ips.push(a);
            }
        }
    } else if !ip.is_loopback() {
        ips.push(ip);
    }
    for ip in ips {
        let s = ip.to_string();
        if !names.contains(&s) {
            names.push(s);
        }
    }
    names
}

/// The machine's name as a DNS name, when it is one.
fn host_name() -> Option<String> {
    let name = hostname::get()
        .ok()?
        .into_string()
        .ok()?
        .to_ascii_lowercase();
    let fits = !name.is_empty()
        && name != "localhost"
        && name.len() <= 253
        && name
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    fits.then_some(name)
}

/// Makes the certificate and key at `cert` and `key` unless a certificate there still
/// holds for [`RENEW_DAYS`] from `now`.
pub fn ensure(
    cert: &Path,
    key: &Path,
    names: &[String],
    now: jiff::Timestamp,
) -> Result<Kept, String> {
    let renewing = match (cert.exists(), key.exists()) {
        (true, true) => {
            let der = CertificateDer::from_pem_file(cert).map_err(|e| {
                format!(
                    "cannot read the self-signed certificate {}: {e:?}; remove it and {} \
                     to make a new one",
                    cert.display(),
                    key.display()
                )
            })?;
            let soon = now + jiff::SignedDuration::from_hours(24 * RENEW_DAYS);
            if holds_at(&der, soon) {
                let missing = names.iter().filter(|n| !covers(&der, n)).cloned().collect();
                return Ok(Kept::Reused { missing });
            }
            true
        }
        _ => false,
    };
    let (until, cert_pem, key_pem) = make(names, now)?;
    write(key, key_pem.as_bytes(), true).map_err(|e| cannot_write(key, e))?;
    write(cert, cert_pem.as_bytes(), false).map_err(|e| cannot_write(cert, e))?;
    Ok(if renewing {
        Kept::Renewed { until }
    } else {
        Kept::Made { until }
    })
}

fn cannot_write(path: &Path, e: std::io::Error) -> String {
    format!("cannot write {}: {e}", path.display())
}

/// A new certificate for `names` from a day before `now` (a client's clock a little
/// behind still accepts it) for [`VALID_DAYS`]: its last day, the certificate and its
/// key, in PEM.
pub fn make(
    names: &[String],
    now: jiff::Timestamp,
) -> Result<(jiff::civil::Date, String, String), String> {
    let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let from = today.yesterday().map_err(|e| e.to_string())?;
    let until = from
        .checked_add(jiff::Span::new().days(VALID_DAYS))
        .map_err(|e| e.to_string())?;
    let ymd = |d: jiff::civil::Date| {
        rcgen::date_time_ymd(i32::from(d.year()), d.month() as u8, d.day() as u8)
    };
    let mut params = rcgen::CertificateParams::new(names.to_vec()).map_err(|e| e.to_string())?;
    params.not_before = ymd(from);
    params.not_after = ymd(until);
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!(
            "Linli on {}",
            names.get(1).map_or("this server", |n| n.as_str())
        ),
    );
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "Linli (self-signed)");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok((until, cert.pem(), key.serialize_pem()))
}

/// Whether a self-signed certificate is still valid, as a server's, at `at`.
pub fn holds_at(der: &CertificateDer<'_>, at: jiff::Timestamp) -> bool {
    let Ok(anchor) = webpki::anchor_from_trusted_cert(der) else {
        return false;
    };
    let Ok(ee) = webpki::EndEntityCert::try_from(der) else {
        return false;
    };
    let at = UnixTime::since_unix_epoch(Duration::from_secs(at.as_second().max(0) as u64));
    let algorithms = rustls::crypto::ring::default_provider().signature_verification_algorithms;
    ee.verify_for_usage(
        algorithms.all,
        &[anchor],
        &[],
        at,
        webpki::KeyUsage::server_auth(),
        None,
        None,
    )
    .is_ok()
}

/// Whether the certificate names `name` (a DNS name or an IP address).
pub fn covers(der: &CertificateDer<'_>, name: &str) -> bool {
    let (Ok(ee), Ok(name)) = (
        webpki::EndEntityCert::try_from(der),
        ServerName::try_from(name),
    ) else {
        return false;
    };
    ee.verify_is_valid_for_subject_name(&name).is_ok()
}

/// Writes a file whole (beside it, then renamed); `private`: readable by its owner only,
/// otherwise by anyone (a certificate is public: staff copy it to their PCs).
fn write(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let mut tmp = tempfile::Builder::new()
        .prefix(".linli-tls")
        .tempfile_in(dir.unwrap_or(Path::new(".")))?;
    permit(tmp.as_file(), private)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn permit(f: &std::fs::File, private: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(if private {
        0o600
    } else {
        0o644
    }))
}

#[cfg(not(unix))]
fn permit(_: &std::fs::File, _: bool) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_certificate_names_what_it_was_made_for_and_lasts_its_days() {
        let names = vec!["localhost".into(), "office-pc".into(), "192.168.1.5".into()];
        let (until, pem, key) = make(&names, at("2026-12-01T08:00:00Z")).unwrap();
        assert_eq!(until.to_string(), "2029-03-04");
        assert!(key.contains("PRIVATE KEY"), "{key}");
        let der = CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
        for n in ["localhost", "office-pc", "192.168.1.5"] {
            assert!(covers(&der, n), "{n}");
        }
        assert!(!covers(&der, "192.168.1.6"));
        assert!(!covers(&der, "example.com"));
        assert!(holds_at(&der, at("2026-12-01T09:00:00Z")));
        assert!(holds_at(&der, at("2029-03-03T00:00:00Z")));
        assert!(!holds_at(&der, at("2029-03-05T00:00:00Z")));
        assert!(!holds_at(&der, at("2026-11-29T00:00:00Z")));
    }

    #[test]
    fn it_is_made_once_kept_and_renewed_when_ending() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("c.pem"), dir.path().join("c.key"));
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let t0 = at("2026-12-01T08:00:00Z");
        assert!(matches!(
            ensure(&cert, &key, &names, t0),
            Ok(Kept::Made { .. })
        ));
        let first = std::fs::read(&cert).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let later = at("2028-12-01T08:00:00Z");
        assert_eq!(
            ensure(&cert, &key, &names, later),
            Ok(Kept::Reused { missing: vec![] })
        );
        assert_eq!(std::fs::read(&cert).unwrap(), first);
        let more = vec!["localhost".to_string(), "10.0.0.7".to_string()];
        assert_eq!(
            ensure(&cert, &key, &more, later),
            Ok(Kept::Reused {
                missing: vec!["10.0.0.7".into()]
            })
        );
        let ending = at("2029-02-10T08:00:00Z");
        assert!(matches!(
            ensure(&cert, &key, &names, ending),
            Ok(Kept::Renewed { .. })
        ));
        assert_ne!(std::fs::read(&cert).unwrap(), first);
        // Without its key, a certificate is made anew.
        std::fs::remove_file(&key).unwrap();
        assert!(matches!(
            ensure(&cert, &key, &names, ending),
            Ok(Kept::Made { .. })
        ));
    }

    #[test]
    fn the_names_hold_loopback_and_the_address_listened_on() {
        let n = names("192.168.1.5:8080".parse().unwrap());
        assert_eq!(n[0], "localhost");
        for want in ["127.0.0.1", "::1", "192.168.1.5"] {
            assert!(n.iter().any(|x| x == want), "{want} in {n:?}");
        }
        let n = names("127.0.0.1:8080".parse().unwrap());
        assert!(!n.iter().any(|x| x == "192.168.1.5"));
    }
}
