//! [`MerchantKey`]: a merchant's KCP private key, read from any of the forms it is found in.

mod cbc;
mod des;
mod hash;
mod limits;
mod pbes2;
mod pkcs12;
mod sha1;

pub use limits::*;

use crate::asn1::{
    self, DerError, TAG_INTEGER, TAG_NULL, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, bit_length,
};
use crate::error::{Error, Result};
use crate::pem::{self, Decoded, PemError};
use crate::public_key::PublicKey;
use crate::rsa_fast::{CrtKey, PartsError, RsaParts, SignError};
use zeroize::Zeroizing;

/// OID 1.2.840.113549.1.1.1 (rsaEncryption), DER-encoded.
const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// The form a [`MerchantKey`] was read from.
///
/// ```
/// let pem = include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem");
/// let key = kcp_wasm::MerchantKey::from_pem(pem, "changeit")?;
/// assert_eq!(key.format().as_str(), "pkcs12-pbe-sha1-3des");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// KCP's own: PKCS#8 encrypted with `pbeWithSHAAnd3-KeyTripleDES-CBC` (PKCS#12 PBE).
    Pkcs12Sha1TripleDes,
    /// PKCS#8 encrypted with PBES2 (PBKDF2 or scrypt, AES-CBC or DES-EDE3-CBC).
    Pbes2,
    /// Unencrypted PKCS#8 (`PRIVATE KEY`).
    Pkcs8,
    /// Unencrypted PKCS#1 (`RSA PRIVATE KEY`).
    Pkcs1,
}

impl KeyFormat {
    /// A stable name: `pkcs12-pbe-sha1-3des`, `pbes2`, `pkcs8` or `pkcs1`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyFormat::Pkcs12Sha1TripleDes => "pkcs12-pbe-sha1-3des",
            KeyFormat::Pbes2 => "pbes2",
            KeyFormat::Pkcs8 => "pkcs8",
            KeyFormat::Pkcs1 => "pkcs1",
        }
    }
}

/// A merchant's KCP private key (RSA), ready to make `kcp_sign_data`.
///
/// Reads KCP's own key files (`KCP_AUTH_{site_cd}_PRIKEY.pem`, PKCS#12 PBE with SHA-1 and
/// Triple DES), PBES2-encrypted PKCS#8, and unencrypted PKCS#8 and PKCS#1, as PEM (with CRLF,
/// a BOM, blanks, no line breaks or `\n` escapes) or DER. The key material is zeroized on drop.
///
/// ```
/// use kcp_wasm::{KeyFormat, MerchantKey};
///
/// let pem = include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem");
/// let key = MerchantKey::from_pem(pem, "changeit")?;
/// assert_eq!(key.format(), KeyFormat::Pkcs12Sha1TripleDes);
/// assert_eq!(key.modulus_bits(), 2048);
///
/// let kcp_sign_data = key.sign("T0000^21234567890123^STSC")?;
/// assert_eq!(kcp_sign_data.len(), 344); // 256 bytes, base64
///
/// let wrong = MerchantKey::from_pem(pem, "wrong").unwrap_err();
/// assert_eq!(wrong.code(), "KEY_PASSWORD_INCORRECT");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
pub struct MerchantKey {
    /// The private key in the fixed-size form `crate::rsa_fast` signs with.
    fast: CrtKey,
    public: PublicKey,
    format: KeyFormat,
    bits: usize,
}

impl std::fmt::Debug for MerchantKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key material.
        f.debug_struct("MerchantKey")
            .field("format", &self.format)
            .field("modulus_bits", &self.bits)
            .finish_non_exhaustive()
    }
}

impl MerchantKey {
    /// Reads a PEM private key (or a bare base64 DER body), decrypting it with `password` when
    /// it is encrypted. The password is ignored for unencrypted keys.
    pub fn from_pem(pem: &str, password: &str) -> Result<Self> {
        let block = match pem::decode(pem).map_err(pem_error)? {
            Decoded::Bare(der) => return Self::from_der(&der, password),
            Decoded::Pem(block) => block,
        };
        if block.legacy_encrypted {
            return Err(Error::KeyFormatUnsupported(
                "this is a legacy OpenSSL-encrypted key (Proc-Type: 4,ENCRYPTED); convert it with \
                 `openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out new.pem`",
            ));
        }
        match block.label.as_str() {
            "ENCRYPTED PRIVATE KEY" | "PRIVATE KEY" | "RSA PRIVATE KEY" => {}
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                return Err(Error::KeyFormatUnsupported(
                    "this is a certificate, not a private key: pass the PRIKEY file",
                ));
            }
            "EC PRIVATE KEY" | "DSA PRIVATE KEY" | "OPENSSH PRIVATE KEY" => {
                return Err(Error::KeyFormatUnsupported("KCP keys are RSA keys"));
            }
            _ => {
                return Err(Error::KeyFormatUnsupported(
                    "this PEM block is not a private key",
                ));
            }
        }
        Self::from_der(&block.der, password)
    }

    /// Reads a DER private key: `EncryptedPrivateKeyInfo`, `PrivateKeyInfo` or `RSAPrivateKey`,
    /// told apart by their structure.
    pub fn from_der(der: &[u8], password: &str) -> Result<Self> {
        if der.len() > MAX_KEY_DER_LEN {
            return Err(Error::KeyLimitExceeded(format!(
                "the key is {} bytes long; the limit is {MAX_KEY_DER_LEN}",
                der.len()
            )));
        }
        asn1::check_structure(der).map_err(|e| match e {
            DerError::TooDeep => Error::KeyLimitExceeded(format!(
                "the key's DER is nested more than {} levels deep",
                asn1::MAX_DEPTH
            )),
            DerError::Malformed => Error::KeyMalformed("not valid DER (truncated or damaged)"),
        })?;
        let seq = asn1::expect_only(der, TAG_SEQUENCE).map_err(|_| NOT_A_KEY)?;
        let (first, rest) = asn1::read(seq).map_err(|_| NOT_A_KEY)?;
        match first.tag {
            TAG_SEQUENCE => {
                let (plain, format) = decrypt(first, rest, password)?;
                // Whatever goes wrong after decryption is one error, whatever the stage: the
                // padding, the DER of the decrypted key, its consistency, its shape or size.
                // A wrong password passes the padding check about once in 256 tries and then
                // fails anywhere in there; and a distinct code per stage would tell whoever can
                // tamper with a stored key file, one ciphertext bit at a time, what the
                // plaintext is like (a padding or format oracle).
                Self::from_private_key_info(&plain, format).map_err(|_| Error::KeyPasswordIncorrect)
            }
            TAG_INTEGER => match asn1::read(rest).map_err(|_| NOT_A_KEY)?.0.tag {
                TAG_SEQUENCE => Self::from_private_key_info(der, KeyFormat::Pkcs8),
                TAG_INTEGER => Self::from_rsa_private_key(der, KeyFormat::Pkcs1),
                _ => Err(NOT_A_KEY),
            },
            _ => Err(NOT_A_KEY),
        }
    }

    /// `PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING, … }`.
    fn from_private_key_info(der: &[u8], format: KeyFormat) -> Result<Self> {
        asn1::check_structure(der).map_err(|_| NOT_A_KEY)?;
        let seq = asn1::expect_only(der, TAG_SEQUENCE).map_err(|_| NOT_A_KEY)?;
        let (version, rest) = asn1::read_u64(seq).map_err(|_| NOT_A_KEY)?;
        // v1 (RFC 5208) or v2 (OneAsymmetricKey, RFC 5958); anything else is damage.
        if version > 1 {
            return Err(NOT_A_KEY);
        }
        let (alg, rest) = asn1::expect(rest, TAG_SEQUENCE).map_err(|_| NOT_A_KEY)?;
        let (oid, alg_params) = asn1::expect(alg, TAG_OID).map_err(|_| NOT_A_KEY)?;
        // The algorithm is public: the key's type.
        crate::ct::declassify(alg);
        if oid != OID_RSA_ENCRYPTION {
            return Err(Error::KeyFormatUnsupported(
                "KCP keys are RSA keys; this one is not",
            ));
        }
        if !(alg_params.is_empty() || alg_params == [TAG_NULL, 0]) {
            return Err(NOT_A_KEY);
        }
        let (inner, _attributes) = asn1::expect(rest, TAG_OCTET_STRING).map_err(|_| NOT_A_KEY)?;
        Self::from_rsa_private_key(inner, format)
    }

    /// `RSAPrivateKey` (PKCS#1). Checks the modulus size before any arithmetic, and that the
    /// file's CRT values are the key's own.
    fn from_rsa_private_key(der: &[u8], format: KeyFormat) -> Result<Self> {
        let fields = RsaFields::read(der)?;
        // The public key is public, even when it comes out of a decrypted file.
        crate::ct::declassify(fields.n);
        crate::ct::declassify(fields.e);
        let bits = bit_length(fields.n);
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(Error::KeyLimitExceeded(format!(
                "the RSA modulus has {bits} bits; kcp-wasm accepts {MIN_MODULUS_BITS} to {MAX_MODULUS_BITS}"
            )));
        }
        if fields.version != 0 {
            return Err(Error::KeyFormatUnsupported(
                "multi-prime RSA keys are not supported",
            ));
        }
        // `rsa` (and the fixed-size CRT code) hold each prime in half the modulus width;
        // lopsided primes are valid RSA but never come from KCP or OpenSSL's key generation.
        let half = bits.div_ceil(2);
        // A prime's length is public (half the modulus'); its bytes are not: measured without a
        // branch on them.
        if crate::ct::public_bit_length(fields.p) > half
            || crate::ct::public_bit_length(fields.q) > half
        {
            return Err(Error::KeyFormatUnsupported(
                "RSA keys with unbalanced primes (one longer than half the modulus) are not supported",
            ));
        }
        // The values must belong together (n = p·q, the CRT values are the key's own, …):
        // checked in constant time while they are put in the form the signer computes with.
        let fast = CrtKey::from_parts(&RsaParts {
            n: fields.n,
            e: fields.e,
            d: fields.d,
            p: fields.p,
            q: fields.q,
            dp: fields.dp,
            dq: fields.dq,
            qinv: fields.qinv,
        })
        .map_err(|e| match e {
            PartsError::Unsupported => {
                Error::KeyFormatUnsupported("this RSA key's shape is not supported")
            }
            _ => Error::KeyInconsistent,
        })?;
        let public = PublicKey::from_n_e(fields.n, fields.e).ok_or(Error::KeyInconsistent)?;
        Ok(Self {
            fast,
            public,
            format,
            bits,
        })
    }

    /// `kcp_sign_data` for `plaintext`: SHA256withRSA (PKCS#1 v1.5) of its UTF-8 bytes, as
    /// standard padded base64 on one line.
    ///
    /// Build the plaintext with [`crate::cancel_plaintext`] or [`crate::inquiry_plaintext`],
    /// which refuse fields that could change its meaning.
    pub fn sign(&self, plaintext: &str) -> Result<String> {
        self.sign_bytes(plaintext.as_bytes())
            .map(|sig| pem::base64_encode(&sig))
    }

    /// The raw PKCS#1 v1.5 SHA-256 signature of `message`.
    ///
    /// The private-key operation is blinded (randomness from the runtime, drawn at the first
    /// signature; see `src/rsa_fast`), and the signer verifies every signature with the public
    /// key before it is returned (a faulty CRT result would otherwise leak the key).
    pub fn sign_bytes(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.fast
            .sign_pkcs1v15_sha256(message)
            .map_err(|e| match e {
                SignError::RandomUnavailable => Error::RandomUnavailable,
                _ => Error::KeyInconsistent,
            })
    }

    /// The form the key was read from.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// The RSA modulus size in bits (2048 for KCP's keys).
    pub fn modulus_bits(&self) -> usize {
        self.bits
    }

    /// The public half of the key.
    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }
}

const NOT_A_KEY: Error = Error::KeyMalformed("the DER is not a PKCS#8 or PKCS#1 private key");

fn pem_error(e: PemError) -> Error {
    match e {
        PemError::TooLarge => Error::KeyLimitExceeded(format!(
            "the key text is longer than {} bytes",
            pem::MAX_PEM_LEN
        )),
        PemError::NoEndMarker => Error::KeyMalformed(pem::NO_END_LINE),
        PemError::LabelMismatch => Error::KeyMalformed("the PEM's BEGIN and END labels differ"),
        PemError::BadBase64 => Error::KeyMalformed("the PEM body is not valid base64"),
        PemError::Empty => Error::KeyMalformed("the key is empty"),
    }
}

/// `EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }`.
fn decrypt(
    alg: asn1::Tlv<'_>,
    rest: &[u8],
    password: &str,
) -> Result<(Zeroizing<Vec<u8>>, KeyFormat)> {
    const MALFORMED: Error = Error::KeyMalformed("the encrypted key's structure is not valid");
    let ciphertext = asn1::expect_only(rest, TAG_OCTET_STRING).map_err(|_| MALFORMED)?;
    let (oid, params) = asn1::expect(alg.value, TAG_OID).map_err(|_| MALFORMED)?;
    if oid == pkcs12::OID_PBE_SHA1_3DES {
        let params = asn1::expect_only(params, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
        let (salt, rest) = asn1::expect(params, TAG_OCTET_STRING).map_err(|_| MALFORMED)?;
        let (iterations, rest) = asn1::read_u64(rest).map_err(|_| MALFORMED)?;
        if !rest.is_empty() || iterations == 0 {
            return Err(MALFORMED);
        }
        if iterations > MAX_KDF_ITERATIONS {
            return Err(Error::KeyLimitExceeded(format!(
                "PKCS#12 iteration count {iterations} is above the limit of {MAX_KDF_ITERATIONS}"
            )));
        }
        let plain = pkcs12::decrypt(password, salt, iterations as u32, ciphertext).map_err(
            |e| match e {
                cbc::CbcError::BadLength => Error::KeyMalformed("the encrypted key is truncated"),
                cbc::CbcError::BadPadding => Error::KeyPasswordIncorrect,
            },
        )?;
        Ok((plain, KeyFormat::Pkcs12Sha1TripleDes))
    } else if oid == pbes2::OID_PBES2 {
        Ok((
            pbes2::decrypt(params, password, ciphertext)?,
            KeyFormat::Pbes2,
        ))
    } else if oid.starts_with(pkcs12::OID_PKCS12_PBE_ARC) {
        Err(Error::KeyFormatUnsupported(
            "this PKCS#12 scheme (RC2, RC4 or two-key Triple DES) is not read; re-wrap the key \
             with `openssl pkcs8 -topk8 -v2 aes-256-cbc`",
        ))
    } else if oid.starts_with(pbes2::OID_PKCS5_ARC) {
        Err(Error::KeyFormatUnsupported(
            "PBES1 (DES or RC2 with MD5/SHA-1) is not read; re-wrap the key with \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc`",
        ))
    } else {
        Err(Error::KeyFormatUnsupported(
            "unknown key encryption algorithm",
        ))
    }
}

/// The fields of `RSAPrivateKey` that are checked before the key is built.
struct RsaFields<'a> {
    version: u64,
    n: &'a [u8],
    e: &'a [u8],
    d: &'a [u8],
    p: &'a [u8],
    q: &'a [u8],
    dp: &'a [u8],
    dq: &'a [u8],
    qinv: &'a [u8],
}

impl<'a> RsaFields<'a> {
    fn read(der: &'a [u8]) -> Result<Self> {
        const MALFORMED: Error =
            Error::KeyMalformed("the RSA private key's structure is not valid");
        let seq = asn1::expect_only(der, TAG_SEQUENCE).map_err(|_| MALFORMED)?;
        let (version, rest) = asn1::read_u64(seq).map_err(|_| MALFORMED)?;
        let mut ints = [&[][..]; 8]; // n e d p q dp dq qinv
        let mut rest = rest;
        for slot in &mut ints {
            let (value, next) = asn1::expect(rest, TAG_INTEGER).map_err(|_| MALFORMED)?;
            *slot = value;
            rest = next;
        }
        Ok(Self {
            version,
            n: ints[0],
            e: ints[1],
            d: ints[2],
            p: ints[3],
            q: ints[4],
            dp: ints[5],
            dq: ints[6],
            qinv: ints[7],
        })
    }
}
