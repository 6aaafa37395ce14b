//! PBES2 keys made by OpenSSL at test time (tests/pbes2_openssl.rs, tests/ctgrind.rs): the
//! passwords and parameters the committed fixtures do not cover.

#![allow(dead_code)]

use std::io::Write as _;
use std::process::{Command, Stdio};

/// A file of `tests/fixtures/`.
pub fn fixture(file: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// `plain` (a PKCS#8 PEM) wrapped by `openssl pkcs8 -topk8 -v2 <cipher> -v2prf <prf>` with
/// `password`, or `None` if OpenSSL is not there.
pub fn wrap(
    plain: &str,
    password: &str,
    prf: &str,
    cipher: &str,
    iterations: u32,
) -> Option<String> {
    let dir = std::env::temp_dir().join(format!(
        "kcp-wasm-pbes2-{}-{prf}-{cipher}-{iterations}-{}",
        std::process::id(),
        password.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let pass_file = dir.join("pass");
    std::fs::write(&pass_file, password).unwrap();
    let child = Command::new("openssl")
        .args(["pkcs8", "-topk8", "-v2", cipher, "-v2prf", prf, "-iter"])
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
