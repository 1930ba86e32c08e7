//! The two ciphers and the two keyed hashes, behind one face each.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, AeadInOut, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, AesGcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// GCM over SM4 (国密): the same mode as AES-GCM, over the Chinese block cipher.
type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// How a key encrypts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Algorithm {
    #[serde(rename = "aes-256-gcm")]
    Aes256Gcm,
    #[serde(rename = "sm4-gcm")]
    Sm4Gcm,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Aes256Gcm => "aes-256-gcm",
            Algorithm::Sm4Gcm => "sm4-gcm",
        }
    }

    pub fn parse(s: &str) -> Option<Algorithm> {
        match s {
            "aes-256-gcm" => Some(Algorithm::Aes256Gcm),
            "sm4-gcm" => Some(Algorithm::Sm4Gcm),
            _ => None,
        }
    }

    /// The key's length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Algorithm::Aes256Gcm => 32,
            Algorithm::Sm4Gcm => 16,
        }
    }

    /// The keyed hash that goes with it: SM3 beside SM4, SHA-256 beside AES.
    pub fn index(self) -> IndexAlgorithm {
        match self {
            Algorithm::Aes256Gcm => IndexAlgorithm::HmacSha256,
            Algorithm::Sm4Gcm => IndexAlgorithm::HmacSm3,
        }
    }
}

/// How lookup hashes are keyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexAlgorithm {
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    #[serde(rename = "hmac-sm3")]
    HmacSm3,
}

/// Bytes of the nonce that starts every sealed value (96 bits, random per value).
const NONCE: usize = 12;
/// Bytes of the tag that ends it.
const TAG: usize = 16;

#[derive(Clone)]
pub enum Cipher {
    Aes(Box<Aes256Gcm>),
    Sm4(Box<Sm4Gcm>),
}

impl Cipher {
    pub fn new(alg: Algorithm, secret: &[u8]) -> Result<Cipher, String> {
        if secret.len() != alg.key_len() {
            return Err(format!(
                "{} needs a key of {} bytes, this one has {}",
                alg.as_str(),
                alg.key_len(),
                secret.len()
            ));
        }
        let wrong = |_| "the key does not fit the cipher".to_string();
        Ok(match alg {
            Algorithm::Aes256Gcm => {
                Cipher::Aes(Box::new(Aes256Gcm::new_from_slice(secret).map_err(wrong)?))
            }
            Algorithm::Sm4Gcm => {
                Cipher::Sm4(Box::new(Sm4Gcm::new_from_slice(secret).map_err(wrong)?))
            }
        })
    }

    pub fn algorithm(&self) -> Algorithm {
        match self {
            Cipher::Aes(_) => Algorithm::Aes256Gcm,
            Cipher::Sm4(_) => Algorithm::Sm4Gcm,
        }
    }

    /// nonce ‖ ciphertext ‖ tag, appended to `out`.
    pub fn seal_into(&self, aad: &[u8], plain: &[u8], out: &mut Vec<u8>) {
        // From the thread's CSPRNG (ChaCha, seeded and reseeded from the operating system):
        // a random 96-bit nonce per value without a system call per value.
        let mut nonce = Nonce::<U12>::default();
        rand::rng().fill_bytes(&mut nonce);
        // Encrypted where it lies, after its nonce: one buffer, no copy of the ciphertext.
        let start = out.len();
        out.reserve(NONCE + plain.len() + TAG);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        let body = &mut out[start + NONCE..];
        let tag = match self {
            Cipher::Aes(c) => c.encrypt_inout_detached(&nonce, aad, body.into()),
            Cipher::Sm4(c) => c.encrypt_inout_detached(&nonce, aad, body.into()),
        }
        .expect("GCM seals any value shorter than 64 GB");
        out.extend_from_slice(&tag);
    }

    /// The plaintext, or none when the value does not authenticate.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce = Nonce::<U12>::try_from(nonce).ok()?;
        let payload = Payload { msg: body, aad };
        match self {
            Cipher::Aes(c) => c.decrypt(&nonce, payload),
            Cipher::Sm4(c) => c.decrypt(&nonce, payload),
        }
        .ok()
    }
}

/// The index key, keyed once: each hash starts from a copy of the keyed state.
#[derive(Clone)]
pub enum IndexKey {
    Sha256(Box<Hmac<sha2::Sha256>>),
    Sm3(Box<Hmac<sm3::Sm3>>),
}

impl IndexKey {
    pub fn new(alg: IndexAlgorithm, secret: &[u8]) -> Result<IndexKey, String> {
        if secret.len() < 32 {
            return Err(format!(
                "the index key needs at least 32 bytes, this one has {}",
                secret.len()
            ));
        }
        let keyed = "HMAC takes any key length";
        Ok(match alg {
            IndexAlgorithm::HmacSha256 => IndexKey::Sha256(Box::new(
                <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret).expect(keyed),
            )),
            IndexAlgorithm::HmacSm3 => IndexKey::Sm3(Box::new(
                <Hmac<sm3::Sm3> as KeyInit>::new_from_slice(secret).expect(keyed),
            )),
        })
    }

    /// HMAC of `kind ‖ 0 ‖ value`.
    pub fn hash(&self, kind: &str, value: &[u8]) -> [u8; 32] {
        fn mac<M: Mac + Clone>(keyed: &M, kind: &str, value: &[u8]) -> [u8; 32] {
            let mut m = keyed.clone();
            m.update(kind.as_bytes());
            m.update(&[0]);
            m.update(value);
            let mut out = [0; 32];
            out.copy_from_slice(&m.finalize().into_bytes());
            out
        }
        match self {
            IndexKey::Sha256(k) => mac(k.as_ref(), kind, value),
            IndexKey::Sm3(k) => mac(k.as_ref(), kind, value),
        }
    }
}
