//! PBES2 with hmacWithSHA1 (the crate's own PBKDF2-HMAC-SHA1, `src/key/sha1.rs`) against
//! OpenSSL: keys wrapped by `openssl pkcs8 -topk8 -v2prf hmacWithSHA1` with passwords shorter
//! than, equal to and longer than HMAC's 64-byte block (a longer one is hashed first), one to a
//! few thousand iterations, and ciphers needing one or two PBKDF2
//! blocks (AES-128: 16 bytes; AES-192 and DES-EDE3: 24; AES-256: 32). Each decrypted key must sign exactly
//! as the unencrypted key does. Skipped when `openssl` is not installed. (OpenSSL 3.0's `pkcs8` has
//! no `-saltlen`; salts of every length are `src/key/sha1.rs`'s tests against the `pbkdf2` crate.)

use kcp_wasm::MerchantKey;
use std::io::Write as _;
use std::process::{Command, Stdio};

fn fixture(file: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// The key wrapped by OpenSSL, or `None` if OpenSSL is not there.
fn wrap(plain: &str, password: &str, cipher: &str, iterations: u32) -> Option<String> {
    let dir = std::env::temp_dir().join(format!(
        "kcp-wasm-pbes2-sha1-{}-{cipher}-{iterations}-{}",
        std::process::id(),
        password.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let pass_file = dir.join("pass");
    std::fs::write(&pass_file, password).unwrap();
    let child = Command::new("openssl")
        .args([
            "pkcs8",
            "-topk8",
            "-v2",
            cipher,
            "-v2prf",
            "hmacWithSHA1",
            "-iter",
        ])
        .arg(iterations.to_string())
        .arg("-passout")
        .arg(format!("file:{}", pass_file.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return None;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(plain.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "openssl pkcs8: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn openssl_hmac_sha1_keys_decrypt() {
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
        long.clone(),
    ];
    let cases = [
        ("aes-256-cbc", 2048),
        ("aes-128-cbc", 1),
        ("des-ede3-cbc", 3),
        ("aes-192-cbc", 1000),
    ];
    for password in &passwords {
        for &(cipher, iterations) in &cases {
            let Some(pem) = wrap(&plain, password, cipher, iterations) else {
                eprintln!("openssl not available: skipping");
                return;
            };
            let what = format!(
                "{cipher}, {iterations} iterations, {}-byte password",
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
