//! PBES2 against OpenSSL, for every PRF the crate reads: its own PBKDF2-HMAC over SHA-1 and
//! SHA-224/256/384/512 (`src/key/hash.rs`, SHA-1 from `src/key/sha1.rs`). Keys are wrapped
//! by `openssl pkcs8 -topk8 -v2prf <prf>` with passwords shorter than, equal to and longer than
//! HMAC's block (64 bytes for SHA-1/224/256, 128 for SHA-384/512; a longer one is hashed first),
//! one to a few thousand iterations, and ciphers needing one or two PBKDF2 blocks (AES-128: 16
//! bytes; AES-192 and DES-EDE3: 24; AES-256: 32). Each decrypted key must sign exactly as the
//! unencrypted key does. Skipped when `openssl` is not installed. (OpenSSL 3.0's `pkcs8` has no
//! `-saltlen`; salts of every length are the unit tests' against the `pbkdf2` crate.)

use kcp_wasm::MerchantKey;

#[path = "support/openssl_wrap.rs"]
mod openssl_wrap;

use openssl_wrap::{fixture, wrap};

#[test]
fn openssl_pbes2_keys_decrypt_with_every_prf() {
    let plain = fixture("rsa2048/pkcs8.pem");
    let expected = MerchantKey::from_pem(&plain, "")
        .unwrap()
        .sign("kcp-wasm")
        .unwrap();
    let long: String = "비밀번호-passphrase-".repeat(8); // 192 bytes of UTF-8
    let passwords = [
        "x".to_string(),
        "changeit".to_string(),
        "a".repeat(63),
        "b".repeat(64),
        "c".repeat(65),
        long[..99].to_string(),
        "d".repeat(127),
        "e".repeat(128),
        "f".repeat(129),
        long.clone(),
    ];
    let cases = [
        ("aes-256-cbc", 2048),
        ("aes-128-cbc", 1),
        ("des-ede3-cbc", 3),
        ("aes-192-cbc", 1000),
    ];
    let prfs = [
        "hmacWithSHA1",
        "hmacWithSHA224",
        "hmacWithSHA256",
        "hmacWithSHA384",
        "hmacWithSHA512",
    ];
    for prf in prfs {
        for password in &passwords {
            for &(cipher, iterations) in &cases {
                let Some(pem) = wrap(&plain, password, prf, cipher, iterations) else {
                    eprintln!("openssl not available: skipping");
                    return;
                };
                let what = format!(
                    "{prf}, {cipher}, {iterations} iterations, {}-byte password",
                    password.len()
                );
                let key =
                    MerchantKey::from_pem(&pem, password).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(key.format().as_str(), "pbes2", "{what}");
                assert_eq!(key.sign("kcp-wasm").unwrap(), expected, "{what}");
                let wrong = format!("{password}!");
                assert_eq!(
                    MerchantKey::from_pem(&pem, &wrong)
                        .map(|_| ())
                        .map_err(|e| e.code()),
                    Err("KEY_PASSWORD_INCORRECT"),
                    "{what}, wrong password"
                );
            }
        }
    }
}
