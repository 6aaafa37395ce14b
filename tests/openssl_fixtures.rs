//! Every fixture of `tests/fixtures/manifest.json` (written by `tests/fixtures/make-fixtures.sh`,
//! OpenSSL 3 as the oracle) against the core: formats, sizes, byte-exact signatures,
//! certificate pairing, and the exact error code of every file that must be refused.
//!
//! Each test collects all its failures and reports them together, so one run shows the whole
//! picture.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine as _;
use kcp_wasm::{Certificate, Error, MerchantKey};
use serde_json::Value;

const KOREAN_PASSWORD: &str = "비밀번호한글";
/// A wrong password that would be easy to spot in an error message.
const WRONG_PASSWORD: &str = "wrong-비밀-hunter2-Zx9";
/// Iteration-count and scrypt bombs must be refused before any KDF runs.
const BEFORE_KDF: Duration = Duration::from_millis(50);
/// A sanity bound for every other refusal (debug build, shared CI machine).
const ANY_REFUSAL: Duration = Duration::from_secs(10);

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn manifest() -> Value {
    let text = fs::read_to_string(fixtures().join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("manifest: `{field}` missing in {v}"))
}

/// Loads a key file the way a caller would: `.der` through `from_der`, anything else as text.
fn load(file: &str, password: &str) -> Result<MerchantKey, Error> {
    let path = fixtures().join(file);
    if file.ends_with(".der") {
        MerchantKey::from_der(&fs::read(&path).expect(file), password)
    } else {
        MerchantKey::from_pem(&fs::read_to_string(&path).expect(file), password)
    }
}

fn load_cert(file: &str) -> Certificate {
    let pem = fs::read_to_string(fixtures().join(file)).expect(file);
    Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("{file}: {e} ({})", e.code()))
}

fn b64(sig: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(sig)
        .expect("manifest signature is base64")
}

/// `Debug` and `Display` of an error must never show the password.
fn leaks(err: &Error, password: &str) -> Option<String> {
    if password.len() < 4 {
        return None; // "" or a tiny string could appear by chance
    }
    let shown = [format!("{err}"), format!("{err:?}"), format!("{err:#?}")];
    shown
        .iter()
        .find(|text| text.contains(password))
        .map(|text| format!("error text shows the password {password:?}: {text}"))
}

fn report(what: &str, failures: &[String], checked: usize) {
    println!("{what}: {checked} checked, {} failures", failures.len());
    for f in failures {
        println!("  FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{what}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_valid_key_file_signs_exactly_like_openssl() {
    let m = manifest();
    let keys = m["keys"].as_array().expect("keys");
    assert!(
        keys.len() >= 50,
        "manifest lists only {} key files",
        keys.len()
    );
    let mut certs: HashMap<String, Certificate> = HashMap::new();
    let mismatch = load_cert(s(&m, "mismatch_cert"));
    let mut raw_checked = std::collections::HashSet::new();
    let mut failures = Vec::new();

    for entry in keys {
        let file = s(entry, "file");
        let password = s(entry, "password");
        let key = match load(file, password) {
            Ok(key) => key,
            Err(e) => {
                failures.push(format!("{file}: refused with {} ({e})", e.code()));
                continue;
            }
        };
        if key.format().as_str() != s(entry, "format") {
            failures.push(format!(
                "{file}: format {} (OpenSSL/DER says {})",
                key.format().as_str(),
                s(entry, "format")
            ));
        }
        let shown = format!("{key:?}");
        if shown.len() > 200 || (!password.is_empty() && shown.contains(password)) {
            failures.push(format!("{file}: Debug shows too much: {shown}"));
        }
        let bits = entry["bits"].as_u64().unwrap() as usize;
        if key.modulus_bits() != bits {
            failures.push(format!(
                "{file}: modulus_bits {} != {bits}",
                key.modulus_bits()
            ));
        }

        let cert_file = s(entry, "cert");
        let cert = certs
            .entry(cert_file.to_string())
            .or_insert_with(|| load_cert(cert_file));
        if !cert.matches(&key) {
            failures.push(format!("{file}: does not match {cert_file}"));
        }
        if mismatch.matches(&key) {
            failures.push(format!("{file}: matches the mismatch certificate"));
        }

        for (i, sig) in entry["signatures"].as_array().unwrap().iter().enumerate() {
            let plaintext = s(sig, "plaintext");
            let expected = s(sig, "signature");
            match key.sign(plaintext) {
                Ok(got) if got == expected => {}
                Ok(got) => failures.push(format!(
                    "{file}: sign({plaintext:?}) = {got}, OpenSSL = {expected}"
                )),
                Err(e) => failures.push(format!(
                    "{file}: sign({plaintext:?}) failed: {} ({e})",
                    e.code()
                )),
            }
            if i == 0
                && !key
                    .public_key()
                    .verify(plaintext.as_bytes(), &b64(expected))
            {
                failures.push(format!(
                    "{file}: public_key() does not verify OpenSSL's signature"
                ));
            }
            // sign_bytes once per key (debug-build signing is slow; sign() covers every file).
            if i == 0 && raw_checked.insert(cert_file.to_string()) {
                match key.sign_bytes(plaintext.as_bytes()) {
                    Ok(raw) => {
                        if raw != b64(expected) {
                            failures.push(format!(
                                "{file}: sign_bytes({plaintext:?}) differs from OpenSSL"
                            ));
                        }
                        if !key.public_key().verify(plaintext.as_bytes(), &raw) {
                            failures.push(format!(
                                "{file}: public_key() does not verify its signature"
                            ));
                        }
                    }
                    Err(e) => {
                        failures.push(format!("{file}: sign_bytes failed: {} ({e})", e.code()))
                    }
                }
            }
            if !cert.verify(plaintext, expected) {
                failures.push(format!(
                    "{file}: {cert_file} does not verify OpenSSL's signature"
                ));
            }
            if mismatch.verify(plaintext, expected) {
                failures.push(format!(
                    "{file}: the mismatch certificate verifies the signature"
                ));
            }
        }
    }
    report("valid key files", &failures, keys.len());
}

#[test]
fn certificates_pair_only_with_their_own_key() {
    let m = manifest();
    let mut failures = Vec::new();
    // One key per certificate (its first entry in the manifest).
    let mut pairs: Vec<(String, MerchantKey, String)> = Vec::new();
    for entry in m["keys"].as_array().unwrap() {
        let cert = s(entry, "cert");
        if pairs.iter().any(|(c, _, _)| c == cert) {
            continue;
        }
        let key = load(s(entry, "file"), s(entry, "password"))
            .unwrap_or_else(|e| panic!("{}: {e}", s(entry, "file")));
        let sig = key.sign("T0000^21234567890123^STSC").expect("sign");
        pairs.push((cert.to_string(), key, sig));
    }
    let mut cert_files: Vec<&str> = pairs.iter().map(|(c, _, _)| c.as_str()).collect();
    cert_files.push(s(&m, "mismatch_cert"));
    for cert_file in &cert_files {
        let cert = load_cert(cert_file);
        for (own, key, sig) in &pairs {
            let expect = own == cert_file;
            if cert.matches(key) != expect {
                failures.push(format!(
                    "{cert_file}.matches(key of {own}) should be {expect}"
                ));
            }
            if cert.verify("T0000^21234567890123^STSC", sig) != expect {
                failures.push(format!(
                    "{cert_file}.verify(signature by key of {own}) should be {expect}"
                ));
            }
        }
    }
    report(
        "certificate pairs",
        &failures,
        pairs.len() * cert_files.len(),
    );
}

#[test]
fn certificate_details_agree_with_openssl() {
    let m = manifest();
    let mut failures = Vec::new();
    let certs = m["certs"].as_object().expect("certs");
    for (file, want) in certs {
        let cert = load_cert(file);
        if cert.to_kcp_cert_info() != s(want, "kcp_cert_info") {
            failures.push(format!(
                "{file}: to_kcp_cert_info differs from the PEM without CR/LF"
            ));
        }
        let serial = cert.serial_number().to_ascii_lowercase().replace(':', "");
        if serial.trim_start_matches('0') != s(want, "serial_hex").trim_start_matches('0') {
            failures.push(format!(
                "{file}: serial {serial} (OpenSSL: {})",
                s(want, "serial_hex")
            ));
        }
        // Names exactly as `openssl x509 -noout -subject -issuer -nameopt RFC2253` prints them.
        let fields = [
            ("subject", cert.subject(), s(want, "subject_rfc2253")),
            ("issuer", cert.issuer(), s(want, "issuer_rfc2253")),
            ("not_before", cert.not_before(), s(want, "not_before")),
            ("not_after", cert.not_after(), s(want, "not_after")),
        ];
        for (field, got, openssl) in fields {
            if got != openssl {
                failures.push(format!("{file}: {field} {got:?} (OpenSSL: {openssl:?})"));
            }
        }
        let unix = want["not_after_unix"].as_u64().expect("not_after_unix");
        if cert.not_after_unix() != unix {
            failures.push(format!(
                "{file}: not_after_unix {} (OpenSSL: {unix})",
                cert.not_after_unix()
            ));
        }
    }
    // The certificates made for the name and date reader must all be there.
    for file in [
        "names/korean.pem",
        "names/escaping.pem",
        "names/multi-valued-rdn.pem",
        "names/string-types-unknown-oid.pem",
        "names/utctime-1900s.pem",
        "names/generalized-2050.pem",
        "names/crafted-values.pem",
    ] {
        if !certs.contains_key(file) {
            failures.push(format!("{file}: not in the manifest"));
        }
    }
    report("certificate details", &failures, certs.len());
}

#[test]
fn hostile_files_are_refused_with_their_code_and_quickly() {
    let m = manifest();
    let hostile = m["hostile"].as_array().expect("hostile");
    let mut failures = Vec::new();
    for entry in hostile {
        let file = s(entry, "file");
        let password = s(entry, "password");
        let code = s(entry, "code");
        let before_kdf = entry["refuse_before_kdf"].as_bool().unwrap_or(false);
        let start = Instant::now();
        let result = load(file, password);
        let took = start.elapsed();
        let got = result.as_ref().err().map_or("accepted", Error::code);
        match result {
            Ok(key) => failures.push(format!(
                "{file} (password {password:?}): accepted ({} bits, {}), expected {code}",
                key.modulus_bits(),
                key.format().as_str()
            )),
            Err(e) => {
                let also: Vec<&str> = entry["also_accepted"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if e.code() != code && !also.contains(&e.code()) {
                    failures.push(format!("{file}: {} ({e}), expected {code}", e.code()));
                } else if e.code() != code {
                    println!(
                        "  note: {file}: {} ({e}); {code} expected, {} accepted",
                        e.code(),
                        e.code()
                    );
                }
                failures.extend(leaks(&e, password).map(|l| format!("{file}: {l}")));
            }
        }
        let bound = if before_kdf { BEFORE_KDF } else { ANY_REFUSAL };
        if took > bound {
            failures.push(format!("{file}: refusal took {took:?} (bound {bound:?})"));
        }
        println!("  {file}: {got} in {took:?} (expected {code})");
    }
    report("hostile files", &failures, hostile.len());
}

#[test]
fn a_wrong_password_is_reported_as_such_and_never_shown() {
    let m = manifest();
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in m["keys"].as_array().unwrap() {
        if s(entry, "password").is_empty() {
            continue; // unencrypted
        }
        let file = s(entry, "file");
        checked += 1;
        match load(file, WRONG_PASSWORD) {
            Ok(_) => failures.push(format!("{file}: loads with a wrong password")),
            Err(e) => {
                if e.code() != "KEY_PASSWORD_INCORRECT" {
                    failures.push(format!("{file}: wrong password gives {} ({e})", e.code()));
                }
                failures.extend(leaks(&e, WRONG_PASSWORD).map(|l| format!("{file}: {l}")));
            }
        }
    }
    assert!(
        checked >= 40,
        "only {checked} encrypted files in the manifest"
    );
    report("wrong passwords", &failures, checked);
}

#[test]
fn the_korean_password_file_needs_the_korean_password() {
    let mut failures = Vec::new();
    for bits in [2048, 3072, 4096] {
        let file = format!("rsa{bits}/kcp-pkcs12-korean.pem");
        match load(&file, KOREAN_PASSWORD) {
            Ok(key) => {
                if key.modulus_bits() != bits {
                    failures.push(format!("{file}: {} bits", key.modulus_bits()));
                }
                if key.format().as_str() != "pkcs12-pbe-sha1-3des" {
                    failures.push(format!("{file}: format {}", key.format().as_str()));
                }
            }
            Err(e) => failures.push(format!(
                "{file}: Korean password refused: {} ({e})",
                e.code()
            )),
        }
        for wrong in ["changeit", "", "비밀번호"] {
            match load(&file, wrong) {
                Ok(_) => failures.push(format!("{file}: loads with {wrong:?}")),
                Err(e) if e.code() != "KEY_PASSWORD_INCORRECT" => failures.push(format!(
                    "{file}: password {wrong:?} gives {} ({e})",
                    e.code()
                )),
                Err(e) => failures.extend(leaks(&e, wrong).map(|l| format!("{file}: {l}"))),
            }
        }
    }
    report("Korean password", &failures, 3);
}

#[test]
fn the_same_key_in_every_format_gives_the_same_signature() {
    let m = manifest();
    let mut by_cert: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for entry in m["keys"].as_array().unwrap() {
        let first = &entry["signatures"][0];
        assert_eq!(s(first, "plaintext"), "T0000^21234567890123^STSC");
        by_cert
            .entry(s(entry, "cert"))
            .or_default()
            .push((s(entry, "file"), s(first, "signature")));
    }
    // A property of the fixtures themselves (guards the manifest against a regenerated key
    // that left stale files behind).
    for (cert, files) in by_cert {
        let (file0, sig0) = files[0];
        for (file, sig) in &files {
            assert_eq!(
                sig, &sig0,
                "{file} and {file0} (both for {cert}) hold different keys"
            );
        }
    }
}

#[test]
fn a_private_key_in_the_certificate_slot_is_named_as_such() {
    let mut failures = Vec::new();
    let files = [
        "rsa2048/pkcs1.pem",
        "rsa2048/pkcs8.pem",
        "rsa2048/kcp-pkcs12.pem",
        "rsa2048/pbes2-hmacSHA256-aes-256-cbc.pem",
        "rsa2048/variant-oneline.pem",
        "rsa2048/variant-crlf.pem",
        "rsa2048/variant-escaped.pem",
        "rsa2048/legacy-encrypted.pem",
        "hostile/ec-key.pem",
    ];
    for file in files {
        let pem = fs::read_to_string(fixtures().join(file)).expect(file);
        match Certificate::from_pem(&pem) {
            Ok(_) => failures.push(format!("{file}: accepted as a certificate")),
            Err(e) if e.code() != "CERT_IS_PRIVATE_KEY" => failures.push(format!(
                "{file}: {} ({e}), expected CERT_IS_PRIVATE_KEY",
                e.code()
            )),
            Err(_) => {}
        }
    }
    report("keys given as certificates", &failures, files.len());
}
