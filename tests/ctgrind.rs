//! Constant time, checked by valgrind ("ctgrind"): run by `scripts/ctgrind.sh` under
//! `valgrind --tool=memcheck` at the release profile and at opt-levels 3 and "z" (the level of the
//! npm package's .wasm).
//!
//! Memcheck reports every conditional branch and every memory address that depends on memory
//! it considers *undefined*. This harness marks the secrets undefined through valgrind's client
//! requests — the key's private values (d, p, q, dP, dQ, qInv) before the key is built, the
//! blinding values' random bytes as they are drawn, and the password before a key file is
//! decrypted (KCP's PKCS#12 Triple DES, PBES2 with HMAC-SHA1, -SHA256 and -SHA512, passwords shorter and longer
//! than HMAC's block, AES and Triple DES) — and then loads keys and
//! signs. Any report is a secret-dependent branch or address.
//!
//! What is public by design is declassified in the library itself, at the one call per outcome
//! that says why (`src/ct.rs`: `Mask::declassify`, `declassify`): the key check's verdict, a
//! prime's length and oddness, the password's shape (how many bytes each character takes), the
//! padding verdict of a decrypted key, DER headers, the public key inside a decrypted file, the
//! finished signature. So the allowlist in `scripts/ctgrind.sh` is empty, and a new branch on a
//! secret anywhere on these paths fails `make test`.
//!
//! Outside valgrind the client requests are no-ops, and the run is an ordinary test that the
//! signatures equal the `rsa` crate's (deterministic PKCS#1 v1.5).

#[path = "support/openssl_wrap.rs"]
mod openssl_wrap;
#[path = "support/rsa_values.rs"]
mod rsa_values;

use std::path::PathBuf;

use kcp_wasm::rsa_fast::{BLINDING_USES, CrtKey, SignError};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa_values::values_of;

/// Valgrind's client requests (valgrind.h, memcheck.h), amd64: a magic instruction sequence
/// that is a no-op on a real CPU and a call into the tool under valgrind.
#[cfg(target_arch = "x86_64")]
mod valgrind {
    const RUNNING_ON_VALGRIND: u64 = 0x1001;
    const MAKE_MEM_UNDEFINED: u64 = 0x4d43_0001; // VG_USERREQ_TOOL_BASE('M','C') + 1
    const MAKE_MEM_DEFINED: u64 = 0x4d43_0002;

    fn request(code: u64, a1: u64, a2: u64) -> u64 {
        let args: [u64; 6] = [code, a1, a2, 0, 0, 0];
        let mut result: u64 = 0; // the default, when not under valgrind
        // SAFETY: the rotations of rdi add up to 128 bits (rdi is unchanged) and `xchg rbx,
        // rbx` changes nothing; valgrind reads `args` (rax) and writes its answer to rdx.
        unsafe {
            core::arch::asm!(
                "rol rdi, 3", "rol rdi, 13", "rol rdi, 61", "rol rdi, 51",
                "xchg rbx, rbx",
                in("rax") args.as_ptr(),
                inout("rdx") result,
                out("rdi") _,
            );
        }
        result
    }

    pub fn running() -> bool {
        request(RUNNING_ON_VALGRIND, 0, 0) != 0
    }

    pub fn secret(bytes: &[u8]) {
        request(
            MAKE_MEM_UNDEFINED,
            bytes.as_ptr() as u64,
            bytes.len() as u64,
        );
    }

    pub fn public(bytes: &[u8]) {
        request(MAKE_MEM_DEFINED, bytes.as_ptr() as u64, bytes.len() as u64);
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod valgrind {
    pub fn running() -> bool {
        false
    }
    pub fn secret(_: &[u8]) {}
    pub fn public(_: &[u8]) {}
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Key load and signing with every private value and every blinding draw secret.
fn sign_with_secret_key(name: &str, file: &str) {
    let pem = std::fs::read_to_string(fixtures().join(file)).expect("fixture");
    let reference = rsa::PrivateKey::from_pkcs8_pem(&pem).expect("fixture");
    let values = values_of(&reference).expect("two primes, CRT values");
    for value in values.private() {
        valgrind::secret(value);
    }
    let key = CrtKey::from_parts(&values.parts()).unwrap_or_else(|err| panic!("{name}: {err:?}"));

    let mut draws = 0;
    let mut random = |bytes: &mut [u8]| -> Result<(), SignError> {
        getrandom::fill(bytes).map_err(|_| SignError::RandomUnavailable)?;
        valgrind::secret(bytes);
        draws += 1;
        Ok(())
    };
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(reference.clone());
    // Past one run of the blinding value, so that a re-draw happens under the check too.
    let count = BLINDING_USES as usize + 2;
    for i in 0..count {
        let message = format!("T0000^2123456789{i:04}^STSC");
        let signature = key
            .sign_pkcs1v15_sha256_with_random(message.as_bytes(), &mut random)
            .unwrap_or_else(|err| panic!("{name}: {err:?}"));
        // Already public (the signer declassified it); the comparison below is the test's own.
        valgrind::public(&signature);
        assert_eq!(
            signature,
            signer.sign(message.as_bytes()).to_vec(),
            "{name}: signature {i}"
        );
    }
    // Two primes per draw: one at the first signature, one after BLINDING_USES.
    assert_eq!(draws, 4, "{name}: blinding draws");
    println!("ctgrind: {name}: key load and {count} signatures");
}

/// Key files decrypted with a secret password (KDF, Triple DES or AES, CBC, unpadding, the
/// decrypted key's parsing and checks), then signatures compared with OpenSSL's
/// (`tests/fixtures/manifest.json`); and a wrong password, whose refusal must not branch on a
/// secret either.
fn decrypt_with_secret_password(file: &str) {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("manifest.json")).expect("manifest"),
    )
    .expect("manifest");
    let entry = manifest["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["file"] == file)
        .unwrap_or_else(|| panic!("{file} is not in the manifest"));
    let pem = std::fs::read_to_string(fixtures().join(file)).expect("fixture");
    let password = entry["password"].as_str().expect("password").to_string();
    valgrind::secret(password.as_bytes());
    let key = kcp_wasm::MerchantKey::from_pem(&pem, &password)
        .unwrap_or_else(|err| panic!("{file}: {err}"));
    for expected in entry["signatures"].as_array().expect("signatures") {
        let plaintext = expected["plaintext"].as_str().expect("plaintext");
        let signature = key
            .sign(plaintext)
            .unwrap_or_else(|err| panic!("{file}: {err}"));
        valgrind::public(signature.as_bytes());
        assert_eq!(signature, expected["signature"].as_str().unwrap(), "{file}");
    }
    let wrong = format!("{password}!");
    valgrind::secret(wrong.as_bytes());
    let refused = kcp_wasm::MerchantKey::from_pem(&pem, &wrong)
        .map(|_| ())
        .map_err(|e| e.code());
    assert_eq!(refused, Err("KEY_PASSWORD_INCORRECT"), "{file}");
    println!("ctgrind: {file}: decrypted with a secret password, signed, and refused a wrong one");
}

/// PBES2 keys that OpenSSL wraps here with a secret password longer than HMAC's block, which
/// PBKDF2 hashes first (`src/key/hash.rs`, for every PRF): a path the fixtures'
/// 8-byte password does not take. Three iterations: no branch depends on the count.
fn decrypt_with_a_long_secret_password() {
    let plain = openssl_wrap::fixture("rsa2048/pkcs8.pem");
    let expected = kcp_wasm::MerchantKey::from_pem(&plain, "")
        .and_then(|key| key.sign("kcp-wasm"))
        .expect("the unencrypted key signs");
    for (prf, len) in [
        ("hmacWithSHA1", 65),
        ("hmacWithSHA256", 100),
        ("hmacWithSHA512", 129),
    ] {
        let password: String = (0..len)
            .map(|i| char::from(b'!' + (i % 90) as u8))
            .collect();
        let Some(pem) = openssl_wrap::wrap(&plain, &password, prf, "aes-256-cbc", 3) else {
            println!("ctgrind: openssl not available: no long-password keys");
            return;
        };
        valgrind::secret(password.as_bytes());
        let key = kcp_wasm::MerchantKey::from_pem(&pem, &password)
            .unwrap_or_else(|err| panic!("{prf}: {err}"));
        let signature = key.sign("kcp-wasm").expect("signs");
        valgrind::public(signature.as_bytes());
        assert_eq!(signature, expected, "{prf}, {len}-byte password");
        println!("ctgrind: PBES2 {prf}: decrypted with a secret {len}-byte password, signed");
    }
}

/// Proves the harness is live: a branch on a secret byte must be reported (scripts/ctgrind.sh
/// runs this and expects valgrind's error exit).
fn self_test() {
    let secret = std::hint::black_box(vec![7u8; 1]);
    valgrind::secret(&secret);
    if std::hint::black_box(secret[0]) == 7 {
        println!("ctgrind self-test: branched on a secret (valgrind must report it)");
    }
}

fn main() {
    if std::env::var_os("CTGRIND_SELF_TEST").is_some() {
        return self_test();
    }
    kcp_wasm::ct_testing::set_declassify_hook(valgrind::public);
    println!(
        "ctgrind: {}",
        if valgrind::running() {
            "under valgrind: secrets are marked undefined"
        } else {
            "not under valgrind: a plain run (scripts/ctgrind.sh runs it under valgrind)"
        }
    );
    sign_with_secret_key("RSA-2048 (KCP's size)", "rsa2048/pkcs8.pem");
    sign_with_secret_key("RSA-2049 (an odd size)", "edge/rsa2049-pkcs8.pem");
    sign_with_secret_key("RSA-4096", "rsa4096/pkcs8.pem");
    for file in [
        "rsa2048/kcp-pkcs12.pem",
        "rsa2048/kcp-pkcs12-korean.pem",
        "rsa2048/pbes2-hmacSHA1-aes-256-cbc.pem",
        "rsa2048/pbes2-hmacSHA256-aes-256-cbc.pem",
        "rsa2048/pbes2-hmacSHA256-des-ede3-cbc.pem",
    ] {
        decrypt_with_secret_password(file);
    }
    decrypt_with_a_long_secret_password();
    println!("ctgrind: done");
}
