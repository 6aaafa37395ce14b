//! PBES2 (RFC 8018): what modern tools write when merchants re-wrap KCP's key.
//!
//! Built on RustCrypto's `aes` and `sha2` (its compression functions), under our own PBKDF2-HMAC
//! (`hash.rs`) and SHA-1 (`sha1.rs`, which KCP's PKCS#12 scheme uses too), and our own
//! constant-time Triple DES, CBC and unpadding (`des.rs`, `cbc.rs`, shared with
//! KCP's PKCS#12 scheme). The parameters are read with
//! our own DER reader and checked before anything runs, so a hostile file is refused in
//! microseconds: an iteration count in the billions, an scrypt cost in the gigabytes, an IV of
//! the wrong length. (RustCrypto's `pkcs5` decrypts PBES2 too, but it pulls in scrypt and AES-GCM
//! — a quarter of the wasm — and its DES-EDE3 path slices the IV without checking its length.)
//!
//! Read: PBKDF2 with HMAC-SHA1/224/256/384/512; AES-128/192/256-CBC and DES-EDE3-CBC.
//! Refused: scrypt (`KEY_FORMAT_UNSUPPORTED`, or `KEY_LIMIT_EXCEEDED` above 32 MiB), AES-GCM and
//! anything else.

use super::cbc::{self, Aes, BlockDecrypt, CbcError};
use super::des::TdesEde3;
use super::hash;
use super::limits::{MAX_KDF_ITERATIONS, MAX_SCRYPT_MEMORY};
use crate::asn1::{self, TAG_NULL, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE};
use crate::error::{Error, Result};
use zeroize::Zeroizing;

/// OID 1.2.840.113549.1.5.13 (PBES2).
pub(crate) const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
/// The PKCS#5 arc 1.2.840.113549.1.5, home of the PBES1 schemes we do not read.
pub(crate) const OID_PKCS5_ARC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const OID_PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const OID_SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
/// 1.2.840.113549.2.{7,8,9,10,11}: hmacWithSHA1, -SHA224, -SHA256, -SHA384, -SHA512.
const OID_HMAC_PREFIX: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02];
/// 2.16.840.1.101.3.4.1.{2,22,42}: AES-128/192/256-CBC.
const OID_AES_PREFIX: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01];
const OID_DES_EDE3_CBC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];

const MALFORMED: Error = Error::KeyMalformed("the PBES2 parameters are not valid DER");

#[derive(Clone, Copy)]
enum Prf {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Clone, Copy)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
}

impl Cipher {
    fn key_len(self) -> usize {
        match self {
            Cipher::Aes128 => 16,
            Cipher::Aes192 => 24,
            Cipher::Aes256 => 32,
            Cipher::DesEde3 => 24,
        }
    }

    fn block_len(self) -> usize {
        match self {
            Cipher::DesEde3 => 8,
            _ => 16,
        }
    }
}

/// Decrypts a PBES2 `EncryptedPrivateKeyInfo` body. `params` is the content of the
/// `AlgorithmIdentifier` after the OID: `SEQUENCE { kdf, encryptionScheme }`.
pub(crate) fn decrypt(
    params: &[u8],
    password: &str,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let seq = asn1::expect_only(params, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    let (kdf, rest) = asn1::expect(seq, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    let (enc, rest) = asn1::expect(rest, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    if !rest.is_empty() {
        return Err(MALFORMED);
    }
    let kdf = read_kdf(kdf)?;
    let (cipher, iv) = read_cipher(enc)?;
    if kdf
        .key_len
        .is_some_and(|len| len != cipher.key_len() as u64)
    {
        return Err(Error::KeyMalformed(
            "the PBES2 key length does not fit the cipher",
        ));
    }
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(cipher.block_len()) {
        return Err(Error::KeyMalformed("the encrypted key is truncated"));
    }

    let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
    let (pw, salt, rounds) = (password.as_bytes(), kdf.salt, kdf.iterations);
    match kdf.prf {
        Prf::Sha1 => hash::pbkdf2_hmac::<hash::Sha1>(pw, salt, rounds, &mut key),
        Prf::Sha224 => hash::pbkdf2_hmac::<hash::Sha224>(pw, salt, rounds, &mut key),
        Prf::Sha256 => hash::pbkdf2_hmac::<hash::Sha256>(pw, salt, rounds, &mut key),
        Prf::Sha384 => hash::pbkdf2_hmac::<hash::Sha384>(pw, salt, rounds, &mut key),
        Prf::Sha512 => hash::pbkdf2_hmac::<hash::Sha512>(pw, salt, rounds, &mut key),
    }
    match cipher {
        Cipher::Aes128 => cbc_decrypt(Aes::<aes::Aes128>::new(&key), iv, ciphertext),
        Cipher::Aes192 => cbc_decrypt(Aes::<aes::Aes192>::new(&key), iv, ciphertext),
        Cipher::Aes256 => cbc_decrypt(Aes::<aes::Aes256>::new(&key), iv, ciphertext),
        Cipher::DesEde3 => {
            let des = <&[u8; 24]>::try_from(&key[..]).ok().map(TdesEde3::new);
            cbc_decrypt(des, iv, ciphertext)
        }
    }
}

/// `cipher` is `None` only if the derived key had the wrong length, which `Cipher::key_len`
/// rules out.
fn cbc_decrypt<C: BlockDecrypt>(
    cipher: Option<C>,
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let cipher = cipher.ok_or(Error::KeyMalformed(
        "the PBES2 key length does not fit the cipher",
    ))?;
    cbc::decrypt(&cipher, iv, ciphertext).map_err(|e| match e {
        // Checked by `read_cipher` and `decrypt` before the KDF; kept for safety.
        CbcError::BadLength => Error::KeyMalformed(
            "the PBES2 initialisation vector or ciphertext has the wrong length",
        ),
        CbcError::BadPadding => Error::KeyPasswordIncorrect,
    })
}

struct Kdf<'a> {
    salt: &'a [u8],
    iterations: u32,
    key_len: Option<u64>,
    prf: Prf,
}

/// `AlgorithmIdentifier` of the KDF. PBKDF2's parameters:
/// `SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
/// prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }`.
fn read_kdf(kdf: &[u8]) -> Result<Kdf<'_>> {
    let (oid, params) = asn1::expect(kdf, TAG_OID).map_err(|_| MALFORMED)?;
    let params = asn1::expect_only(params, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
    let (salt, rest) = asn1::expect(params, TAG_OCTET_STRING).map_err(|_| MALFORMED)?;
    match oid {
        OID_PBKDF2 => {}
        OID_SCRYPT => {
            // scrypt-params: salt, costParameter N, blockSize r, parallelizationParameter p.
            let (n, rest) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
            let (r, rest) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
            let (p, _) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
            // scrypt needs 128·r·N bytes for V plus 128·r·p for B.
            let memory = 128u128 * r as u128 * (n as u128 + p as u128);
            if memory > MAX_SCRYPT_MEMORY as u128 {
                return Err(Error::KeyLimitExceeded(format!(
                    "scrypt parameters (N = {n}, r = {r}, p = {p}) need more than the {} MiB allowed",
                    MAX_SCRYPT_MEMORY >> 20
                )));
            }
            return Err(Error::KeyFormatUnsupported(
                "scrypt-protected keys are not read; re-wrap the key with \
                 `openssl pkcs8 -topk8 -v2 aes-256-cbc` (PBKDF2)",
            ));
        }
        _ => {
            return Err(Error::KeyFormatUnsupported(
                "the PBES2 key derivation function is neither PBKDF2 nor scrypt",
            ));
        }
    }
    let (iterations, mut rest) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
    if iterations == 0 {
        return Err(MALFORMED);
    }
    if iterations > MAX_KDF_ITERATIONS {
        return Err(Error::KeyLimitExceeded(format!(
            "PBKDF2 iteration count {iterations} is above the limit of {MAX_KDF_ITERATIONS}"
        )));
    }
    let mut key_len = None;
    if rest.first() == Some(&asn1::TAG_INTEGER) {
        let (len, next) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
        key_len = Some(len);
        rest = next;
    }
    let prf = if rest.is_empty() {
        Prf::Sha1
    } else {
        let alg = asn1::expect_only(rest, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
        let (prf_oid, prf_params) = asn1::expect(alg, TAG_OID).map_err(|_| MALFORMED)?;
        if !(prf_params.is_empty() || prf_params == [TAG_NULL, 0]) {
            return Err(MALFORMED);
        }
        match prf_oid.strip_prefix(OID_HMAC_PREFIX) {
            Some([0x07]) => Prf::Sha1,
            Some([0x08]) => Prf::Sha224,
            Some([0x09]) => Prf::Sha256,
            Some([0x0a]) => Prf::Sha384,
            Some([0x0b]) => Prf::Sha512,
            _ => {
                return Err(Error::KeyFormatUnsupported(
                    "the PBKDF2 PRF is not HMAC-SHA1/224/256/384/512",
                ));
            }
        }
    };
    Ok(Kdf {
        salt,
        // At most MAX_KDF_ITERATIONS, so it fits.
        iterations: iterations as u32,
        key_len,
        prf,
    })
}

/// `AlgorithmIdentifier` of the cipher: its OID and an OCTET STRING IV of one block.
fn read_cipher(enc: &[u8]) -> Result<(Cipher, &[u8])> {
    let (oid, params) = asn1::expect(enc, TAG_OID).map_err(|_| MALFORMED)?;
    let cipher = if oid == OID_DES_EDE3_CBC {
        Cipher::DesEde3
    } else {
        match oid.strip_prefix(OID_AES_PREFIX) {
            Some([0x02]) => Cipher::Aes128,
            Some([0x16]) => Cipher::Aes192,
            Some([0x2a]) => Cipher::Aes256,
            _ => {
                return Err(Error::KeyFormatUnsupported(
                    "the PBES2 cipher is not AES-CBC or DES-EDE3-CBC",
                ));
            }
        }
    };
    let iv = asn1::expect_only(params, TAG_OCTET_STRING).map_err(|_| MALFORMED)?;
    if iv.len() != cipher.block_len() {
        return Err(Error::KeyMalformed(
            "the PBES2 initialisation vector has the wrong length",
        ));
    }
    Ok((cipher, iv))
}
