//! Project Wycheproof RSASSA-PKCS1-v1_5 vectors (copies in `tests/fixtures/wycheproof/`, see its
//! README): signature generation with the SHA-256 groups (byte for byte), and SHA-256
//! signature verification (`valid` verifies, `invalid` is rejected, `acceptable` is counted).

use std::fs;
use std::path::PathBuf;

use kcp_wasm::{MerchantKey, PublicKey};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wycheproof")
        .join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("Wycheproof file is JSON")
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` missing"))
}

fn unhex(v: &Value, field: &str) -> Vec<u8> {
    hex::decode(s(v, field)).expect("hex")
}

#[derive(Default)]
struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
    acceptable_as_valid: usize,
    skipped_groups: usize,
}

#[test]
fn signature_generation_matches_wycheproof() {
    let mut failures = Vec::new();
    let mut notes = Vec::new();
    for bits in [2048, 3072, 4096] {
        let name = format!("rsa_pkcs1_{bits}_sig_gen_test.json");
        let file = vectors(&name);
        let mut c = Counts::default();
        for group in file["testGroups"].as_array().unwrap() {
            if s(group, "sha") != "SHA-256" {
                c.skipped_groups += 1;
                continue;
            }
            // (The e = 3 groups use unbalanced primes, 1364 + 684 bits for the 2048-bit key;
            // `rsa` refuses those, so they are counted as notes, not failures: `acceptable`.)
            let e = s(&group["privateKey"], "publicExponent").to_string();
            let key = match MerchantKey::from_der(&unhex(group, "privateKeyPkcs8"), "") {
                Ok(key) => key,
                Err(err) => {
                    for t in group["tests"].as_array().unwrap() {
                        let id = &t["tcId"];
                        match s(t, "result") {
                            "valid" => failures.push(format!(
                                "{name} tcId {id}: key (e = 0x{e}) refused: {} ({err})",
                                err.code()
                            )),
                            _ => {
                                c.acceptable += 1;
                                notes.push(format!(
                                    "{name} tcId {id} ({}): key (e = 0x{e}) refused: {}",
                                    s(t, "result"),
                                    err.code()
                                ));
                            }
                        }
                    }
                    continue;
                }
            };
            let key_bits = group["keySize"].as_u64().unwrap() as usize;
            if key.modulus_bits() != key_bits {
                failures.push(format!(
                    "{name}: modulus_bits {} != {key_bits}",
                    key.modulus_bits()
                ));
            }
            for t in group["tests"].as_array().unwrap() {
                let id = &t["tcId"];
                let got = match key.sign_bytes(&unhex(t, "msg")) {
                    Ok(sig) => sig,
                    Err(err) => {
                        let msg = format!(
                            "{name} tcId {id}: sign_bytes failed: {} ({err})",
                            err.code()
                        );
                        if s(t, "result") == "valid" {
                            failures.push(msg);
                        } else {
                            c.acceptable += 1;
                            notes.push(msg);
                        }
                        continue;
                    }
                };
                let same = got == unhex(t, "sig");
                match s(t, "result") {
                    "valid" => {
                        c.valid += 1;
                        if !same {
                            failures.push(format!("{name} tcId {id}: signature differs"));
                        }
                        if !key.public_key().verify(&unhex(t, "msg"), &got) {
                            failures
                                .push(format!("{name} tcId {id}: own signature does not verify"));
                        }
                    }
                    other => {
                        c.acceptable += 1;
                        if same {
                            c.acceptable_as_valid += 1;
                        } else {
                            notes.push(format!(
                                "{name} tcId {id} ({other}, e = 0x{e}): signature differs"
                            ));
                        }
                    }
                }
            }
        }
        println!(
            "{name}: {} valid signed exactly, {} acceptable ({} reproduced), {} non-SHA-256 groups skipped",
            c.valid, c.acceptable, c.acceptable_as_valid, c.skipped_groups
        );
        assert!(c.valid >= 8, "{name}: only {} valid SHA-256 cases", c.valid);
    }
    for n in &notes {
        println!("  note: {n}");
    }
    assert_no_failures(&failures);
}

#[test]
fn signature_verification_matches_wycheproof() {
    let mut failures = Vec::new();
    for bits in [2048, 3072, 4096] {
        let name = format!("rsa_signature_{bits}_sha256_test.json");
        let file = vectors(&name);
        let mut c = Counts::default();
        let mut acceptable_verified = Vec::new();
        for group in file["testGroups"].as_array().unwrap() {
            assert_eq!(s(group, "sha"), "SHA-256");
            let key = match PublicKey::from_der(&unhex(group, "publicKeyDer")) {
                Ok(key) => Some(key),
                Err(err) => {
                    failures.push(format!(
                        "{name}: public key refused: {} ({err})",
                        err.code()
                    ));
                    None
                }
            };
            for t in group["tests"].as_array().unwrap() {
                let id = &t["tcId"];
                let ok = key
                    .as_ref()
                    .is_some_and(|k| k.verify(&unhex(t, "msg"), &unhex(t, "sig")));
                match s(t, "result") {
                    "valid" => {
                        c.valid += 1;
                        if !ok {
                            failures.push(format!(
                                "{name} tcId {id} (valid): rejected ({})",
                                s(t, "comment")
                            ));
                        }
                    }
                    "invalid" => {
                        c.invalid += 1;
                        if ok {
                            failures.push(format!(
                                "{name} tcId {id} (invalid: {} {:?}): accepted",
                                s(t, "comment"),
                                t["flags"]
                            ));
                        }
                    }
                    _ => {
                        c.acceptable += 1;
                        if ok {
                            c.acceptable_as_valid += 1;
                            acceptable_verified.push(format!("{id} {:?}", t["flags"]));
                        }
                    }
                }
            }
        }
        println!(
            "{name}: {} valid verified, {} invalid rejected, {} acceptable ({} verified: {:?})",
            c.valid, c.invalid, c.acceptable, c.acceptable_as_valid, acceptable_verified
        );
        assert!(c.valid >= 7 && c.invalid >= 200, "{name}: too few cases");
    }
    assert_no_failures(&failures);
}

/// Prints every failure, then fails the test if there was any.
fn assert_no_failures(failures: &[String]) {
    for f in failures {
        println!("  FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
