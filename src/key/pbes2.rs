//! PBES2 (RFC 8018): what modern tools write when merchants re-wrap KCP's key.
//!
//! Decryption itself is RustCrypto's `pkcs5`. This module reads the parameters first, with our
//! own DER reader, so that a hostile file is refused in microseconds — before `pkcs5` runs a KDF
//! with two billion iterations or allocates gigabytes for scrypt, and before it meets an IV of the
//! wrong length (its DES-EDE3 path slices the IV without checking it).

use super::limits::{MAX_KDF_ITERATIONS, MAX_SCRYPT_MEMORY};
use crate::asn1::{self, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE};
use crate::error::{Error, Result};
use der::Decode as _;
use zeroize::Zeroizing;

/// OID 1.2.840.113549.1.5.13 (PBES2).
pub(crate) const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
/// The PKCS#5 arc 1.2.840.113549.1.5, home of the PBES1 schemes we do not read.
pub(crate) const OID_PKCS5_ARC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const OID_PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const OID_SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
const OID_AES_PREFIX: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01];
const OID_DES_EDE3_CBC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];

const MALFORMED: Error = Error::KeyMalformed("the PBES2 parameters are not valid DER");

/// Decrypts a PBES2 `EncryptedPrivateKeyInfo` body, given its parameters' full DER (`SEQUENCE`).
pub(crate) fn decrypt(
    params_der: &[u8],
    password: &str,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    precheck(params_der)?;
    let params = pkcs5::pbes2::Parameters::from_der(params_der).map_err(|_| {
        Error::KeyFormatUnsupported(
            "this PBES2 key uses a cipher or PRF kcp-wasm does not read \
             (supported: PBKDF2 with HMAC-SHA1/224/256/384/512, AES-128/192/256-CBC, DES-EDE3-CBC)",
        )
    })?;
    if !matches!(
        params.encryption,
        pkcs5::pbes2::EncryptionScheme::Aes128Cbc { .. }
            | pkcs5::pbes2::EncryptionScheme::Aes192Cbc { .. }
            | pkcs5::pbes2::EncryptionScheme::Aes256Cbc { .. }
            | pkcs5::pbes2::EncryptionScheme::DesEde3Cbc { .. }
    ) {
        return Err(Error::KeyFormatUnsupported(
            "only CBC ciphers are read in PBES2 keys",
        ));
    }
    let block = if matches!(
        params.encryption,
        pkcs5::pbes2::EncryptionScheme::DesEde3Cbc { .. }
    ) {
        8
    } else {
        16
    };
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(block) {
        return Err(Error::KeyMalformed("the encrypted key is truncated"));
    }
    params
        .decrypt(password.as_bytes(), ciphertext)
        .map(Zeroizing::new)
        .map_err(|_| Error::KeyPasswordIncorrect)
}

/// Walks `SEQUENCE { kdf AlgorithmIdentifier, enc AlgorithmIdentifier }` and enforces limits.
fn precheck(params_der: &[u8]) -> Result<()> {
    let seq = asn1::expect_only(params_der, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    let (kdf, rest) = asn1::expect(seq, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    let (enc, rest) = asn1::expect(rest, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    if !rest.is_empty() {
        return Err(MALFORMED);
    }

    let (kdf_oid, kdf_params) = asn1::expect(kdf, TAG_OID).map_err(|_| MALFORMED)?;
    let kdf_params = asn1::expect_only(kdf_params, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    let (_salt, kdf_rest) = asn1::expect(kdf_params, TAG_OCTET_STRING).map_err(|_| MALFORMED)?;
    match kdf_oid {
        OID_PBKDF2 => {
            let (iterations, _) = asn1::read_u64(kdf_rest).map_err(|_| MALFORMED)?;
            if iterations == 0 {
                return Err(MALFORMED);
            }
            if iterations > MAX_KDF_ITERATIONS {
                return Err(Error::KeyLimitExceeded(format!(
                    "PBKDF2 iteration count {iterations} is above the limit of {MAX_KDF_ITERATIONS}"
                )));
            }
        }
        OID_SCRYPT => {
            let (n, rest) = asn1::read_u64(kdf_rest).map_err(|_| MALFORMED)?;
            let (r, rest) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
            let (p, _) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
            // scrypt needs 128·r·N bytes for V plus 128·r·p for B.
            let memory = 128u128 * r as u128 * (n as u128 + p as u128);
            if memory > MAX_SCRYPT_MEMORY as u128 || n < 2 || r == 0 || p == 0 {
                return Err(Error::KeyLimitExceeded(format!(
                    "scrypt parameters (N = {n}, r = {r}, p = {p}) need more than the {} MiB allowed",
                    MAX_SCRYPT_MEMORY >> 20
                )));
            }
        }
        _ => {
            return Err(Error::KeyFormatUnsupported(
                "the PBES2 key derivation function is neither PBKDF2 nor scrypt",
            ));
        }
    }

    let (enc_oid, enc_params) = asn1::expect(enc, TAG_OID).map_err(|_| MALFORMED)?;
    let expected_iv = if enc_oid == OID_DES_EDE3_CBC {
        8
    } else if enc_oid.starts_with(OID_AES_PREFIX) {
        match enc_oid.last() {
            Some(0x02 | 0x16 | 0x2a) => 16, // AES-128/192/256-CBC
            Some(0x06 | 0x2e) => 12,        // AES-GCM nonces (refused after decoding)
            _ => {
                return Err(Error::KeyFormatUnsupported(
                    "this PBES2 AES mode is not read",
                ));
            }
        }
    } else {
        return Err(Error::KeyFormatUnsupported(
            "the PBES2 cipher is not AES-CBC or DES-EDE3-CBC",
        ));
    };
    let iv = asn1::expect_only(enc_params, TAG_OCTET_STRING).map_err(|_| MALFORMED)?;
    if iv.len() != expected_iv {
        return Err(Error::KeyMalformed(
            "the PBES2 initialisation vector has the wrong length",
        ));
    }
    Ok(())
}
