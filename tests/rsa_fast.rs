//! `src/rsa_fast` (the fixed-size Montgomery CRT private-key operation that signs
//! `kcp_sign_data`) against two references: the `rsa` crate's own signing (deterministic
//! PKCS#1 v1.5, no blinding) and OpenSSL's signatures in `tests/fixtures/manifest.json`.
//!
//! Randomized: every run draws new messages and ciphertexts (the seed is printed, and
//! `RSA_FAST_SEED=<n>` replays a run). Sizes are kept small because debug builds are slow.

#[path = "support/rng.rs"]
mod rng;
#[path = "support/rsa_values.rs"]
mod rsa_values;

use rng::Rng;
use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use kcp_wasm::MerchantKey;
use kcp_wasm::rsa_fast::CrtKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa::traits::PublicKeyParts as _;
use rsa_values::{crt_key_of, values_of};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The unencrypted PKCS#8 of each generated size, and how many random messages it signs.
const KEYS: &[(&str, usize)] = &[
    ("rsa2048/pkcs8.pem", 12),
    ("rsa3072/pkcs8.pem", 5),
    ("rsa4096/pkcs8.pem", 3),
];

fn load(rel: &str) -> (rsa::PrivateKey, MerchantKey) {
    let pem = fs::read_to_string(fixtures().join(rel)).expect("fixture");
    let reference = rsa::PrivateKey::from_pkcs8_pem(&pem).expect("rsa reads the fixture");
    let key = MerchantKey::from_pem(&pem, "").expect("kcp-wasm reads the fixture");
    (reference, key)
}

#[test]
fn random_messages_sign_exactly_like_the_rsa_crate() {
    let mut rng = Rng::new(
        "RSA_FAST_SEED",
        "random_messages_sign_exactly_like_the_rsa_crate",
    );
    for &(rel, count) in KEYS {
        let (reference, key) = load(rel);
        assert!(
            crt_key_of(&reference).is_some(),
            "{rel}: rsa_fast must handle this key"
        );
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(reference);
        for i in 0..count {
            let len = (rng.next() % 300) as usize;
            let message = rng.bytes(len);
            let expected = signer.sign(&message).to_vec();
            let got = key.sign_bytes(&message).expect("signs");
            assert_eq!(
                got, expected,
                "{rel}: message #{i} ({len} bytes) differs from the rsa crate"
            );
        }
    }
}

#[test]
fn every_manifest_signature_is_reproduced() {
    // OpenSSL's signatures for every key file (all formats, all sizes, KCP's own test key).
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixtures().join("manifest.json")).unwrap())
            .unwrap();
    let mut seen = std::collections::HashSet::new();
    let mut checked = 0;
    for entry in manifest["keys"].as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        let password = entry["password"].as_str().unwrap_or("");
        let bytes = fs::read(fixtures().join(file)).unwrap();
        // One key per size is enough here (the formats are openssl_fixtures.rs's business).
        let n = entry["bits"].as_u64().unwrap();
        if !seen.insert((n, file.starts_with("kcp/"))) {
            continue;
        }
        let key = if file.ends_with(".der") {
            MerchantKey::from_der(&bytes, password)
        } else {
            MerchantKey::from_pem(std::str::from_utf8(&bytes).unwrap(), password)
        }
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        for sig in entry["signatures"].as_array().unwrap() {
            let plaintext = sig["plaintext"].as_str().unwrap();
            let expected = base64::engine::general_purpose::STANDARD
                .decode(sig["signature"].as_str().unwrap())
                .unwrap();
            // Twice: the second signature runs with the refreshed (squared) blinding pair.
            for _ in 0..2 {
                assert_eq!(
                    key.sign_bytes(plaintext.as_bytes()).unwrap(),
                    expected,
                    "{file}: {plaintext}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} signatures checked");
}

/// Big-endian `n - k` for a small k.
fn n_minus(n: &[u8], k: u8) -> Vec<u8> {
    let mut out = n.to_vec();
    let mut borrow = k as u16;
    for b in out.iter_mut().rev() {
        let v = (*b as u16).wrapping_sub(borrow);
        *b = v as u8;
        borrow = (v >> 15) & 1;
        if borrow == 0 {
            break;
        }
    }
    out
}

fn left_pad(bytes: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len - bytes.len()];
    out.extend_from_slice(bytes);
    out
}

#[test]
fn raw_private_operation_inverts_the_public_one() {
    // c^d mod n for random and edge-case c < n (including multiples of p and q, where one CRT
    // half is zero): (c^d)^e must give c back, and the rsa crate must agree.
    let mut rng = Rng::new(
        "RSA_FAST_SEED",
        "raw_private_operation_inverts_the_public_one",
    );
    for &(rel, count) in KEYS {
        let (reference, _) = load(rel);
        let fast = crt_key_of(&reference).expect("handled");
        let n = reference.n().to_be_bytes();
        let n = &n[n.iter().position(|&b| b != 0).unwrap()..];
        let k = n.len();
        let primes = rsa::traits::PrivateKeyParts::primes(&reference);
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![0u8; k],
            left_pad(&[1], k),
            left_pad(&[2], k),
            n_minus(n, 1),
            n_minus(n, 2),
            left_pad(strip(&primes[0].to_be_bytes()), k),
            left_pad(strip(&primes[1].to_be_bytes()), k),
        ];
        for _ in 0..count {
            let mut c = rng.bytes(k);
            // Below n: the same top byte as n would sometimes be too large; one less never is.
            c[0] = (rng.next() as u8) % n[0];
            inputs.push(c);
        }
        for c in &inputs {
            let m = fast.private_op_unverified(c).expect("private op");
            assert_eq!(m.len(), k);
            let m_int = rsa::BoxedUint::from_be_slice(&m, reference.n().bits_precision()).unwrap();
            // m^65537 mod n by square-and-multiply (the fixtures' e).
            assert_eq!(
                reference
                    .e()
                    .to_be_bytes()
                    .iter()
                    .fold(0u64, |a, &b| (a << 8) | b as u64),
                65537
            );
            let mut back = m_int.clone();
            for _ in 0..16 {
                back = back.mul_mod(&back, reference.n());
            }
            let back = back.mul_mod(&m_int, reference.n());
            assert_eq!(
                left_pad(strip(&back.to_be_bytes()), k),
                *c,
                "{rel}: (c^d)^e != c for c = {}",
                hex::encode(c)
            );
        }
    }
}

fn strip(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

#[test]
fn a_fresh_key_signs_the_same_on_every_blinding() {
    // Each signature squares the blinding pair; a long run must never drift.
    let (_, key) = load("rsa2048/pkcs8.pem");
    let first = key.sign_bytes(b"T0000^21234567890123^STSC").unwrap();
    for _ in 0..10 {
        assert_eq!(key.sign_bytes(b"T0000^21234567890123^STSC").unwrap(), first);
    }
}

/// The fixture keys have p > q (OpenSSL's habit); the same key with its primes swapped has
/// p < q, so `m_q` may exceed `p` and `qInv` is another number: Garner's step must not care.
#[test]
fn swapped_primes_sign_the_same() {
    let mut rng = Rng::new("RSA_FAST_SEED", "swapped_primes_sign_the_same");
    for &(rel, _) in KEYS {
        let (reference, _) = load(rel);
        let primes = rsa::traits::PrivateKeyParts::primes(&reference);
        let swapped = rsa::PrivateKey::from_primes(
            vec![(*primes[1]).clone(), (*primes[0]).clone()],
            reference.e().clone(),
        )
        .expect("the same key, primes swapped");
        let fast = crt_key_of(&swapped).expect("handled");
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(reference.clone());
        for _ in 0..2 {
            let message = rng.bytes(40);
            let expected = signer.sign(&message).to_vec();
            assert_eq!(
                fast.sign_pkcs1v15_sha256(&message).unwrap(),
                expected,
                "{rel} with p < q"
            );
        }
    }
}

/// Fresh keys from OpenSSL (`openssl genpkey`), when it is installed: random moduli, random
/// messages, against the `rsa` crate.
#[test]
fn fresh_openssl_keys_sign_like_the_rsa_crate() {
    let mut rng = Rng::new(
        "RSA_FAST_SEED",
        "fresh_openssl_keys_sign_like_the_rsa_crate",
    );
    let sizes = [2048, 2048, 2048, 2048, 2560, 3072];
    for bits in sizes {
        let out = std::process::Command::new("openssl")
            .args(["genpkey", "-algorithm", "RSA", "-pkeyopt"])
            .arg(format!("rsa_keygen_bits:{bits}"))
            .output();
        let pem = match out {
            Ok(out) if out.status.success() => String::from_utf8(out.stdout).unwrap(),
            _ => {
                eprintln!("openssl not available: skipping fresh keys");
                return;
            }
        };
        let reference = rsa::PrivateKey::from_pkcs8_pem(&pem).expect("OpenSSL's key");
        let key = MerchantKey::from_pem(&pem, "").expect("kcp-wasm reads it");
        assert!(
            crt_key_of(&reference).is_some(),
            "{bits}-bit key not handled"
        );
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(reference);
        for _ in 0..3 {
            let len = (rng.next() % 120) as usize;
            let message = rng.bytes(len);
            assert_eq!(
                key.sign_bytes(&message).unwrap(),
                signer.sign(&message).to_vec(),
                "fresh {bits}-bit key"
            );
        }
    }
}

/// Big-endian `a + b` (no length limit).
fn add_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let len = a.len().max(b.len()) + 1;
    let mut out = vec![0u8; len];
    let mut carry = 0u16;
    for i in 0..len {
        let x = a.len().checked_sub(i + 1).map_or(0, |j| a[j]) as u16;
        let y = b.len().checked_sub(i + 1).map_or(0, |j| b[j]) as u16;
        let v = x + y + carry;
        out[len - 1 - i] = v as u8;
        carry = v >> 8;
    }
    out
}

/// Big-endian `a · b`.
fn mul_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().rev().enumerate() {
        for (j, &y) in b.iter().rev().enumerate() {
            out[i + j] += x as u32 * y as u32;
        }
        // Keep the columns small.
        let mut carry = 0u32;
        for limb in out.iter_mut() {
            let v = *limb + carry;
            *limb = v & 0xff;
            carry = v >> 8;
        }
    }
    out.iter().rev().map(|&l| l as u8).collect()
}

/// Big-endian `a − b` for `a ≥ b`.
fn sub_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = a.to_vec();
    let mut borrow = 0i16;
    for i in 0..a.len() {
        let y = b.len().checked_sub(i + 1).map_or(0, |j| b[j]) as i16;
        let v = a[a.len() - 1 - i] as i16 - y - borrow;
        out[a.len() - 1 - i] = v.rem_euclid(256) as u8;
        borrow = (v < 0) as i16;
    }
    assert_eq!(borrow, 0, "a < b");
    out
}

/// `CrtKey::from_parts` checks what the `rsa` crate checked when it rebuilt a key: every value
/// damaged on its own is refused, including the damage only one check can see (a `d` that
/// satisfies every congruence but is not below `n`; a `qInv` congruent to the right one but not
/// below `p`), and the untouched values are accepted.
#[test]
fn inconsistent_key_values_are_refused() {
    use kcp_wasm::rsa_fast::{PartsError, RsaParts};
    for &(rel, _) in KEYS {
        let (reference, _) = load(rel);
        let values = values_of(&reference).expect("two primes");
        let parts = values.parts();
        let RsaParts {
            n,
            e,
            d,
            p,
            q,
            dp,
            dq,
            qinv,
        } = parts;
        assert!(CrtKey::from_parts(&parts).is_ok(), "{rel}: the key itself");

        // Bit 1 of the last byte: odd values stay odd.
        let flip = |v: &[u8]| {
            let mut v = v.to_vec();
            *v.last_mut().unwrap() ^= 2;
            v
        };
        // φ(n) = n − p − q + 1: d + φ(n) satisfies d·e ≡ 1 modulo p−1 and q−1 but is ≥ n.
        let phi = add_be(&sub_be(&sub_be(n, p), q), &[1]);
        let d_plus_phi = add_be(d, &phi);
        let qinv_plus_p = add_be(qinv, p);
        let dp_plus = add_be(dp, &sub_be(p, &[1]));
        let e3 = [3u8];
        let damaged: Vec<(&str, Vec<u8>)> = vec![
            ("n", flip(n)),
            ("e", flip(e)),
            ("e = 3", e3.to_vec()),
            ("d", flip(d)),
            ("d + φ(n)", d_plus_phi),
            ("p", flip(p)),
            ("q", flip(q)),
            ("dP", flip(dp)),
            ("dP + p − 1", dp_plus),
            ("dQ", flip(dq)),
            ("qInv", flip(qinv)),
            ("qInv + p", qinv_plus_p),
        ];
        for (what, value) in &damaged {
            let mut bad = parts;
            match what.split(' ').next().unwrap() {
                "n" => bad.n = value,
                "e" => bad.e = value,
                "d" => bad.d = value,
                "p" => bad.p = value,
                "q" => bad.q = value,
                "dP" => bad.dp = value,
                "dQ" => bad.dq = value,
                "qInv" => bad.qinv = value,
                other => unreachable!("{other}"),
            }
            assert_eq!(
                CrtKey::from_parts(&bad).err(),
                Some(PartsError::Inconsistent),
                "{rel}: damaged {what} was accepted"
            );
        }
        // p = q (n = p²): refused even though every congruence could be made to hold.
        let p_squared = mul_be(p, p);
        let same = RsaParts {
            n: &p_squared,
            q: p,
            ..parts
        };
        assert!(CrtKey::from_parts(&same).is_err(), "{rel}: p = q");
    }
}

fn load_crt(rel: &str) -> (rsa::PrivateKey, CrtKey) {
    let pem = fs::read_to_string(fixtures().join(rel)).unwrap();
    let reference = rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap();
    let fast = crt_key_of(&reference).expect("handled");
    (reference, fast)
}

/// The moduli at the fixed sizes' limits land where they should, and sign like the reference
/// (and like OpenSSL: `tests/openssl_fixtures.rs` checks every manifest key, these included).
#[test]
fn size_boundaries_pick_the_right_arithmetic() {
    // (file, limbs per prime natively, signature check on the fixed 74-limb field)
    let cases = [
        ("edge/rsa2049-pkcs8.pem", 37, true),
        ("edge/rsa2068-pkcs8.pem", 37, true), // 1034-bit primes: the largest with 4p < 2^(28·37)
        ("edge/rsa2070-pkcs8.pem", 55, true), // 1035-bit primes; the largest n the 74-limb check takes
        ("edge/rsa2072-pkcs8.pem", 55, false), // the first n checked on the wide field
        ("rsa3072/pkcs8.pem", 55, false),
        ("edge/rsa3076-pkcs8.pem", 55, false), // 1538-bit primes: the largest in 55 limbs
        ("edge/rsa4095-pkcs8.pem", 74, false),
    ];
    for (rel, limbs, fixed) in cases {
        let (reference, fast) = load_crt(rel);
        assert_eq!(fast.shape(), (limbs, fixed), "{rel}");
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(reference);
        let message = b"T0000^21234567890123^STSC";
        assert_eq!(
            fast.sign_pkcs1v15_sha256(message).unwrap(),
            signer.sign(message).to_vec(),
            "{rel}"
        );
    }
}

/// A fault in one CRT half is caught before the signature leaves, for the moduli checked on the
/// wide field too (over 2070 bits), and the key signs again once the fault is gone.
#[test]
fn a_faulty_crt_half_is_caught_for_every_size() {
    for rel in [
        "edge/rsa2072-pkcs8.pem",
        "rsa3072/pkcs8.pem",
        "rsa4096/pkcs8.pem",
    ] {
        let (_, mut fast) = load_crt(rel);
        assert!(fast.sign_pkcs1v15_sha256(b"before").is_ok(), "{rel}");
        fast.inject_fault();
        assert_eq!(
            fast.sign_pkcs1v15_sha256(b"after").err(),
            Some(kcp_wasm::rsa_fast::SignError::KeyInconsistent),
            "{rel}"
        );
        fast.inject_fault(); // the same bit flipped back
        assert!(fast.sign_pkcs1v15_sha256(b"again").is_ok(), "{rel}");
    }
}

/// Randomness: a failing source gives `RandomUnavailable` (and no signature); the next
/// signature draws afresh. A blinding value serves `BLINDING_USES` signatures, then a new one is
/// drawn; and every signature, drawn or squared, is the deterministic PKCS#1 v1.5 one.
#[test]
fn blinding_is_redrawn_on_schedule_and_after_a_failure() {
    use kcp_wasm::rsa_fast::{BLINDING_USES, SignError};
    let (reference, fast) = load_crt("rsa2048/pkcs8.pem");
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(reference);
    let expected = signer.sign(b"m").to_vec();
    let mut draws = 0usize;
    let mut random = |bytes: &mut [u8]| -> Result<(), SignError> {
        draws += 1;
        getrandom::fill(bytes).map_err(|_| SignError::RandomUnavailable)
    };
    let uses = BLINDING_USES as usize;
    for _ in 0..2 * uses + 1 {
        assert_eq!(
            fast.sign_pkcs1v15_sha256_with_random(b"m", &mut random)
                .unwrap(),
            expected
        );
    }
    // One draw (two primes) at the first signature, after BLINDING_USES, and after 2·BLINDING_USES.
    assert_eq!(draws, 6);

    // A failed draw: no signature, and the next one starts from a fresh value.
    let fresh = load_crt("rsa2048/pkcs8.pem").1;
    let mut draws = 0usize;
    let mut calls = 0usize;
    let mut flaky = |bytes: &mut [u8]| -> Result<(), SignError> {
        calls += 1;
        if calls == 1 {
            return Err(SignError::RandomUnavailable);
        }
        draws += 1;
        getrandom::fill(bytes).map_err(|_| SignError::RandomUnavailable)
    };
    assert_eq!(
        fresh
            .sign_pkcs1v15_sha256_with_random(b"m", &mut flaky)
            .err(),
        Some(SignError::RandomUnavailable)
    );
    for _ in 0..3 {
        assert_eq!(
            fresh
                .sign_pkcs1v15_sha256_with_random(b"m", &mut flaky)
                .unwrap(),
            expected
        );
    }
    assert_eq!(draws, 2, "one fresh pair after the failure, then squaring");

    // After a fault the value is dropped and re-drawn, though its run is not over.
    let (_, mut faulty) = load_crt("rsa2048/pkcs8.pem");
    let mut draws = 0usize;
    let mut counting = |bytes: &mut [u8]| -> Result<(), SignError> {
        draws += 1;
        getrandom::fill(bytes).map_err(|_| SignError::RandomUnavailable)
    };
    faulty
        .sign_pkcs1v15_sha256_with_random(b"m", &mut counting)
        .unwrap();
    faulty.inject_fault();
    assert!(
        faulty
            .sign_pkcs1v15_sha256_with_random(b"m", &mut counting)
            .is_err()
    );
    faulty.inject_fault();
    assert_eq!(
        faulty
            .sign_pkcs1v15_sha256_with_random(b"m", &mut counting)
            .unwrap(),
        expected
    );
    assert_eq!(draws, 4, "a fresh pair after the fault");
}
