//! An RSA public key that verifies `kcp_sign_data`-style signatures.
//!
//! Loading a key or a certificate only reads and checks the modulus and exponent; the Montgomery
//! set-up modulo `n` (`rsa_fast`'s public operation) is made the first time a signature is
//! verified with this key. Reading a key and pairing it with its certificate, what every client
//! construction does on a cold start, runs no arithmetic.
//!
//! Verification is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017, 8.2.2) on our own public-key
//! arithmetic, in variable time (every value is public). It gives the verdict of the `rsa`
//! crate's `pkcs1v15::VerifyingKey<Sha256>` for every input (tests/verify.rs checks it against
//! `rsa` 0.10), which kcp-wasm used before: the `rsa` crate and crypto-bigint made up 25 KB of
//! the gzipped wasm (177.1 KB before, 152.0 KB after) for this one function.

use std::sync::OnceLock;

use crate::asn1::{bit_length, strip_zeros};
use crate::error::{Error, Result};
use crate::rsa_fast::{PublicOp, encode_pkcs1v15_sha256};
use pkcs8::der::asn1::UintRef;
use pkcs8::der::{self, Decode as _, DecodeValue, Header, Reader, Sequence};
use pkcs8::spki;

/// OID 1.2.840.113549.1.1.1, rsaEncryption.
const RSA_ENCRYPTION: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// OID 1.2.840.113549.1.1.10, id-RSASSA-PSS (which `rsa` also reads as a plain RSA key).
const RSASSA_PSS: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

// The keys `rsa::PublicKey::new` accepts in rsa 0.10.0 (src/public_key.rs), which kcp-wasm
// verified with before it had its own arithmetic; kept so that exactly the same keys are accepted
// and refused (tests compare against `rsa`'s constants and constructor).
/// The smallest modulus, in bits: `rsa::PublicKey::MIN_SIZE`.
const MIN_BITS: usize = 1024;
/// The largest modulus, in bits: `rsa::PublicKey::MAX_SIZE`.
const MAX_BITS: usize = 8192;
/// The exponents: odd, from 3 (`MIN_PUB_EXPONENT` is 2, and 2 is even) to
/// `MAX_PUB_EXPONENT` = 2^33 - 1, i.e. at most 33 bits.
const MAX_EXPONENT_BITS: usize = 33;

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017, A.1.1),
/// read as `pkcs1::RsaPublicKeyRef` (which `rsa` used) reads it: two DER INTEGERs, nothing after.
struct RsaPublicKeyRef<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

impl<'a> DecodeValue<'a> for RsaPublicKeyRef<'a> {
    type Error = der::Error;
    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        Ok(Self {
            modulus: reader.decode()?,
            public_exponent: reader.decode()?,
        })
    }
}

impl<'a> Sequence<'a> for RsaPublicKeyRef<'a> {}

/// An RSA public key, for verifying SHA256withRSA (PKCS#1 v1.5) signatures.
///
/// ```
/// # let pem = include_str!("../tests/fixtures/kcp/splPrikeyPKCS8.pem");
/// let key = kcp_wasm::MerchantKey::from_pem(pem, "changeit")?;
/// let signature = key.sign_bytes(b"T0000^21234567890123^STSC")?;
/// assert!(key.public_key().verify(b"T0000^21234567890123^STSC", &signature));
/// assert!(!key.public_key().verify(b"T0000^21234567890123^STPC", &signature));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PublicKey {
    /// The modulus, big-endian, without leading zeros.
    n: Vec<u8>,
    /// The public exponent, big-endian, without leading zeros.
    e: Vec<u8>,
    /// The same as a number (at most 33 bits).
    exponent: u64,
    /// Montgomery arithmetic modulo `n`, set up at the first verification.
    op: OnceLock<PublicOp>,
}

impl PublicKey {
    /// Reads a DER `SubjectPublicKeyInfo` holding an RSA key.
    pub fn from_der(spki_der: &[u8]) -> Result<Self> {
        const MALFORMED: Error = Error::KeyMalformed("not an RSA SubjectPublicKeyInfo");
        // What `rsa::PublicKey::from_public_key_der` (rsa 0.10) reads.
        let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| MALFORMED)?;
        let algorithm = &info.algorithm;
        let params_ok = if algorithm.oid == RSA_ENCRYPTION {
            matches!(algorithm.parameters_any(), Ok(p) if p == der::asn1::Null.into())
        } else if algorithm.oid == RSASSA_PSS {
            algorithm.parameters.is_none()
        } else {
            false
        };
        if !params_ok {
            return Err(MALFORMED);
        }
        let bits = info.subject_public_key.as_bytes().ok_or(MALFORMED)?;
        let key = RsaPublicKeyRef::from_der(bits).map_err(|_| MALFORMED)?;
        Self::from_n_e(key.modulus.as_bytes(), key.public_exponent.as_bytes()).ok_or(MALFORMED)
    }

    /// The key with modulus `n` and exponent `e` (big-endian), if `rsa::PublicKey::new` would
    /// accept them: the same checks, on the bytes.
    pub(crate) fn from_n_e(n: &[u8], e: &[u8]) -> Option<Self> {
        let (n, e) = (strip_zeros(n), strip_zeros(e));
        let n_bits = bit_length(n);
        let odd = |x: &[u8]| x.last().is_some_and(|b| b & 1 == 1);
        let e_below_n = e.len() < n.len() || (e.len() == n.len() && e < n);
        let ok = (MIN_BITS..=MAX_BITS).contains(&n_bits)
            && odd(n)
            && odd(e)
            && e_below_n
            && e != [1]
            && bit_length(e) <= MAX_EXPONENT_BITS;
        ok.then(|| Self {
            n: n.to_vec(),
            e: e.to_vec(),
            exponent: e.iter().fold(0, |acc, &b| (acc << 8) | u64::from(b)),
            op: OnceLock::new(),
        })
    }

    /// The modulus size in bits.
    pub fn modulus_bits(&self) -> usize {
        bit_length(&self.n)
    }

    /// Arithmetic modulo `n`, set up at the first call.
    fn op(&self) -> Option<&PublicOp> {
        if let Some(op) = self.op.get() {
            return Some(op);
        }
        // Cannot fail: from_n_e checked that n is odd and at least 1024 bits.
        let op = PublicOp::new(&self.n)?;
        Some(self.op.get_or_init(|| op))
    }

    /// Whether `signature` is a valid SHA256withRSA (PKCS#1 v1.5) signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        // RFC 8017, 8.2.2, steps 1 and 2.a–b: exactly the modulus' length, and below n (big-endian
        // byte strings of equal length compare as the numbers do).
        let k = self.n.len();
        if signature.len() != k || signature >= self.n.as_slice() {
            return false;
        }
        // Steps 3 and 4: the one encoding a valid signature opens to, compared whole: the
        // padding, the DigestInfo and the hash (what `rsa`'s `pkcs1v15_sign_unpad` checks).
        let (Some(op), Some(em)) = (self.op(), encode_pkcs1v15_sha256(message, k)) else {
            return false;
        };
        op.pow(signature, self.exponent) == Some(em)
    }

    /// Whether two keys are the same key: the same modulus and exponent, compared as bytes.
    pub(crate) fn same_as(&self, other: &PublicKey) -> bool {
        self.n == other.n && self.e == other.e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::DecodePublicKey as _;
    use rsa::traits::PublicKeyParts as _;

    #[test]
    fn the_bounds_are_rsa_s() {
        assert_eq!(MIN_BITS, rsa::PublicKey::MIN_SIZE);
        assert_eq!(MAX_BITS, rsa::PublicKey::MAX_SIZE);
        assert_eq!(rsa::PublicKey::MIN_PUB_EXPONENT, 2);
        assert_eq!(
            rsa::PublicKey::MAX_PUB_EXPONENT,
            (1 << MAX_EXPONENT_BITS) - 1
        );
    }

    /// The SPKI of KCP's test certificate, and variants of it.
    fn kcp_spki() -> Vec<u8> {
        let pem = include_str!("../tests/fixtures/kcp/splCert.pem");
        let cert = crate::Certificate::from_pem(pem).unwrap();
        let key = cert.public_key();
        let rsa = rsa::PublicKey::new(
            rsa::BoxedUint::from_be_slice_vartime(&key.n),
            rsa::BoxedUint::from_be_slice_vartime(&key.e),
        )
        .unwrap();
        use rsa::pkcs8::EncodePublicKey as _;
        rsa.to_public_key_der().unwrap().as_bytes().to_vec()
    }

    #[test]
    fn from_n_e_accepts_what_rsa_accepts() {
        let spki = kcp_spki();
        let reference = rsa::PublicKey::from_public_key_der(&spki).unwrap();
        let n = reference.n().to_be_bytes();
        let odd_n = n.to_vec();
        // Exponents and moduli on both sides of every bound rsa::PublicKey::new checks.
        let mut short = vec![0u8; 127];
        short[0] = 0x80;
        short[126] = 1; // 1016 bits
        let mut min = vec![0u8; 128];
        min[0] = 0x80;
        min[127] = 1; // 1024 bits
        let mut max = vec![0u8; 1024];
        max[0] = 0x80;
        max[1023] = 1; // 8192 bits
        let mut long = vec![0u8; 1025];
        long[0] = 1;
        long[1024] = 1; // 8193 bits
        let mut even = odd_n.clone();
        *even.last_mut().unwrap() &= 0xfe;
        let cases: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (odd_n.clone(), vec![1, 0, 1]),
            (odd_n.clone(), vec![3]),
            (odd_n.clone(), vec![1]),
            (odd_n.clone(), vec![2]),
            (odd_n.clone(), vec![]),
            (odd_n.clone(), vec![1, 0xff, 0xff, 0xff, 0xff]), // 2^33 - 1
            (odd_n.clone(), vec![2, 0, 0, 0, 1]),             // 2^33 + 1
            (odd_n.clone(), vec![0, 0, 1, 0, 1]),
            (even, vec![1, 0, 1]),
            (short, vec![3]),
            (min.clone(), vec![3]),
            (max.clone(), vec![1, 0, 1]),
            (max, vec![1, 0xff, 0xff, 0xff, 0xff]),
            (long, vec![3]),
            (vec![0, 0, 0], vec![3]),
            (vec![3], vec![3]),
        ];
        for (n, e) in cases {
            let ours = PublicKey::from_n_e(&n, &e).is_some();
            let theirs = rsa::PublicKey::new(
                rsa::BoxedUint::from_be_slice_vartime(&n),
                rsa::BoxedUint::from_be_slice_vartime(&e),
            )
            .is_ok();
            assert_eq!(
                ours,
                theirs,
                "n = {:02x?}…, e = {e:02x?}",
                &n[..n.len().min(4)]
            );
        }
    }

    #[test]
    fn from_der_reads_what_rsa_reads() {
        let spki = kcp_spki();
        let ours = PublicKey::from_der(&spki).unwrap();
        let theirs = rsa::PublicKey::from_public_key_der(&spki).unwrap();
        assert_eq!(ours.n, strip_zeros(&theirs.n().to_be_bytes()));
        assert_eq!(ours.modulus_bits(), 2048);
        // Every truncation and every single-byte change is refused or read alike by both.
        for len in 0..spki.len() {
            assert!(PublicKey::from_der(&spki[..len]).is_err());
            assert!(rsa::PublicKey::from_public_key_der(&spki[..len]).is_err());
        }
        for i in 0..spki.len().min(40) {
            let mut bad = spki.clone();
            bad[i] ^= 0x01;
            let ours = PublicKey::from_der(&bad).ok();
            let theirs = rsa::PublicKey::from_public_key_der(&bad).ok();
            assert_eq!(ours.is_some(), theirs.is_some(), "byte {i}");
            if let (Some(o), Some(t)) = (ours, theirs) {
                assert_eq!(o.n, strip_zeros(&t.n().to_be_bytes()));
            }
        }
    }

    #[test]
    fn the_modulus_is_set_up_at_the_first_verification_only() {
        let pem = include_str!("../tests/fixtures/kcp/splPrikeyPKCS8.pem");
        let key = crate::MerchantKey::from_pem(pem, "changeit").unwrap();
        let public = key.public_key();
        assert!(public.op.get().is_none());
        let signature = key.sign_bytes(b"abc").unwrap();
        assert!(public.verify(b"abc", &signature));
        assert!(public.op.get().is_some());
        assert!(public.verify(b"abc", &signature));
        assert!(!public.verify(b"abd", &signature));
    }
}
