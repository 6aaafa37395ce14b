//! `PublicKey::verify` (our own public-key arithmetic, `src/rsa_fast/public.rs`) against the
//! verdict of the `rsa` crate's `pkcs1v15::VerifyingKey<Sha256>` (rsa 0.10, which kcp-wasm
//! verified with before), for keys of every shape `PublicKey` accepts: 1024 to 8192 bits, moduli
//! that are not a whole number of bytes, exponents 3, 65537 and 2^33 - 1.
//!
//! Inputs: valid signatures (OpenSSL's from the manifest, some with a leading zero byte, and the
//! `rsa` crate's), signatures with bits flipped, truncated, extended, prefixed with a zero,
//! the values 0, 1, n - 1, n, n + 1 and 2^(8k) - 1, random values, and signatures made by the raw
//! private-key operation on encodings that are wrong in one place (block type, padding byte,
//! separator, DigestInfo, hash, lengths). Every verdict must be `rsa`'s, and each key must see
//! both verdicts.
//!
//! Randomized: the seed is printed, and `VERIFY_SEED=<n>` replays a run.

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;
use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use kcp_wasm::PublicKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use sha2::{Digest as _, Sha256};

/// `DigestInfo` for SHA-256 (RFC 8017, 9.2, note 1), written out here rather than taken from
/// the library under test.
const DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// Every key, with how many random messages it is signed for (fewer for the slow large ones:
/// the `rsa` crate runs unoptimized in tests).
const KEYS: &[(&str, usize)] = &[
    ("hostile/rsa1024-pkcs8.pem", 6),
    ("verify/rsa1024-e3.pem", 6),
    ("rsa2048/pkcs8.pem", 6),
    ("verify/rsa2048-e3.pem", 4),
    ("verify/rsa2048-e8589934591.pem", 4),
    ("edge/rsa2049-pkcs8.pem", 4),
    ("edge/rsa2068-pkcs8.pem", 2),
    ("edge/rsa2070-pkcs8.pem", 2),
    ("edge/rsa2072-pkcs8.pem", 2),
    ("rsa3072/pkcs8.pem", 3),
    ("verify/rsa3072-e8589934591.pem", 2),
    ("edge/rsa3076-pkcs8.pem", 3),
    ("edge/rsa4095-pkcs8.pem", 2),
    ("rsa4096/pkcs8.pem", 2),
    ("verify/rsa4096-e3.pem", 2),
    ("hostile/rsa4608-pkcs8.pem", 1),
    ("verify/rsa8192.pem", 1),
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// No randomness: `rsa_decrypt` is called without blinding (test signatures only).
struct NoRng;
impl rsa::rand_core::TryRng for NoRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        unreachable!("no blinding")
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        unreachable!("no blinding")
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
        unreachable!("no blinding")
    }
}
impl rsa::rand_core::TryCryptoRng for NoRng {}

/// One key under test: ours, `rsa`'s, and what the cases need.
struct Key {
    name: String,
    private: rsa::PrivateKey,
    ours: PublicKey,
    theirs: VerifyingKey<Sha256>,
    /// The modulus, big-endian, `k` bytes.
    n: Vec<u8>,
    verdicts: [usize; 2],
}

impl Key {
    fn load(rel: &str) -> Self {
        let pem = fs::read_to_string(fixtures().join(rel)).expect("fixture");
        let private = rsa::PrivateKey::from_pkcs8_pem(&pem).expect("rsa reads the fixture");
        let public = private.to_public_key();
        let spki = public.to_public_key_der().expect("encodes");
        let ours = PublicKey::from_der(spki.as_bytes()).expect("PublicKey takes what rsa takes");
        let n = public.n().to_be_bytes();
        let n = n[n.iter().position(|&b| b != 0).unwrap()..].to_vec();
        assert_eq!(
            ours.modulus_bits(),
            public.n().bit_width() as usize,
            "{rel}"
        );
        Key {
            name: rel.to_string(),
            theirs: VerifyingKey::new(public),
            private,
            ours,
            n,
            verdicts: [0, 0],
        }
    }

    fn k(&self) -> usize {
        self.n.len()
    }

    /// Both verdicts, which must agree; the verdict.
    fn check(&mut self, what: &str, message: &[u8], signature: &[u8]) -> bool {
        let theirs =
            Signature::try_from(signature).is_ok_and(|s| self.theirs.verify(message, &s).is_ok());
        let ours = self.ours.verify(message, signature);
        assert_eq!(
            ours,
            theirs,
            "{}: {what}: ours {ours}, rsa {theirs} (signature of {} bytes, k = {})",
            self.name,
            signature.len(),
            self.k()
        );
        self.verdicts[ours as usize] += 1;
        ours
    }

    /// The raw private-key operation on `em` (big-endian, below n), as `k` bytes.
    fn raw_sign(&self, em: &[u8]) -> Option<Vec<u8>> {
        let precision = self.private.n_bits_precision();
        let c = rsa::BoxedUint::from_be_slice(em, precision).ok()?;
        let s = rsa::hazmat::rsa_decrypt::<NoRng>(None, &self.private, &c).ok()?;
        let s = s.to_be_bytes();
        Some(s[s.len() - self.k()..].to_vec())
    }

    /// `0x00 01 FF… 00 || DigestInfo || SHA-256(message)`, `k` bytes.
    fn encoding(&self, message: &[u8]) -> Vec<u8> {
        let k = self.k();
        let mut em = vec![0xff; k];
        em[0] = 0;
        em[1] = 1;
        let t = k - DIGEST_INFO.len() - 32;
        em[t - 1] = 0;
        em[t..t + DIGEST_INFO.len()].copy_from_slice(&DIGEST_INFO);
        em[k - 32..].copy_from_slice(&Sha256::digest(message));
        em
    }
}

/// `x + d` (`d` in -1..=1) for a big-endian `x`, keeping its length (tests: n ± 1).
fn add_small(x: &[u8], d: i32) -> Vec<u8> {
    let mut out = x.to_vec();
    for byte in out.iter_mut().rev() {
        let (v, carry) = if d > 0 {
            byte.overflowing_add(1)
        } else {
            byte.overflowing_sub(1)
        };
        *byte = v;
        if !carry {
            break;
        }
    }
    out
}

/// `a + b` for big-endian numbers of the same length, if it fits that length.
fn add(a: &[u8], b: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0; a.len()];
    let mut carry = 0u16;
    for i in (0..a.len()).rev() {
        let v = a[i] as u16 + b[i] as u16 + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    (carry == 0).then_some(out)
}

#[test]
fn verify_gives_the_rsa_crates_verdict() {
    let mut rng = Rng::new("VERIFY_SEED", "verify_gives_the_rsa_crates_verdict");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixtures().join("manifest.json")).unwrap())
            .unwrap();
    for &(rel, messages) in KEYS {
        let mut key = Key::load(rel);
        let k = key.k();

        // OpenSSL's signatures from the manifest (the edge keys' include leading zero bytes).
        for entry in manifest["keys"].as_array().unwrap() {
            if entry["file"] != rel {
                continue;
            }
            for sig in entry["signatures"].as_array().unwrap() {
                let message = sig["plaintext"].as_str().unwrap().as_bytes();
                let s = base64::engine::general_purpose::STANDARD
                    .decode(sig["signature"].as_str().unwrap())
                    .unwrap();
                assert!(key.check("OpenSSL's signature", message, &s));
                if s[0] == 0 {
                    assert!(!key.check("leading zero dropped", message, &s[1..]));
                }
                let mut prefixed = vec![0];
                prefixed.extend_from_slice(&s);
                assert!(!key.check("zero prepended", message, &prefixed));
            }
        }

        let signer = SigningKey::<Sha256>::new(key.private.clone());
        for _ in 0..messages {
            let len = rng.below(100);
            let message = rng.bytes(len);
            let s = signer.sign(&message).to_vec();
            assert_eq!(s.len(), k);
            assert!(key.check("rsa's signature", &message, &s));
            let mut other = message.clone();
            other.push(b'x');
            assert!(!key.check("another message", &other, &s));

            // Damaged signatures.
            for _ in 0..4 {
                let mut bad = s.clone();
                let bit = rng.below(8 * k);
                bad[bit / 8] ^= 1 << (bit % 8);
                key.check("a bit flipped", &message, &bad);
            }
            for (i, mask) in [(0, 0x80), (0, 0x01), (k - 1, 0x01)] {
                let mut bad = s.clone();
                bad[i] ^= mask;
                key.check("an end bit flipped", &message, &bad);
            }
            key.check("last byte dropped", &message, &s[..k - 1]);
            key.check("first byte dropped", &message, &s[1..]);
            let mut longer = s.clone();
            longer.push(0);
            key.check("a byte appended", &message, &longer);
            key.check("empty", &message, &[]);
            // s + n opens to the same encoding: refused because it is not below n.
            if let Some(plus_n) = add(&s, &key.n) {
                assert!(!key.check("signature + n", &message, &plus_n));
            }

            // The raw operation on encodings that are wrong in one place.
            let em = key.encoding(&message);
            let t = k - DIGEST_INFO.len() - 32; // where DigestInfo starts
            let mut variants: Vec<(&str, Vec<u8>)> = vec![("the right encoding", em.clone())];
            let mut v = em.clone();
            v[1] = 2;
            variants.push(("block type 2", v));
            let mut v = em.clone();
            v[1] = 0;
            variants.push(("block type 0", v));
            let mut v = em.clone();
            v[2 + rng.below(t - 3)] = 0xfe;
            variants.push(("a padding byte 0xfe", v));
            let mut v = em.clone();
            v[t - 1] = 0xff;
            variants.push(("no separator", v));
            let mut v = em.clone();
            v[2..t - 1].fill(0);
            variants.push(("zero padding", v));
            let mut v = em.clone();
            v[t + rng.below(DIGEST_INFO.len())] ^= 1 << rng.below(8);
            variants.push(("DigestInfo damaged", v));
            let mut v = em.clone();
            v[k - 1 - rng.below(32)] ^= 1 << rng.below(8);
            variants.push(("hash damaged", v));
            // T one byte further left, one byte of garbage after the hash (PS one shorter).
            let mut v = em.clone();
            v.copy_within(t - 1.., t - 2);
            v[k - 1] = 0;
            variants.push(("padding one byte short, trailing byte", v));
            // DigestInfo without the NULL parameters (PS two bytes longer).
            let mut v = em.clone();
            let mut short_info = vec![0x30, 0x2f, 0x30, 0x0b];
            short_info.extend_from_slice(&DIGEST_INFO[4..15]);
            short_info.extend_from_slice(&[0x04, 0x20]);
            v[2..k - 32 - short_info.len() - 1].fill(0xff);
            v[k - 32 - short_info.len() - 1] = 0;
            v[k - 32 - short_info.len()..k - 32].copy_from_slice(&short_info);
            variants.push(("DigestInfo without NULL", v));
            for (what, v) in variants {
                let s = key.raw_sign(&v).expect("below n");
                let ok = key.check(what, &message, &s);
                assert_eq!(ok, what == "the right encoding", "{}: {what}", key.name);
            }
        }

        // Values at and around the bounds, and random ones.
        let message = b"T0000^21234567890123^STSC";
        let mut one = vec![0; k];
        one[k - 1] = 1;
        for (what, s) in [
            ("0", vec![0; k]),
            ("1", one),
            ("n - 1", add_small(&key.n, -1)),
            ("n", key.n.clone()),
            ("n + 1", add_small(&key.n, 1)),
            ("2^(8k) - 1", vec![0xff; k]),
        ] {
            assert!(!key.check(what, message, &s));
        }
        for _ in 0..8 {
            let s = rng.bytes(k);
            key.check("random", message, &s);
        }
        let [refused, accepted] = key.verdicts;
        eprintln!("{rel}: {accepted} accepted, {refused} refused, all as rsa");
        assert!(accepted > 0 && refused > 0);
    }
}
