use super::*;

const PHONE: Column = Column::new("residents", "phone");
const ID: Column = Column::new("residents", "id_number");

fn both() -> [Vault; 2] {
    [
        Vault::generate(Algorithm::Aes256Gcm),
        Vault::generate(Algorithm::Sm4Gcm),
    ]
}

#[test]
fn a_sealed_value_opens_to_itself_and_shows_nothing_of_it() {
    for v in both() {
        let s = v.seal(PHONE, "13800000001");
        assert!(s.starts_with("enc1:1:"), "{s}");
        assert!(!s.contains("13800000001") && !s.contains("0001"));
        assert_eq!(v.open(PHONE, &s).unwrap(), "13800000001");
        // A random nonce each time: the same phone twice seals differently.
        assert_ne!(s, v.seal(PHONE, "13800000001"));
        assert_eq!(v.open(PHONE, &v.seal(PHONE, "")).unwrap(), "");
        let long = "老".repeat(5000);
        assert_eq!(v.open(PHONE, &v.seal(PHONE, &long)).unwrap(), long);
    }
}

/// The text of a sealed value is a format other code and older databases rely on:
/// `enc1:<key id>:` and the base64 (no padding) of nonce ‖ ciphertext ‖ tag, the column as
/// associated data. Checked against AES-256-GCM itself, both ways.
#[test]
fn a_sealed_value_is_aes_gcm_in_the_text_older_databases_hold() {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let secret = [7u8; 32];
    let v = Vault::from_parts(
        vec![(1, Algorithm::Aes256Gcm, secret.to_vec())],
        1,
        (IndexAlgorithm::HmacSha256, vec![9; 32]),
    )
    .unwrap();
    let gcm = aes_gcm::Aes256Gcm::new_from_slice(&secret).unwrap();
    let nonce = [3u8; 12];
    let body = gcm
        .encrypt(
            (&nonce).into(),
            Payload {
                msg: "110101199003071234".as_bytes(),
                aad: b"residents.id_number",
            },
        )
        .unwrap();
    let old = format!("enc1:1:{}", B64.encode([&nonce[..], &body].concat()));
    assert_eq!(v.open(ID, &old).unwrap(), "110101199003071234");

    let sealed = v.seal(ID, "110101199003071234");
    let bytes = B64.decode(sealed.strip_prefix("enc1:1:").unwrap()).unwrap();
    assert_eq!(bytes.len(), 12 + 18 + 16, "nonce, ciphertext, tag");
    let (nonce, body) = bytes.split_at(12);
    let plain = gcm
        .decrypt(
            nonce.try_into().unwrap(),
            Payload {
                msg: body,
                aad: b"residents.id_number",
            },
        )
        .unwrap();
    assert_eq!(plain, b"110101199003071234");
}

#[test]
fn an_altered_or_moved_value_or_a_wrong_key_does_not_open() {
    for v in both() {
        let s = v.seal(PHONE, "13800000001");
        // Moved to another column.
        assert!(matches!(v.open(ID, &s), Err(VaultError::Tampered { .. })));
        // One character of the body changed.
        let mut b = s.clone().into_bytes();
        let last = b.len() - 3;
        b[last] = if b[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(b).unwrap();
        assert!(v.open(PHONE, &altered).is_err());
        // Another ring's key 1.
        let other = Vault::generate(v.algorithm(1).unwrap());
        assert!(matches!(
            other.open(PHONE, &s),
            Err(VaultError::Tampered { .. })
        ));
        // A key the ring does not hold, and text that is not sealed.
        let unknown = s.replacen("enc1:1:", "enc1:9:", 1);
        assert_eq!(v.open(PHONE, &unknown), Err(VaultError::UnknownKey(9)));
        assert!(matches!(
            v.open(PHONE, "13800000001"),
            Err(VaultError::Malformed { .. })
        ));
        assert!(matches!(
            v.open(PHONE, "enc1:1:not base64!"),
            Err(VaultError::Malformed { .. })
        ));
        assert!(v.open(PHONE, "enc1:1:").is_err());
    }
}

#[test]
fn a_rotation_reseals_old_values_and_keeps_them_readable() {
    let mut file = keyfile::KeyFile::generate(Algorithm::Aes256Gcm);
    let old = file.vault().unwrap();
    let sealed = old.seal(PHONE, "13800000001");
    // The new key is SM4: a change of algorithm is a rotation like any other.
    assert_eq!(file.rotate(Algorithm::Sm4Gcm), 2);
    let new = file.vault().unwrap();
    assert_eq!(new.active(), 2);
    assert_eq!(new.open(PHONE, &sealed).unwrap(), "13800000001");
    let again = new.reseal(PHONE, &sealed).unwrap().unwrap();
    assert_eq!(key_of(&again), Some(2));
    assert_eq!(new.open(PHONE, &again).unwrap(), "13800000001");
    assert_eq!(
        new.reseal(PHONE, &again).unwrap(),
        None,
        "already sealed with the active key"
    );
    // The lookup hashes do not change with a rotation: the index key stays.
    assert_eq!(
        old.blind(Blind::Phone, "13800000001"),
        new.blind(Blind::Phone, "13800000001")
    );
}

#[test]
fn lookup_hashes_are_keyed_per_kind_and_per_ring() {
    for v in both() {
        let a = v.blind(Blind::Phone, "13800000001");
        assert_eq!(a.len(), 16, "128 bits, kept as bytes");
        assert_eq!(
            v.blind_text(Blind::Phone, "13800000001"),
            hex::encode(&a),
            "the same hash where text keeps it"
        );
        assert_eq!(a, v.blind(Blind::Phone, "13800000001"));
        assert_ne!(a, v.blind(Blind::Phone, "13800000002"));
        assert_ne!(
            a,
            v.blind(Blind::IdNumber, "13800000001"),
            "kinds hash apart"
        );
        let other = Vault::generate(v.algorithm(1).unwrap());
        assert_ne!(a, other.blind(Blind::Phone, "13800000001"), "another key");
    }
}

#[test]
fn a_key_file_round_trips_and_a_bad_one_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.toml");
    let file = keyfile::KeyFile::generate(Algorithm::Sm4Gcm);
    file.write(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    let back = keyfile::KeyFile::load(&path).unwrap().vault().unwrap();
    let v = file.vault().unwrap();
    assert_eq!(back.open(PHONE, &v.seal(PHONE, "x")).unwrap(), "x");
    assert_eq!(back.index_check(), v.index_check());

    let err = |text: &str| {
        std::fs::write(&path, text).unwrap();
        keyfile::KeyFile::load(&path).err().unwrap().to_string()
    };
    let missing = keyfile::KeyFile::load(&dir.path().join("none.toml"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        missing.contains("none.toml") && missing.contains("not found"),
        "{missing}"
    );
    assert!(err("active = ").contains("not a valid key file"));
    let short = "active = 1\nindex = \"hmac-sha256\"\nindex_key = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\n\
                 [[keys]]\nid = 1\nalgorithm = \"aes-256-gcm\"\nsecret = \"AAAA\"\n";
    let e = err(short);
    assert!(
        e.contains("keys.toml") && e.contains("key 1") && e.contains("32 bytes"),
        "{e}"
    );
    file.write(&path).unwrap();
    let good = std::fs::read_to_string(&path).unwrap();
    let inactive = good.replace("active = 1", "active = 2");
    assert!(
        err(&inactive).contains("active key 2"),
        "{}",
        err(&inactive)
    );
}
