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
//! Names are formatted exactly as `openssl x509 -noout -subject -nameopt RFC2253` prints them,
//! so that a subject can be compared with what OpenSSL shows. Anything else in the certificate is
//! only checked for its shape; nothing is verified.

use crate::asn1::{self, Tlv};

/// Why a certificate was refused (the text of `Error::CertMalformed`).
pub(crate) type Reason = &'static str;

const NOT_X509: Reason = "the DER is not an X.509 certificate";
const BAD_NAME: Reason = "the certificate's subject or issuer cannot be read";
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

// --------------------------------------------------------------------------------------------
// Names

/// One AttributeTypeAndValue of a Name, in the order of the DER.
struct Attribute<'a> {
    /// Index of its RelativeDistinguishedName (attributes of one RDN share it).
    rdn: usize,
    oid: &'a [u8],
    /// The whole value TLV, for the `#hex` form.
    der: &'a [u8],
    text: Option<Text<'a>>,
}

/// An attribute value printed as text, by its string type.
#[derive(Clone, Copy)]
enum Text<'a> {
    /// UTF8String: printed byte by byte (valid UTF-8, checked).
    Utf8(&'a [u8]),
    /// PrintableString, IA5String, TeletexString, NumericString: one byte per character.
    Latin1(&'a [u8]),
    /// BMPString: two bytes per character (no surrogates, checked).
    Ucs2(&'a [u8]),
    /// UniversalString: four bytes per character (Unicode scalar values, checked).
    Ucs4(&'a [u8]),
}

/// Formats `Name ::= SEQUENCE OF SET OF AttributeTypeAndValue` (the SEQUENCE's value) like
/// OpenSSL's `-nameopt RFC2253` (`XN_FLAG_RFC2253`): attributes in reverse order, `,` between
/// RDNs and `+` inside one, short names for known attribute types, RFC 2253 escaping, and every
/// byte outside ASCII (of the value as UTF-8) escaped as `\XX`. Values of unknown attribute
/// types, and values that are not strings, are printed as `#` and the hex of their DER.
///
/// A name that OpenSSL would refuse to load (a string type that is not valid in its encoding,
/// a value of a type X.509 names cannot hold) is refused, and so is an empty RDN.
fn format_name(value: &[u8]) -> Result<String, Reason> {
    let m = |_| BAD_NAME;
    let mut attributes = Vec::new();
    let mut rdns = value;
    let mut rdn = 0;
    while !rdns.is_empty() {
        let (set, rest) = asn1::expect(rdns, asn1::TAG_SET).map_err(m)?;
        rdns = rest;
        if set.is_empty() {
            return Err(BAD_NAME);
        }
        let mut set = set;
        while !set.is_empty() {
            let (attribute, rest) = asn1::expect(set, asn1::TAG_SEQUENCE).map_err(m)?;
            set = rest;
            let (oid, rest) = asn1::expect(attribute, asn1::TAG_OID).map_err(m)?;
            check_oid(oid).ok_or(BAD_NAME)?;
            let (tlv, after) = asn1::read(rest).map_err(m)?;
            if !after.is_empty() {
                return Err(BAD_NAME);
            }
            attributes.push(Attribute {
                rdn,
                oid,
                der: rest,
                text: attribute_text(tlv)?,
            });
        }
        rdn += 1;
    }

    let mut out = String::new();
    let mut previous = None;
    for attribute in attributes.iter().rev() {
        match previous {
            Some(rdn) if rdn == attribute.rdn => out.push('+'),
            Some(_) => out.push(','),
            None => {}
        }
        previous = Some(attribute.rdn);
        match short_name(attribute.oid) {
            Some(name) => {
                out.push_str(name);
                out.push('=');
                match attribute.text {
                    Some(text) => push_escaped(&mut out, text),
                    None => push_hex_der(&mut out, attribute.der),
                }
            }
            None => {
                // The value was checked all the same (OpenSSL refuses a bad string whatever its
                // type). The OID goes through an 80-byte buffer in OpenSSL: 79 characters.
                let mut dotted = oid_text(attribute.oid);
                dotted.truncate(79);
                out.push_str(&dotted);
                out.push('=');
                push_hex_der(&mut out, attribute.der);
            }
        }
    }
    Ok(out)
}

/// How an attribute value prints: `Some` text for the string types, `None` for `#hex`; `Err`
/// for what OpenSSL refuses in a name (its `ASN1_PRINTABLE`: BOOLEAN, INTEGER, OCTET STRING,
/// VisibleString, times, other classes, …, and strings invalid in their encoding). Constructed
/// (BER) strings, which OpenSSL would join, are refused too: certificates are DER.
fn attribute_text(tlv: Tlv<'_>) -> Result<Option<Text<'_>>, Reason> {
    let v = tlv.value;
    let text = match tlv.tag {
        asn1::TAG_UTF8_STRING => {
            std::str::from_utf8(v).map_err(|_| BAD_NAME)?;
            Text::Utf8(v)
        }
        asn1::TAG_NUMERIC_STRING
        | asn1::TAG_PRINTABLE_STRING
        | asn1::TAG_TELETEX_STRING
        | asn1::TAG_IA5_STRING => Text::Latin1(v),
        asn1::TAG_BMP_STRING => {
            if !v.len().is_multiple_of(2) || ucs2(v).any(|c| c.is_none()) {
                return Err(BAD_NAME);
            }
            Text::Ucs2(v)
        }
        asn1::TAG_UNIVERSAL_STRING => {
            if !v.len().is_multiple_of(4) || ucs4(v).any(|c| c.is_none()) {
                return Err(BAD_NAME);
            }
            Text::Ucs4(v)
        }
        asn1::TAG_BIT_STRING => {
            bit_string(v).map_err(|_| BAD_NAME)?;
            return Ok(None);
        }
        // ObjectDescriptor, EXTERNAL, REAL, EMBEDDED PDV, RELATIVE-OID, TIME, 15,
        // CHARACTER STRING (primitive), and SEQUENCE: printed as their DER.
        0x07 | 0x08 | 0x09 | 0x0b | 0x0d | 0x0e | 0x0f | 0x1d | asn1::TAG_SEQUENCE => {
            return Ok(None);
        }
        _ => return Err(BAD_NAME),
    };
    Ok(Some(text))
}

fn ucs2(v: &[u8]) -> impl Iterator<Item = Option<char>> + '_ {
    v.chunks_exact(2)
        .map(|c| char::from_u32(u32::from(u16::from_be_bytes([c[0], c[1]]))))
}

fn ucs4(v: &[u8]) -> impl Iterator<Item = Option<char>> + '_ {
    v.chunks_exact(4)
        .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
}

/// OpenSSL's `do_buf` with `ASN1_STRFLGS_RFC2253`: each character of the value (for a
/// UTF8String, each byte) is converted to UTF-8 and every resulting byte escaped by
/// [`push_escaped_byte`]; the first and last character get RFC 2253's extra escapes (a value of
/// one character counts as last only).
fn push_escaped(out: &mut String, text: Text<'_>) {
    let mut utf8 = [0u8; 4];
    let mut push = |i: usize, n: usize, bytes: &[u8]| {
        let last = i + 1 == n;
        let first = i == 0 && !last;
        for &b in bytes {
            push_escaped_byte(out, b, first, last);
        }
    };
    match text {
        Text::Utf8(v) => {
            for (i, b) in v.iter().enumerate() {
                push(i, v.len(), std::slice::from_ref(b));
            }
        }
        Text::Latin1(v) => {
            for (i, &b) in v.iter().enumerate() {
                push(i, v.len(), char::from(b).encode_utf8(&mut utf8).as_bytes());
            }
        }
        Text::Ucs2(v) => {
            let n = v.len() / 2;
            for (i, c) in ucs2(v).enumerate() {
                let c = c.unwrap_or(char::REPLACEMENT_CHARACTER); // checked before
                push(i, n, c.encode_utf8(&mut utf8).as_bytes());
            }
        }
        Text::Ucs4(v) => {
            let n = v.len() / 4;
            for (i, c) in ucs4(v).enumerate() {
                let c = c.unwrap_or(char::REPLACEMENT_CHARACTER); // checked before
                push(i, n, c.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
}

/// OpenSSL's `do_esc_char` with `ESC_2253 | ESC_CTRL | ESC_MSB`: `,+"\<>;` get a backslash, so
/// do a leading `#` or space and a trailing space; control characters, DEL and every byte above
/// 0x7f become `\XX`.
fn push_escaped_byte(out: &mut String, b: u8, first: bool, last: bool) {
    match b {
        0x00..=0x1f | 0x7f..=0xff => {
            out.push('\\');
            push_hex(out, b);
        }
        b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';' => {
            out.push('\\');
            out.push(char::from(b));
        }
        b' ' if first || last => out.push_str("\\ "),
        b'#' if first => out.push_str("\\#"),
        _ => out.push(char::from(b)),
    }
}

fn push_hex(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0xf)]));
}

/// `#` and the value's DER in uppercase hex (`ASN1_STRFLGS_DUMP_DER`).
fn push_hex_der(out: &mut String, der: &[u8]) {
    out.push('#');
    for &b in der {
        push_hex(out, b);
    }
}

/// OpenSSL's short name of the attribute types that occur in certificate names: every X.520
/// type it names (2.5.4.*), and the common PKCS#9, RFC 4519 and EV ones. Any other type is
/// printed as its OID.
fn short_name(oid: &[u8]) -> Option<&'static str> {
    /// 2.5.4.3 to 2.5.4.54, by last arc.
    const X520: [&str; 52] = [
        "CN",
        "SN",
        "serialNumber",
        "C",
        "L",
        "ST",
        "street",
        "O",
        "OU",
        "title",
        "description",
        "searchGuide",
        "businessCategory",
        "postalAddress",
        "postalCode",
        "postOfficeBox",
        "physicalDeliveryOfficeName",
        "telephoneNumber",
        "telexNumber",
        "teletexTerminalIdentifier",
        "facsimileTelephoneNumber",
        "x121Address",
        "internationaliSDNNumber",
        "registeredAddress",
        "destinationIndicator",
        "preferredDeliveryMethod",
        "presentationAddress",
        "supportedApplicationContext",
        "member",
        "owner",
        "roleOccupant",
        "seeAlso",
        "userPassword",
        "userCertificate",
        "cACertificate",
        "authorityRevocationList",
        "certificateRevocationList",
        "crossCertificatePair",
        "name",
        "GN",
        "initials",
        "generationQualifier",
        "x500UniqueIdentifier",
        "dnQualifier",
        "enhancedSearchGuide",
        "protocolInformation",
        "distinguishedName",
        "uniqueMember",
        "houseIdentifier",
        "supportedAlgorithms",
        "deltaRevocationList",
        "dmdName",
    ];
    const OTHERS: &[(&[u8], &str)] = &[
        (&[0x55, 0x04, 65], "pseudonym"),
        (&[0x55, 0x04, 72], "role"),
        (&[0x55, 0x04, 97], "organizationIdentifier"),
        // 1.2.840.113549.1.9.{1,2,8}
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01],
            "emailAddress",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x02],
            "unstructuredName",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x08],
            "unstructuredAddress",
        ),
        // 0.9.2342.19200300.100.1.{1,3,25}
        (
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
            "UID",
        ),
        (
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x03],
            "mail",
        ),
        (
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
            "DC",
        ),
        // 1.3.6.1.4.1.311.60.2.1.{1,2,3}
        (
            &[
                0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x01,
            ],
            "jurisdictionL",
        ),
        (
            &[
                0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x02,
            ],
            "jurisdictionST",
        ),
        (
            &[
                0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x03,
            ],
            "jurisdictionC",
        ),
    ];
    if let [0x55, 0x04, arc @ 3..=54] = oid {
        return Some(X520[usize::from(arc - 3)]);
    }
    OTHERS
        .iter()
        .find(|(known, _)| *known == oid)
        .map(|(_, name)| *name)
}

/// Longest subidentifier accepted in an OBJECT IDENTIFIER, in base-128 digits (133 bits: a
/// UUID arc, `2.25.<128 bits>`, fits).
const MAX_OID_ARC_DIGITS: usize = 19;

/// Calls `arc` with the base-128 digits (bytes, continuation bits included) of each
/// subidentifier of an OBJECT IDENTIFIER's content; the first one holds the first two arcs.
/// `None` unless the content is DER (not empty, no subidentifier with a leading 0x80 byte, none
/// cut off) and no subidentifier is longer than [`MAX_OID_ARC_DIGITS`].
fn parse_oid(oid: &[u8], mut arc: impl FnMut(&[u8])) -> Option<()> {
    let mut rest = oid;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let end = rest.iter().position(|b| b & 0x80 == 0)? + 1;
        let (digits, tail) = rest.split_at(end);
        if digits[0] == 0x80 || digits.len() > MAX_OID_ARC_DIGITS {
            return None;
        }
        arc(digits);
        rest = tail;
    }
    Some(())
}

fn check_oid(oid: &[u8]) -> Option<()> {
    parse_oid(oid, |_| {})
}

/// Dotted decimal, the first two arcs split from the first subidentifier as OpenSSL does.
fn oid_text(oid: &[u8]) -> String {
    let mut out = String::new();
    let _ = parse_oid(oid, |digits| {
        if out.is_empty() {
            let (top, minus) = match digits {
                [0..40] => (b'0', 0),
                [40..80] => (b'1', 40),
                _ => (b'2', 80), // 80 or more
            };
            out.push(char::from(top));
            out.push('.');
            push_decimal(&mut out, digits, minus);
        } else {
            out.push('.');
            push_decimal(&mut out, digits, 0);
        }
    });
    out
}

/// Appends a subidentifier (base-128 digits, at most [`MAX_OID_ARC_DIGITS`]) less `minus`
/// (which it is not below) in decimal, without wide arithmetic: schoolbook division by ten.
fn push_decimal(out: &mut String, digits: &[u8], minus: u8) {
    let mut number = [0u8; MAX_OID_ARC_DIGITS];
    let number = &mut number[..digits.len()];
    for (n, d) in number.iter_mut().zip(digits) {
        *n = d & 0x7f;
    }
    let mut borrow = minus;
    for n in number.iter_mut().rev() {
        let (v, under) = n.overflowing_sub(borrow);
        *n = if under { v.wrapping_add(128) } else { v };
        borrow = u8::from(under);
    }
    let mut text = [0u8; 48]; // 133 bits have at most 41 decimal digits
    let mut len = 0;
    loop {
        let mut remainder = 0u16;
        for n in number.iter_mut() {
            let value = remainder * 128 + u16::from(*n);
            *n = (value / 10) as u8;
            remainder = value % 10;
        }
        text[len] = b'0' + remainder as u8;
        len += 1;
        if number.iter().all(|&n| n == 0) {
            break;
        }
    }
    out.extend(text[..len].iter().rev().map(|&c| char::from(c)));
}

// --------------------------------------------------------------------------------------------
// Times

/// A validity date, to the second, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl DateTime {
    /// `Time ::= CHOICE { UTCTime, GeneralizedTime }` as RFC 5280 has them: `YYMMDDHHMMSSZ` (years
    /// 50 to 99 are 19xx, the others 20xx) or `YYYYMMDDHHMMSSZ`. No fractions, offsets or missing
    /// seconds; every field in its range.
    pub(crate) fn from_der(tlv: Tlv<'_>) -> Option<Self> {
        let (year, rest) = match tlv.tag {
            asn1::TAG_UTC_TIME if tlv.value.len() == 13 => {
                let yy = digits(&tlv.value[..2])?;
                (
                    if yy >= 50 { 1900 + yy } else { 2000 + yy },
                    &tlv.value[2..],
                )
            }
            asn1::TAG_GENERALIZED_TIME if tlv.value.len() == 15 => {
                (digits(&tlv.value[..4])?, &tlv.value[4..])
            }
            _ => return None,
        };
        let (fields, z) = rest.split_at(10);
        if z != b"Z" {
            return None;
        }
        let field = |i: usize| digits(&fields[2 * i..2 * i + 2]).map(|v| v as u8);
        let t = Self {
            year,
            month: field(0)?,
            day: field(1)?,
            hour: field(2)?,
            minute: field(3)?,
            second: field(4)?,
        };
        let valid = (1..=12).contains(&t.month)
            && (1..=days_in_month(t.year, t.month)).contains(&t.day)
            && t.hour < 24
            && t.minute < 60
            && t.second < 60;
        valid.then_some(t)
    }

    /// RFC 3339: `YYYY-MM-DDTHH:MM:SSZ`.
    pub(crate) fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub(crate) fn unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

/// ASCII decimal digits, nothing else.
fn digits(text: &[u8]) -> Option<u16> {
    text.iter().try_fold(0u16, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u16::from(b - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: u16, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400); // 0..=399
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1; // from March 1st
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(tag: u8, text: &str) -> Option<DateTime> {
        DateTime::from_der(Tlv {
            tag,
            value: text.as_bytes(),
        })
    }

    fn utc(text: &str) -> Option<(String, i64)> {
        time(asn1::TAG_UTC_TIME, text).map(|t| (t.rfc3339(), t.unix()))
    }

    fn generalized(text: &str) -> Option<(String, i64)> {
        time(asn1::TAG_GENERALIZED_TIME, text).map(|t| (t.rfc3339(), t.unix()))
    }

    fn some(text: &str, unix: i64) -> Option<(String, i64)> {
        Some((text.to_string(), unix))
    }

    #[test]
    fn utc_time_century_follows_rfc_5280() {
        assert_eq!(utc("700101000000Z"), some("1970-01-01T00:00:00Z", 0));
        assert_eq!(
            utc("500101000000Z"),
            some("1950-01-01T00:00:00Z", -631_152_000)
        );
        assert_eq!(
            utc("991231235959Z"),
            some("1999-12-31T23:59:59Z", 946_684_799)
        );
        assert_eq!(
            utc("000101000000Z"),
            some("2000-01-01T00:00:00Z", 946_684_800)
        );
        assert_eq!(
            utc("491231235959Z"),
            some("2049-12-31T23:59:59Z", 2_524_607_999)
        );
        assert_eq!(utc("380119031408Z"), some("2038-01-19T03:14:08Z", 1 << 31));
        assert_eq!(
            utc("260628003437Z"),
            some("2026-06-28T00:34:37Z", 1_782_606_877)
        );
    }

    #[test]
    fn generalized_time() {
        assert_eq!(
            generalized("20500101000000Z"),
            some("2050-01-01T00:00:00Z", 2_524_608_000)
        );
        assert_eq!(
            generalized("99991231235959Z"),
            some("9999-12-31T23:59:59Z", 253_402_300_799)
        );
        assert_eq!(
            generalized("19691231235959Z"),
            some("1969-12-31T23:59:59Z", -1)
        );
        assert_eq!(
            generalized("00000101000000Z"),
            some("0000-01-01T00:00:00Z", -62_167_219_200)
        );
        // Also before 2050, which RFC 5280 says to write as UTCTime (OpenSSL reads it too).
        assert_eq!(
            generalized("20210629003437Z"),
            some("2021-06-29T00:34:37Z", 1_624_926_877)
        );
    }

    #[test]
    fn leap_years() {
        assert!(utc("000229000000Z").is_some()); // 2000: divisible by 400
        assert!(utc("240229000000Z").is_some());
        assert!(utc("230229000000Z").is_none());
        assert!(generalized("21000229000000Z").is_none()); // divisible by 100
        assert!(generalized("24000229000000Z").is_some());
        assert!(utc("990229000000Z").is_none());
        assert_eq!(
            generalized("20600229123456Z"),
            some("2060-02-29T12:34:56Z", 2_845_283_696)
        );
        assert_eq!(
            utc("000301000000Z"),
            some("2000-03-01T00:00:00Z", 951_868_800)
        );
    }

    #[test]
    fn every_day_matches_a_day_count() {
        // days_from_civil against counting days one by one from 1950 to 2100.
        let mut expected = days_from_civil(1950, 1, 1);
        assert_eq!(expected, -7305);
        for year in 1950..=2100u16 {
            for month in 1..=12u8 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(
                        days_from_civil(year, month, day),
                        expected,
                        "{year}-{month}-{day}"
                    );
                    expected += 1;
                }
            }
        }
    }

    #[test]
    fn refuses_what_rfc_5280_does_not_allow() {
        for bad in [
            "4912312359Z",       // no seconds
            "491231235959",      // no Z
            "491231235959z",     // lowercase z
            "491231235959.5Z",   // fraction
            "491231235959+0100", // offset
            "4912312359+9Z",     // sign among the digits
            "49123123595 Z",     // space
            "4912312359599Z",    // one digit too many
            "491331235959Z",     // month 13
            "490031235959Z",     // month 0
            "491200235959Z",     // day 0
            "491232235959Z",     // day 32
            "490431235959Z",     // 31 April
            "491231245959Z",     // hour 24
            "491231236059Z",     // minute 60
            "491231235960Z",     // second 60 (leap seconds are not used)
            "",
        ] {
            assert_eq!(utc(bad), None, "UTCTime {bad:?}");
        }
        for bad in [
            "205012312359Z",     // no seconds
            "20501231235959",    // no Z
            "20501231235959.5Z", // fraction
            "20501231235959+0000",
            "2050123123595Z",
            "205012312359590Z",
            "20501231235960Z",
            "-0501231235959Z",
        ] {
            assert_eq!(generalized(bad), None, "GeneralizedTime {bad:?}");
        }
        // The tag decides the form: a UTCTime is not read as a GeneralizedTime, nor the reverse.
        assert_eq!(utc("20501231235959Z"), None);
        assert_eq!(generalized("501231235959Z"), None);
        assert_eq!(time(asn1::TAG_PRINTABLE_STRING, "501231235959Z"), None);
    }

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        assert!(content.len() < 0x80);
        let mut out = vec![tag, content.len() as u8];
        out.extend_from_slice(content);
        out
    }

    fn name(rdns: &[&[(&[u8], Vec<u8>)]]) -> Vec<u8> {
        let mut out = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, value) in *rdn {
                let mut atv = tlv(asn1::TAG_OID, oid);
                atv.extend_from_slice(value);
                set.extend(tlv(asn1::TAG_SEQUENCE, &atv));
            }
            out.extend(tlv(asn1::TAG_SET, &set));
        }
        out
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];

    fn utf8(text: &str) -> Vec<u8> {
        tlv(asn1::TAG_UTF8_STRING, text.as_bytes())
    }

    // The expected strings below are what `openssl x509 -noout -subject -nameopt RFC2253`
    // (3.0.19) prints for these names; tests/openssl_fixtures.rs compares whole certificates
    // with OpenSSL itself.
    #[test]
    fn names_are_escaped_like_openssl() {
        let cases: &[(Vec<u8>, &str)] = &[
            (
                utf8(" #a,b+c\"d\\e<f>g;h=i "),
                r#"CN=\ #a\,b\+c\"d\\e\<f\>g\;h=i\ "#,
            ),
            (utf8("#"), "CN=#"), // one character: only the "last" rule applies
            (utf8(" "), r"CN=\ "),
            (utf8("#x#"), r"CN=\#x#"),
            (utf8(""), "CN="),
            (utf8("a\u{1}b\u{7f}c\0d"), r"CN=a\01b\7Fc\00d"),
            (utf8("한"), r"CN=\ED\95\9C"),
            (tlv(asn1::TAG_TELETEX_STRING, b"caf\xe9"), r"CN=caf\C3\A9"),
            (tlv(asn1::TAG_NUMERIC_STRING, b"123 45"), "CN=123 45"),
            (
                tlv(asn1::TAG_BMP_STRING, b"\xd5\x5c\x00a\x00,"),
                r"CN=\ED\95\9Ca\,",
            ),
            (
                tlv(asn1::TAG_UNIVERSAL_STRING, b"\0\x01\xf6\x00\0\0\0x"),
                r"CN=\F0\9F\98\80x",
            ),
            (tlv(asn1::TAG_BIT_STRING, b"\x00ab"), "CN=#0303006162"),
            (tlv(0x07, b"od"), "CN=#07026F64"),
        ];
        for (value, want) in cases {
            let der = name(&[&[(CN, value.clone())]]);
            assert_eq!(format_name(&der).as_deref(), Ok(*want), "{value:02x?}");
        }
    }

    #[test]
    fn names_are_reversed_with_multi_valued_rdns() {
        let der = name(&[
            &[
                (CN, utf8("1")),
                (O, utf8("2")),
                (&[0x55, 0x04, 0x0b], utf8("3")),
            ],
            &[(&[0x55, 0x04, 0x06], tlv(asn1::TAG_PRINTABLE_STRING, b"KR"))],
        ]);
        assert_eq!(format_name(&der).as_deref(), Ok("C=KR,OU=3+O=2+CN=1"));
        assert_eq!(format_name(&[]).as_deref(), Ok(""));
    }

    #[test]
    fn unknown_types_print_as_oid_and_der() {
        let der = name(&[
            &[(&[0x2a, 0x03, 0x04], utf8("ab"))],
            &[(&[0x2a, 0x03, 0x04], tlv(asn1::TAG_SEQUENCE, &utf8("ab")))],
            &[(&[0x88, 0x37, 0x03], utf8("x"))], // 2.999.3
        ]);
        assert_eq!(
            format_name(&der).as_deref(),
            Ok("2.999.3=#0C0178,1.2.3.4=#30040C026162,1.2.3.4=#0C026162")
        );
        // 2.25.(2^128 - 1), a UUID OID.
        let mut uuid = vec![0x69, 0x83];
        uuid.extend([0xff; 17]);
        uuid.push(0x7f);
        assert_eq!(
            oid_text(&uuid),
            "2.25.340282366920938463463374607431768211455"
        );
        assert_eq!(oid_text(&[0x00]), "0.0");
        assert_eq!(oid_text(&[0x27, 0x00]), "0.39.0");
        assert_eq!(oid_text(&[0x28]), "1.0");
        assert_eq!(oid_text(&[0x4f]), "1.39");
        assert_eq!(oid_text(&[0x50]), "2.0");
        assert_eq!(oid_text(&[0x7f]), "2.47");
        assert_eq!(oid_text(&[0x81, 0x00, 0x7f]), "2.48.127");
        assert_eq!(oid_text(&[0x81, 0x80, 0x00]), "2.16304"); // 2^14 - 80
        uuid.insert(2, 0x81);
        assert!(check_oid(&uuid).is_none()); // 20 base-128 digits
        // OpenSSL's 79-character limit.
        let mut long = vec![0x2a];
        for _ in 0..9 {
            long.extend([0xba, 0xef, 0x9a, 0x15]); // 123456789
        }
        let der = name(&[&[(&long, utf8("ab"))]]);
        assert_eq!(
            format_name(&der).as_deref(),
            Ok(concat!(
                "1.2.123456789.123456789.123456789.123456789.123456789.123456789.123456789.",
                "12345=#0C026162"
            ))
        );
        assert_eq!(
            short_name(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]),
            Some("emailAddress")
        );
        assert_eq!(
            short_name(&[0x55, 0x04, 97]),
            Some("organizationIdentifier")
        );
        assert_eq!(short_name(&[0x55, 0x04, 55]), None);
    }

    #[test]
    fn refuses_what_openssl_refuses_in_names() {
        for value in [
            tlv(asn1::TAG_UTF8_STRING, b"\xff"),
            tlv(asn1::TAG_UTF8_STRING, b"\xed\xa0\x80"), // a surrogate
            tlv(asn1::TAG_UTF8_STRING, b"\xc0\x80"),     // overlong
            tlv(asn1::TAG_BMP_STRING, b"\x00a\x00"),     // odd length
            tlv(asn1::TAG_BMP_STRING, b"\xd8\x00"),      // a surrogate
            tlv(asn1::TAG_UNIVERSAL_STRING, b"\x00\x11\x00\x00"), // above U+10FFFF
            tlv(asn1::TAG_UNIVERSAL_STRING, b"\x00\x00\x61"),
            tlv(asn1::TAG_INTEGER, b"\x01"),
            tlv(asn1::TAG_BOOLEAN, b"\xff"),
            tlv(asn1::TAG_OCTET_STRING, b"ab"),
            tlv(asn1::TAG_NULL, b""),
            tlv(0x1a, b"visible"),
            tlv(asn1::TAG_UTC_TIME, b"500101000000Z"),
            tlv(0x80, b"ab"),
            tlv(asn1::TAG_SET, &utf8("x")),
            tlv(0x2c, &utf8("x")), // a constructed UTF8String (BER)
            tlv(asn1::TAG_BIT_STRING, b"\x08\x00"),
            tlv(asn1::TAG_BIT_STRING, b"\x01\x01"), // an unused bit set
            tlv(asn1::TAG_BIT_STRING, b""),
        ] {
            let der = name(&[&[(CN, value.clone())]]);
            assert_eq!(format_name(&der), Err(BAD_NAME), "{value:02x?}");
        }
        // An empty RDN, an AttributeTypeAndValue with two values, bad OIDs.
        let mut der = name(&[&[(CN, utf8("x"))]]);
        der.extend([asn1::TAG_SET, 0]);
        assert_eq!(format_name(&der), Err(BAD_NAME));
        let mut two = utf8("a");
        two.extend(utf8("b"));
        assert_eq!(format_name(&name(&[&[(CN, two)]])), Err(BAD_NAME));
        for oid in [&[][..], &[0x55, 0x04, 0x83], &[0x80, 0x55, 0x04, 0x03]] {
            assert_eq!(format_name(&name(&[&[(oid, utf8("x"))]])), Err(BAD_NAME));
        }
    }

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
