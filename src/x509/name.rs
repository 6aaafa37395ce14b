//! Certificate names (`Name ::= SEQUENCE OF SET OF AttributeTypeAndValue`) formatted exactly as
//! `openssl x509 -noout -subject -nameopt RFC2253` prints them, and the OBJECT IDENTIFIER reader
//! they need (shortest form checked, dotted decimal for types OpenSSL has no short name for).

use super::{Reason, bit_string};
use crate::asn1::{self, Tlv};

const BAD_NAME: Reason = "the certificate's subject or issuer cannot be read";

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
pub(super) fn format_name(value: &[u8]) -> Result<String, Reason> {
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

pub(super) fn check_oid(oid: &[u8]) -> Option<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
