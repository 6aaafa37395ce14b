//! Finds secrets in text, whatever the encoding they leaked in.
//!
//! Secrets are registered as exact strings (a password, a signature) and as byte strings (key
//! material): any 16-byte run of those bytes is found when the text holds it as base64 (any
//! alignment, padded or not, standard or URL-safe alphabet), as hex (either case), as a Rust
//! `Debug` byte list (`[48, 130, …]`) or raw. Used by tests/secrets.rs and tests/properties.rs.

#![allow(dead_code)]

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use base64::Engine as _;

/// The length of a run of key material that counts as a leak.
pub const RUN: usize = 16;

#[derive(Default)]
pub struct Secrets {
    strings: Vec<(String, String)>,
    windows: HashSet<[u8; RUN]>,
    labels: Vec<String>,
}

impl Secrets {
    pub fn new() -> Self {
        Self::default()
    }

    /// A string that must never appear verbatim.
    pub fn add_string(&mut self, label: &str, secret: &str) {
        assert!(!secret.is_empty());
        self.strings.push((label.to_string(), secret.to_string()));
    }

    /// Bytes of which no 16-byte run may appear, in any encoding.
    pub fn add_bytes(&mut self, label: &str, bytes: &[u8]) {
        assert!(bytes.len() >= RUN, "{label}: shorter than {RUN} bytes");
        for w in bytes.windows(RUN) {
            self.windows.insert(w.try_into().unwrap());
        }
        self.labels.push(label.to_string());
    }

    pub fn window_count(&self) -> usize {
        self.windows.len()
    }

    fn bytes_leak(&self, bytes: &[u8]) -> bool {
        bytes
            .windows(RUN)
            .any(|w| self.windows.contains(<&[u8; RUN]>::try_from(w).unwrap()))
    }

    /// What leaked into `text`, if anything.
    pub fn find(&self, text: &str) -> Option<String> {
        for (label, s) in &self.strings {
            if text.contains(s.as_str()) {
                return Some(format!("{label} (verbatim)"));
            }
        }
        if self.windows.is_empty() {
            return None;
        }
        if self.bytes_leak(text.as_bytes()) {
            return Some("key material (raw bytes)".into());
        }
        for run in runs(
            text,
            |c| c.is_ascii_alphanumeric() || "+/-_".contains(c),
            21,
        ) {
            let standard: String = run
                .chars()
                .map(|c| match c {
                    '-' => '+',
                    '_' => '/',
                    c => c,
                })
                .collect();
            for skip in 0..4 {
                let Some(chunk) = standard.get(skip..) else {
                    continue;
                };
                let len = chunk.len() - chunk.len() % 4;
                let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
                if engine
                    .decode(&chunk[..len])
                    .is_ok_and(|bytes| self.bytes_leak(&bytes))
                {
                    return Some("key material (base64)".into());
                }
            }
        }
        for run in runs(text, |c| c.is_ascii_hexdigit(), 2 * RUN) {
            for skip in 0..2 {
                let chunk = &run[skip..];
                let chunk = &chunk[..chunk.len() - chunk.len() % 2];
                if hex::decode(chunk).is_ok_and(|bytes| self.bytes_leak(&bytes)) {
                    return Some("key material (hex)".into());
                }
            }
        }
        // `[48, 130, 4, …]`: how a derived Debug prints a Vec<u8>.
        let mut list = Vec::new();
        for token in text.split(|c: char| !c.is_ascii_digit()) {
            match token.parse::<u16>() {
                Ok(n) if n <= 255 && !token.is_empty() => list.push(n as u8),
                _ if token.is_empty() => {}
                _ => {
                    if self.bytes_leak(&list) {
                        return Some("key material (byte list)".into());
                    }
                    list.clear();
                }
            }
        }
        if self.bytes_leak(&list) {
            return Some("key material (byte list)".into());
        }
        None
    }
}

/// Maximal runs of characters matching `keep`, at least `min` long.
fn runs(text: &str, keep: impl Fn(char) -> bool, min: usize) -> Vec<&str> {
    text.split(|c: char| !keep(c))
        .filter(|r| r.len() >= min)
        .collect()
}

/// Reads one DER TLV: (tag, header length, value length).
fn tlv(der: &[u8]) -> (u8, usize, usize) {
    let tag = der[0];
    let first = der[1] as usize;
    if first < 0x80 {
        return (tag, 2, first);
    }
    let n = first & 0x7f;
    let len = der[2..2 + n]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | b as usize);
    (tag, 2 + n, len)
}

/// The secret part of an unencrypted RSA key, PKCS#8 or PKCS#1: everything of its
/// `RSAPrivateKey` from the private exponent `d` on (d, p, q, dP, dQ, qInv). The modulus and
/// public exponent are left out: they are public, and the certificate in every request body
/// holds them.
pub fn private_part(der: &[u8]) -> &[u8] {
    let (tag, h, _) = tlv(der);
    assert_eq!(tag, 0x30);
    let mut at = h;
    let (_, vh, vl) = tlv(&der[at..]); // version
    let (second, _, _) = tlv(&der[at + vh + vl..]);
    if second == 0x30 {
        // PrivateKeyInfo: SEQUENCE { INTEGER version, SEQUENCE alg, OCTET STRING { RSAPrivateKey } }
        at += vh + vl;
        let (_, h, l) = tlv(&der[at..]);
        at += h + l;
        let (tag, h, _) = tlv(&der[at..]);
        assert_eq!(tag, 0x04, "PrivateKeyInfo's key is an OCTET STRING");
        at += h;
        let (tag, h, _) = tlv(&der[at..]);
        assert_eq!(tag, 0x30);
        at += h;
    }
    // RSAPrivateKey: SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv }
    for _ in 0..3 {
        let (_, h, l) = tlv(&der[at..]);
        at += h + l;
    }
    let (tag, _, _) = tlv(&der[at..]);
    assert_eq!(tag, 0x02, "d is an INTEGER");
    &der[at..]
}

/// The password as PKCS#12 hashes it: UTF-16BE with a NUL terminator.
pub fn bmp(password: &str) -> Vec<u8> {
    let mut out: Vec<u8> = password.encode_utf16().flat_map(u16::to_be_bytes).collect();
    out.extend([0, 0]);
    out
}

/// The secret half of the KCP test key, decrypted by OpenSSL (None when OpenSSL is missing).
pub fn kcp_private_der(fixtures: &Path) -> Option<Vec<u8>> {
    let out = Command::new("openssl")
        .args(["pkcs8", "-in"])
        .arg(fixtures.join("kcp/splPrikeyPKCS8.pem"))
        .args(["-passin", "pass:changeit", "-outform", "DER"])
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}
