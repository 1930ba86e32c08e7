//! The id a client makes for one intake, so that sending it twice stores it once (a phone
//! that retries when the answer did not come back, a form submitted twice): 8–64
//! characters of `A–Z a–z 0–9 _ -`, a UUID or 32 hex digits say. The database keeps it
//! unique across all demands.

use crate::error::{Code, Error, Result};

/// The shortest and the longest id a client may make.
pub const CLIENT_ID_LEN: std::ops::RangeInclusive<usize> = 8..=64;

/// A client-made id, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    /// The id as sent (`None`: the client sent none). It is taken as it is, never
    /// trimmed: another spelling would be another id.
    pub fn parse(v: Option<&str>) -> Result<Option<ClientId>> {
        let Some(v) = v else {
            return Ok(None);
        };
        let fits = CLIENT_ID_LEN.contains(&v.len())
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !fits {
            return Err(Error::invalid("client_id", Code::InvalidClientId)
                .with("min", CLIENT_ID_LEN.start())
                .with("max", CLIENT_ID_LEN.end()));
        }
        Ok(Some(ClientId(v.to_string())))
    }

    /// A new id, for a form the server renders (32 hex digits from the system's random
    /// source): each form shown names the one intake it may send.
    pub fn fresh() -> ClientId {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        ClientId(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_is_8_to_64_letters_digits_underscores_or_dashes() {
        assert_eq!(ClientId::parse(None), Ok(None));
        for ok in [
            "abcdefgh",
            "0f8c2d8e-4b1a-4c7e-9d3a-2b6f1e0c9a77",
            "A_b-9_Z-",
            &"x".repeat(64),
        ] {
            assert_eq!(
                ClientId::parse(Some(ok)).unwrap().unwrap().as_str(),
                ok,
                "{ok}"
            );
        }
        for bad in [
            "",
            "short",
            "abcdefg",
            &"x".repeat(65),
            "has space",
            " abcdefgh",
            "abcdefgh\n",
            "中文中文中文中文",
            "a/b.c+d=e",
        ] {
            let e = ClientId::parse(Some(bad)).unwrap_err();
            assert_eq!(e.code, Code::InvalidClientId, "{bad:?}");
            assert_eq!(e.field.as_deref(), Some("client_id"));
        }
    }

    #[test]
    fn a_fresh_id_is_one_a_client_could_have_sent_and_new_each_time() {
        let a = ClientId::fresh();
        assert_eq!(ClientId::parse(Some(a.as_str())), Ok(Some(a.clone())));
        assert_ne!(a, ClientId::fresh());
    }
}
