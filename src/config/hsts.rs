//! The `hsts` setting: `true`, `false`, or `"auto"` (the default), which sends
//! `Strict-Transport-Security` when Linli serves HTTPS from the operator's own certificate.
//!
//! Not on for a self-signed certificate: a browser ignores the header over a certificate it
//! does not trust (RFC 6797 §8.1) and never keeps it for an IP address, so it would do
//! nothing until someone installs the certificate, and then lock everyone out of that name
//! for a year (no click-through) on the day the certificate is made anew. Behind an HTTPS
//! proxy Linli cannot tell: there it is `true` by hand, as before.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Hsts {
    /// On when Linli serves HTTPS with `tls_cert`, off otherwise.
    #[default]
    Auto,
    On,
    Off,
}

impl Hsts {
    /// Whether the header is sent, for a server that serves HTTPS from the operator's own
    /// certificate (`own_certificate`) or not.
    pub fn sent(self, own_certificate: bool) -> bool {
        match self {
            Hsts::Auto => own_certificate,
            Hsts::On => true,
            Hsts::Off => false,
        }
    }
}

impl From<bool> for Hsts {
    fn from(on: bool) -> Hsts {
        if on { Hsts::On } else { Hsts::Off }
    }
}

impl Serialize for Hsts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Hsts::Auto => s.serialize_str("auto"),
            Hsts::On => s.serialize_bool(true),
            Hsts::Off => s.serialize_bool(false),
        }
    }
}

/// `true`/`false` in a file, or the words an environment variable carries.
impl<'de> Deserialize<'de> for Hsts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Hsts, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Hsts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("true, false or \"auto\"")
            }
            fn visit_bool<E>(self, on: bool) -> Result<Hsts, E> {
                Ok(on.into())
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Hsts, E> {
                match v {
                    "auto" => Ok(Hsts::Auto),
                    "1" | "true" | "yes" | "on" => Ok(Hsts::On),
                    "0" | "false" | "no" | "off" => Ok(Hsts::Off),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}
