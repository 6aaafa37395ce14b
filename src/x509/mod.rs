//! The few fields of an X.509 certificate that [`Certificate`](crate::Certificate) exposes, read
//! with the DER walker of `asn1.rs`:
//!
//! ```text
//! Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
//! TBSCertificate ::= SEQUENCE {
//!     version [0] EXPLICIT INTEGER OPTIONAL, serialNumber INTEGER, signature AlgorithmIdentifier,
//!     issuer Name, validity SEQUENCE { notBefore Time, notAfter Time }, subject Name,
//!     subjectPublicKeyInfo SEQUENCE, issuerUniqueID [1] IMPLICIT BIT STRING OPTIONAL,
//!     subjectUniqueID [2] IMPLICIT BIT STRING OPTIONAL, extensions [3] EXPLICIT SEQUENCE OPTIONAL }
//! ```
//!
//! Names are formatted exactly as `openssl x509 -noout -subject -nameopt RFC2253` prints them
//! (`name.rs`), so that a subject can be compared with what OpenSSL shows; validity dates are read
//! to the second (`time.rs`). Anything else in the certificate is only checked for its shape;
//! nothing is verified.

mod name;
mod time;

use time::DateTime;

use crate::asn1;
use name::{check_oid, format_name};

/// Why a certificate was refused (the text of `Error::CertMalformed`).
pub(crate) type Reason = &'static str;

const NOT_X509: Reason = "the DER is not an X.509 certificate";
const BAD_TIME: Reason =
    "the certificate's validity is not a UTC date and time (YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ)";

/// Longest serial number accepted, in content bytes: RFC 5280's 20, plus the sign byte that
/// non-conforming CAs add to a 20-byte value.
const MAX_SERIAL_LEN: usize = 21;

/// What `Certificate` keeps from a certificate.
pub(crate) struct Fields<'a> {
    /// The serialNumber INTEGER's content bytes.
    pub serial: &'a [u8],
    pub issuer: String,
    pub subject: String,
    pub not_before: DateTime,
    pub not_after: DateTime,
    /// The whole subjectPublicKeyInfo TLV.
    pub spki: &'a [u8],
}

/// Reads a certificate whose structure [`asn1::check_der_structure`] has accepted.
pub(crate) fn read(der: &[u8]) -> Result<Fields<'_>, Reason> {
    let cert = asn1::expect_only(der, asn1::TAG_SEQUENCE).map_err(|_| NOT_X509)?;
    let (tbs, rest) = asn1::expect(cert, asn1::TAG_SEQUENCE).map_err(|_| NOT_X509)?;
    let (algorithm, rest) = asn1::expect(rest, asn1::TAG_SEQUENCE).map_err(|_| NOT_X509)?;
    algorithm_identifier(algorithm)?;
    let signature = asn1::expect_only(rest, asn1::TAG_BIT_STRING).map_err(|_| NOT_X509)?;
    bit_string(signature)?;
    read_tbs(tbs)
}

fn read_tbs(tbs: &[u8]) -> Result<Fields<'_>, Reason> {
    let m = |_| NOT_X509;
    let (version, rest) = asn1::optional(tbs, asn1::context_tag(0, true)).map_err(m)?;
    if let Some(version) = version {
        // v1, v2 or v3 (DER would omit v1, the default; it is accepted all the same).
        match asn1::expect_only(version, asn1::TAG_INTEGER).map_err(m)? {
            [0..=2] => {}
            _ => return Err("the certificate's X.509 version is not 1, 2 or 3"),
        }
    }
    let (serial, rest) = asn1::expect(rest, asn1::TAG_INTEGER).map_err(m)?;
    if !minimal_integer(serial) || serial.len() > MAX_SERIAL_LEN {
        return Err(NOT_X509);
    }
    let (algorithm, rest) = asn1::expect(rest, asn1::TAG_SEQUENCE).map_err(m)?;
    algorithm_identifier(algorithm)?;
    let (issuer, rest) = asn1::expect(rest, asn1::TAG_SEQUENCE).map_err(m)?;
    let (validity, rest) = asn1::expect(rest, asn1::TAG_SEQUENCE).map_err(m)?;
    let (subject, rest) = asn1::expect(rest, asn1::TAG_SEQUENCE).map_err(m)?;
    let (_, after_spki) = asn1::expect(rest, asn1::TAG_SEQUENCE).map_err(m)?;
    let spki = &rest[..rest.len() - after_spki.len()];
    let (issuer_uid, rest) = asn1::optional(after_spki, asn1::context_tag(1, false)).map_err(m)?;
    let (subject_uid, rest) = asn1::optional(rest, asn1::context_tag(2, false)).map_err(m)?;
    for uid in [issuer_uid, subject_uid].into_iter().flatten() {
        bit_string(uid)?;
    }
    let (extensions, rest) = asn1::optional(rest, asn1::context_tag(3, true)).map_err(m)?;
    if let Some(extensions) = extensions {
        read_extensions(extensions)?;
    }
    if !rest.is_empty() {
        return Err(NOT_X509);
    }

    let (not_before, rest) = asn1::read(validity).map_err(m)?;
    let (not_after, rest) = asn1::read(rest).map_err(m)?;
    if !rest.is_empty() {
        return Err(NOT_X509);
    }
    Ok(Fields {
        serial,
        issuer: format_name(issuer)?,
        subject: format_name(subject)?,
        not_before: DateTime::from_der(not_before).ok_or(BAD_TIME)?,
        not_after: DateTime::from_der(not_after).ok_or(BAD_TIME)?,
        spki,
    })
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`.
fn algorithm_identifier(value: &[u8]) -> Result<(), Reason> {
    let (oid, rest) = asn1::expect(value, asn1::TAG_OID).map_err(|_| NOT_X509)?;
    check_oid(oid).ok_or(NOT_X509)?;
    if !rest.is_empty() {
        let (_, rest) = asn1::read(rest).map_err(|_| NOT_X509)?;
        if !rest.is_empty() {
            return Err(NOT_X509);
        }
    }
    Ok(())
}

/// `[3] EXPLICIT SEQUENCE OF Extension`, each
/// `SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
fn read_extensions(explicit: &[u8]) -> Result<(), Reason> {
    let m = |_| NOT_X509;
    let mut list = asn1::expect_only(explicit, asn1::TAG_SEQUENCE).map_err(m)?;
    while !list.is_empty() {
        let (extension, rest) = asn1::expect(list, asn1::TAG_SEQUENCE).map_err(m)?;
        list = rest;
        let (oid, rest) = asn1::expect(extension, asn1::TAG_OID).map_err(m)?;
        check_oid(oid).ok_or(NOT_X509)?;
        let (critical, rest) = asn1::optional(rest, asn1::TAG_BOOLEAN).map_err(m)?;
        if !matches!(critical, None | Some([0x00 | 0xff])) {
            return Err(NOT_X509);
        }
        asn1::expect_only(rest, asn1::TAG_OCTET_STRING).map_err(m)?;
    }
    Ok(())
}

/// A DER BIT STRING's content: the count of unused bits (0 to 7, 0 when empty), then the bits,
/// the unused ones zero.
fn bit_string(value: &[u8]) -> Result<(), Reason> {
    match value {
        [0] => Ok(()),
        [unused, .., last] if *unused < 8 && last & ((1u8 << unused) - 1) == 0 => Ok(()),
        _ => Err(NOT_X509),
    }
}

/// An INTEGER's content in the shortest form (no redundant leading 0x00 or 0xff byte).
fn minimal_integer(value: &[u8]) -> bool {
    match value {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_bit_strings() {
        assert!(minimal_integer(&[0]));
        assert!(minimal_integer(&[0xff]));
        assert!(minimal_integer(&[0x00, 0x80]));
        assert!(!minimal_integer(&[0x00, 0x7f]));
        assert!(!minimal_integer(&[0xff, 0x80]));
        assert!(!minimal_integer(&[]));
        assert!(bit_string(&[0]).is_ok());
        assert!(bit_string(&[3, 0xf8]).is_ok());
        assert!(bit_string(&[3, 0xfc]).is_err());
        assert!(bit_string(&[1]).is_err());
    }
}
