//! An RSA public key that verifies `kcp_sign_data`-style signatures.

use crate::error::{Error, Result};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts as _;
use sha2::Sha256;

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
    key: rsa::PublicKey,
}

impl PublicKey {
    /// Reads a DER `SubjectPublicKeyInfo` holding an RSA key.
    pub fn from_der(spki_der: &[u8]) -> Result<Self> {
        let key = rsa::PublicKey::from_public_key_der(spki_der)
            .map_err(|_| Error::KeyMalformed("not an RSA SubjectPublicKeyInfo"))?;
        Ok(Self { key })
    }

    /// The key with modulus `n` and exponent `e` (big-endian), if `rsa` accepts them.
    pub(crate) fn from_n_e(n: &[u8], e: &[u8]) -> Option<Self> {
        let n = rsa::BoxedUint::from_be_slice_vartime(n);
        let e = rsa::BoxedUint::from_be_slice_vartime(e);
        rsa::PublicKey::new(n, e).ok().map(|key| Self { key })
    }

    /// The modulus size in bits.
    pub fn modulus_bits(&self) -> usize {
        self.key.n().bit_width() as usize
    }

    /// Whether `signature` is a valid SHA256withRSA (PKCS#1 v1.5) signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = Signature::try_from(signature) else {
            return false;
        };
        VerifyingKey::<Sha256>::new(self.key.clone())
            .verify(message, &signature)
            .is_ok()
    }

    /// Whether two keys are the same key.
    pub(crate) fn same_as(&self, other: &PublicKey) -> bool {
        self.key == other.key
    }
}
