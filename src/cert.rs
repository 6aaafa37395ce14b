//! [`Certificate`]: the merchant's KCP certificate and its `kcp_cert_info` form.

use crate::asn1::{self, DerError};
use crate::error::{Error, Result};
use crate::key::MerchantKey;
use crate::pem::{self, Decoded, PemError};
use crate::public_key::PublicKey;
use crate::x509;

/// Largest DER certificate accepted (KCP's is about 900 bytes).
const MAX_CERT_DER_LEN: usize = 16 * 1024;

/// A merchant's KCP certificate (`KCP_AUTH_{site_cd}_CERT.pem`).
///
/// Read from PEM with any line endings, the one-line `kcp_cert_info` form, or a bare base64
/// body. Validity dates are exposed but never checked against the clock: KCP's own test
/// certificate expired in 2026 and its staging server still accepts it.
///
/// ```
/// use kcp_wasm::{Certificate, MerchantKey};
///
/// let cert = Certificate::from_pem(include_str!("../tests/fixtures/kcp/splCert.pem"))?;
/// let info = cert.to_kcp_cert_info();
/// assert!(info.starts_with("-----BEGIN CERTIFICATE-----MII"));
/// assert!(!info.contains('\n'));
/// assert_eq!(Certificate::from_pem(&info)?.to_kcp_cert_info(), info);
///
/// let key = MerchantKey::from_pem(include_str!("../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// assert!(cert.matches(&key));
/// let signature = key.sign("T0000^21234567890123^STSC")?;
/// assert!(cert.verify("T0000^21234567890123^STSC", &signature));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    public: PublicKey,
    subject: String,
    issuer: String,
    serial: String,
    not_before: String,
    not_after: String,
    not_after_unix: u64,
}

impl Certificate {
    /// Reads a certificate from PEM, the one-line form, or a bare base64 body.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let der = match pem::decode(pem).map_err(pem_error)? {
            Decoded::Bare(der) => der,
            Decoded::Pem(block) => {
                if block.label.contains("PRIVATE KEY") {
                    return Err(Error::CertIsPrivateKey);
                }
                if !block.label.ends_with("CERTIFICATE") {
                    return Err(Error::CertMalformed("the PEM block is not a CERTIFICATE"));
                }
                block.der
            }
        };
        Self::from_der(&der)
    }

    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if der.len() > MAX_CERT_DER_LEN {
            return Err(Error::CertMalformed("the certificate is too large"));
        }
        asn1::check_structure(der).map_err(|e| match e {
            DerError::TooDeep => Error::CertMalformed("the certificate's DER is nested too deep"),
            DerError::Malformed => Error::CertMalformed("not valid DER (truncated or damaged)"),
        })?;
        if looks_like_private_key(der) {
            return Err(Error::CertIsPrivateKey);
        }
        // Certificates are DER: every length in its shortest form (x509::read relies on it).
        asn1::check_der_structure(der)
            .map_err(|_| Error::CertMalformed("not DER (a length is not in its shortest form)"))?;
        let fields = x509::read(der).map_err(Error::CertMalformed)?;
        let public = PublicKey::from_der(fields.spki)
            .map_err(|_| Error::CertMalformed("the certificate does not hold an RSA public key"))?;
        Ok(Self {
            der: der.to_vec(),
            public,
            subject: fields.subject,
            issuer: fields.issuer,
            serial: fields.serial.iter().map(|b| format!("{b:02x}")).collect(),
            not_before: fields.not_before.rfc3339(),
            not_after: fields.not_after.rfc3339(),
            // A certificate that expired before 1970 is simply expired.
            not_after_unix: u64::try_from(fields.not_after.unix()).unwrap_or(0),
        })
    }

    /// `kcp_cert_info`: the certificate as PEM on one line —
    /// `-----BEGIN CERTIFICATE-----<base64 DER>-----END CERTIFICATE-----`.
    ///
    /// Canonical whatever the input looked like (CRLF, one line, bare body).
    pub fn to_kcp_cert_info(&self) -> String {
        format!(
            "-----BEGIN CERTIFICATE-----{}-----END CERTIFICATE-----",
            pem::base64_encode(&self.der)
        )
    }

    /// Whether `signature` (base64, as in `kcp_sign_data`) is this certificate's key's
    /// SHA256withRSA signature of `plaintext`. Malformed base64 is simply not a valid signature.
    pub fn verify(&self, plaintext: &str, signature: &str) -> bool {
        match pem::base64_decode_strict(signature) {
            Some(sig) => self.public.verify(plaintext.as_bytes(), &sig),
            None => false,
        }
    }

    /// Whether `key` is this certificate's private key.
    pub fn matches(&self, key: &MerchantKey) -> bool {
        self.public.same_as(&key.public_key())
    }

    /// The certificate's public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The subject, exactly as `openssl x509 -noout -subject -nameopt RFC2253` prints it
    /// (without `subject=`): e.g. `CN=2021062910000024,OU=DEVPGWEB,O=LocalWeb,L=Guro-gu,ST=Seoul,C=KR`.
    ///
    /// That is: the last RDN first, `+` between the attributes of a multi-valued RDN; OpenSSL's
    /// short names for the X.520 attribute types it knows (`CN`, `O`, `OU`, `C`, `ST`, `L`,
    /// `street`, `serialNumber`, `GN`, `SN`, …) and for `emailAddress`, `UID`, `DC`, `mail`,
    /// `unstructuredName`, `unstructuredAddress` and the EV `jurisdiction*` types; any other type
    /// as its OID, with the value as `#` and the hex of its DER (so OpenSSL prints it too, if it
    /// does not know the type); a `\` before `,+"\<>;`, a leading `#` or space and a trailing
    /// space; and every byte of the value's UTF-8 that is not printable ASCII as `\XX`: `O=한국`
    /// reads `O=\ED\95\9C\EA\B5\AD`.
    pub fn subject(&self) -> String {
        self.subject.clone()
    }

    /// The issuer, formatted like [`Certificate::subject`].
    pub fn issuer(&self) -> String {
        self.issuer.clone()
    }

    /// The serial number, lowercase hex.
    pub fn serial_number(&self) -> String {
        self.serial.clone()
    }

    /// Start of validity, RFC 3339 UTC (`2021-06-28T00:00:00Z`).
    pub fn not_before(&self) -> String {
        self.not_before.clone()
    }

    /// End of validity, RFC 3339 UTC. Compare it with the clock yourself to warn; kcp-wasm
    /// never refuses an expired certificate.
    pub fn not_after(&self) -> String {
        self.not_after.clone()
    }

    /// End of validity as seconds since the Unix epoch (0 for a date before 1970).
    pub fn not_after_unix(&self) -> u64 {
        self.not_after_unix
    }

    /// The certificate's DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }
}

/// PKCS#1, PKCS#8 and encrypted PKCS#8 keys, told from a certificate by their first element.
fn looks_like_private_key(der: &[u8]) -> bool {
    let Ok(seq) = asn1::expect_only(der, asn1::TAG_SEQUENCE) else {
        return false;
    };
    let Ok((first, rest)) = asn1::read(seq) else {
        return false;
    };
    match first.tag {
        asn1::TAG_INTEGER => true, // certificates start with the TBSCertificate SEQUENCE
        asn1::TAG_SEQUENCE => {
            // EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }.
            matches!(asn1::read(rest), Ok((t, r)) if t.tag == asn1::TAG_OCTET_STRING && r.is_empty())
        }
        _ => false,
    }
}

fn pem_error(e: PemError) -> Error {
    match e {
        PemError::TooLarge => Error::CertMalformed("the certificate text is too large"),
        PemError::NoEndMarker => Error::CertMalformed(crate::pem::NO_END_LINE),
        PemError::LabelMismatch => Error::CertMalformed("the PEM's BEGIN and END labels differ"),
        PemError::BadBase64 => Error::CertMalformed("the PEM body is not valid base64"),
        PemError::Empty => Error::CertMalformed("the certificate is empty"),
    }
}
