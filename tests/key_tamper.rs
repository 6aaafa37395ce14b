//! No error-code oracle in encrypted key files: with the right password, a key file whose
//! ciphertext, salt or IV has been tampered with is refused with `KEY_PASSWORD_INCORRECT` every
//! time, whatever the damage decrypts to (bad padding, broken DER, inconsistent or unsupported
//! key). Otherwise whoever can change a stored key file and read the error codes learns, one
//! ciphertext bit at a time, what the plaintext is like.
//!
//! Each ciphertext block is tampered with in turn (one bit, at a position that moves from block
//! to block): in CBC that garbles its own plaintext block and flips the same bit in the next one.
//! Every byte of the IV is tampered with too (that flips one bit of the first plaintext block),
//! and the salt (a different key decrypts everything to garbage).

use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use kcp_wasm::MerchantKey;

fn fixture(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(file);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The DER inside a PEM file.
fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .expect("PEM body is base64")
}

/// Reads one DER header at `at`: (tag, start of the value, length of the value).
fn header(der: &[u8], at: usize) -> (u8, usize, usize) {
    let tag = der[at];
    let first = der[at + 1] as usize;
    if first < 0x80 {
        return (tag, at + 2, first);
    }
    let n = first & 0x7f;
    let len = der[at + 2..at + 2 + n]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | b as usize);
    (tag, at + 2 + n, len)
}

/// Every OCTET STRING of the DER, in order, as (offset, length) of its value, looking into
/// SEQUENCEs: for an `EncryptedPrivateKeyInfo` that is the salt (and for PBES2 the IV), then
/// the ciphertext.
fn octet_strings(der: &[u8], mut at: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    while at < end {
        let (tag, start, len) = header(der, at);
        match tag {
            0x30 => octet_strings(der, start, start + len, out),
            0x04 => out.push((start, len)),
            _ => {}
        }
        at = start + len;
    }
}

/// Where to tamper: the salt, the IV (if any, not derived) and the ciphertext.
struct Layout {
    salt: (usize, usize),
    iv: Option<(usize, usize)>,
    ciphertext: (usize, usize),
}

fn layout(der: &[u8]) -> Layout {
    let mut found = Vec::new();
    octet_strings(der, 0, der.len(), &mut found);
    match found[..] {
        [salt, ciphertext] => Layout {
            salt,
            iv: None,
            ciphertext,
        },
        [salt, iv, ciphertext] => Layout {
            salt,
            iv: Some(iv),
            ciphertext,
        },
        _ => panic!("unexpected EncryptedPrivateKeyInfo: {found:?}"),
    }
}

/// Loads `der` with one bit flipped at `byte`, and says what went wrong if it was not refused
/// with `KEY_PASSWORD_INCORRECT` (or panicked).
fn check_flip(der: &[u8], byte: usize, mask: u8, password: &str, what: &str) -> Option<String> {
    let mut tampered = der.to_vec();
    tampered[byte] ^= mask;
    match std::panic::catch_unwind(|| MerchantKey::from_der(&tampered, password)) {
        Err(_) => Some(format!("{what}: panicked")),
        Ok(Ok(_)) => Some(format!("{what}: the tampered key loads")),
        Ok(Err(e)) if e.code() == "KEY_PASSWORD_INCORRECT" => None,
        Ok(Err(e)) => Some(format!("{what}: {} ({e})", e.code())),
    }
}

/// Tampers with every ciphertext block, every IV byte and the salt of `file`.
fn every_tampering_gives_one_code(file: &str, password: &str, block: usize) {
    let der = pem_der(&fixture(file));
    MerchantKey::from_der(&der, password).expect("the untampered key loads");
    let at = layout(&der);
    let (ct_start, ct_len) = at.ciphertext;
    assert!(
        ct_len >= 1024 && ct_len.is_multiple_of(block),
        "{file}: {ct_len} bytes"
    );

    let mut failures = Vec::new();
    let mut tried = 0;
    for i in 0..ct_len / block {
        // The byte and bit move from block to block, so the next plaintext block's flipped bit
        // lands in different places: tags, lengths, integers, the padding.
        let byte = ct_start + i * block + i % block;
        failures.extend(check_flip(
            &der,
            byte,
            1 << (i % 8),
            password,
            &format!("ciphertext block {i}"),
        ));
        tried += 1;
    }
    if let Some((iv_start, iv_len)) = at.iv {
        assert_eq!(iv_len, block);
        for j in 0..iv_len {
            // Not bit 0: in byte 6 that turns PrivateKeyInfo's version 0 into 1 (OneAsymmetricKey),
            // a valid header for the very same key.
            failures.extend(check_flip(
                &der,
                iv_start + j,
                0x80 >> (j % 7),
                password,
                &format!("IV byte {j}"),
            ));
            tried += 1;
        }
    }
    let (salt_start, salt_len) = at.salt;
    for j in [0, salt_len - 1] {
        failures.extend(check_flip(
            &der,
            salt_start + j,
            0x01,
            password,
            &format!("salt byte {j}"),
        ));
        tried += 1;
    }
    assert!(
        failures.is_empty(),
        "{file}: {} of {tried} tamperings not refused with KEY_PASSWORD_INCORRECT:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn kcp_test_key_3des_every_tampering_is_key_password_incorrect() {
    every_tampering_gives_one_code("kcp/splPrikeyPKCS8.pem", "changeit", 8);
}

#[test]
fn pbes2_aes_every_tampering_is_key_password_incorrect() {
    every_tampering_gives_one_code("rsa2048/pbes2-hmacSHA256-aes-256-cbc.pem", "changeit", 16);
}

#[test]
fn pbes2_3des_every_tampering_is_key_password_incorrect() {
    every_tampering_gives_one_code("rsa2048/pbes2-hmacSHA256-des-ede3-cbc.pem", "changeit", 8);
}

/// The layout reader finds what it should, so the tests above tamper where they claim to.
#[test]
fn the_layouts_are_as_expected() {
    let kcp = pem_der(&fixture("kcp/splPrikeyPKCS8.pem"));
    let at = layout(&kcp);
    assert!(at.iv.is_none());
    assert_eq!(at.salt.1, 20, "KCP's salt is 20 bytes (KCP-API.md)");
    assert_eq!(
        at.ciphertext.0 + at.ciphertext.1,
        kcp.len(),
        "the ciphertext ends the file"
    );
    let aes = pem_der(&fixture("rsa2048/pbes2-hmacSHA256-aes-256-cbc.pem"));
    let at = layout(&aes);
    assert_eq!(at.iv.map(|iv| iv.1), Some(16));
    assert_eq!(at.ciphertext.0 + at.ciphertext.1, aes.len());
}

/// Unencrypted keys keep their precise codes: nothing there is secret from whoever holds the
/// file, and the codes help the merchant.
#[test]
fn unencrypted_keys_keep_their_precise_codes() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rsa2048/pkcs8.der");
    let der = fs::read(path).unwrap();
    // SEQUENCE (4-byte header), then INTEGER version: 02 01 00 at offset 4.
    assert_eq!(der[4..7], [0x02, 0x01, 0x00]);
    let with_version = |v: u8| {
        let mut d = der.clone();
        d[6] = v;
        MerchantKey::from_der(&d, "")
    };
    assert!(with_version(1).is_ok(), "v2 (OneAsymmetricKey) is read");
    assert_eq!(with_version(2).unwrap_err().code(), "KEY_MALFORMED");
    // A bit of the modulus (well inside it) flipped: the key's values no longer agree.
    let mut d = der.clone();
    d[100] ^= 0x10;
    assert_eq!(
        MerchantKey::from_der(&d, "").unwrap_err().code(),
        "KEY_INCONSISTENT"
    );
}
