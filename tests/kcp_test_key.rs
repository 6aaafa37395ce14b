//! KCP's public test pair (site_cd T0000, `tests/fixtures/kcp/`, copied from KCP's sample code by
//! `tests/fixtures/make-fixtures.sh`): the key KCP actually ships, in its
//! pbeWithSHAAnd3-KeyTripleDES-CBC wrapping, against OpenSSL's signatures.

use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use kcp_wasm::{Certificate, KeyFormat, MerchantKey, cancel_plaintext, inquiry_plaintext};
use serde_json::Value;

fn kcp(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kcp")
        .join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn key() -> MerchantKey {
    MerchantKey::from_pem(&kcp("splPrikeyPKCS8.pem"), "changeit")
        .unwrap_or_else(|e| panic!("KCP's test key refused: {} ({e})", e.code()))
}

fn cert() -> Certificate {
    Certificate::from_pem(&kcp("splCert.pem"))
        .unwrap_or_else(|e| panic!("KCP's test certificate refused: {} ({e})", e.code()))
}

/// `[(plaintext, OpenSSL's base64 signature)]` from kcp/signatures.json.
fn openssl_signatures() -> Vec<(String, String)> {
    let sigs: Value = serde_json::from_str(&kcp("signatures.json")).unwrap();
    sigs.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["plaintext"].as_str().unwrap().to_string(),
                s["signature"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_test_key_decrypts_with_changeit() {
    let key = key();
    assert_eq!(key.format(), KeyFormat::Pkcs12Sha1TripleDes);
    assert_eq!(key.format().as_str(), "pkcs12-pbe-sha1-3des");
    assert_eq!(key.modulus_bits(), 2048);
}

#[test]
fn the_test_key_refuses_other_passwords() {
    let pem = kcp("splPrikeyPKCS8.pem");
    for wrong in ["changeme", "Changeit", "changeit ", "", "changei"] {
        let err = MerchantKey::from_pem(&pem, wrong)
            .err()
            .unwrap_or_else(|| panic!("{wrong:?} accepted"));
        assert_eq!(
            err.code(),
            "KEY_PASSWORD_INCORRECT",
            "password {wrong:?}: {err}"
        );
    }
}

#[test]
fn the_test_key_signs_like_openssl() {
    let key = key();
    let sigs = openssl_signatures();
    assert!(sigs.len() >= 4);
    assert!(
        sigs.iter().any(|(pt, _)| !pt.is_ascii()),
        "a Korean plaintext is among them"
    );
    for (plaintext, expected) in &sigs {
        assert_eq!(
            &key.sign(plaintext).expect("sign"),
            expected,
            "sign({plaintext:?})"
        );
        let raw = base64::engine::general_purpose::STANDARD
            .decode(expected)
            .unwrap();
        assert_eq!(
            key.sign_bytes(plaintext.as_bytes()).expect("sign_bytes"),
            raw,
            "sign_bytes({plaintext:?})"
        );
        // kcp_sign_data is one line of standard, padded base64 of 256 bytes.
        assert_eq!(expected.len(), 344);
        assert!(expected.ends_with('='));
    }
}

#[test]
fn the_test_key_pairs_with_its_certificate() {
    let key = key();
    let cert = cert();
    assert!(cert.matches(&key));
    for (plaintext, signature) in openssl_signatures() {
        assert!(cert.verify(&plaintext, &signature), "verify({plaintext:?})");
        assert!(cert.public_key().verify(
            plaintext.as_bytes(),
            &key.sign_bytes(plaintext.as_bytes()).unwrap()
        ));
        assert!(
            !cert.verify(&format!("{plaintext}x"), &signature),
            "verify of another plaintext"
        );
    }
    assert!(
        !cert
            .public_key()
            .verify(b"T0000^21234567890123^STSC", &[0u8; 256])
    );
}

#[test]
fn kcp_cert_info_is_the_certificate_without_line_breaks() {
    let expected = kcp("cert-info.txt");
    assert!(expected.starts_with("-----BEGIN CERTIFICATE-----MII"));
    assert!(expected.ends_with("-----END CERTIFICATE-----"));
    assert!(!expected.contains(['\r', '\n']));
    assert_eq!(cert().to_kcp_cert_info(), expected);
}

#[test]
fn the_certificate_is_read_in_every_shape_merchants_store_it() {
    let pem = kcp("splCert.pem");
    let expected = kcp("cert-info.txt");
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let shapes = [
        ("one line (kcp_cert_info itself)", expected.clone()),
        ("bare base64 body, one line", body.replace('\n', "")),
        ("bare base64 body with line breaks", body.clone()),
        ("CRLF line endings", pem.replace('\n', "\r\n")),
    ];
    for (what, input) in shapes {
        let cert = Certificate::from_pem(&input)
            .unwrap_or_else(|e| panic!("{what}: refused with {} ({e})", e.code()));
        assert_eq!(cert.to_kcp_cert_info(), expected, "{what}");
        assert!(cert.matches(&key()), "{what}");
    }
}

#[test]
fn the_certificate_details() {
    let cert = cert();
    // As OpenSSL reads them (manifest.json "certs"): the validity ended 2026-06-28.
    assert_eq!(cert.not_after(), "2026-06-28T00:34:37Z");
    assert_eq!(
        cert.serial_number()
            .to_ascii_lowercase()
            .replace(':', "")
            .trim_start_matches('0'),
        "72e2560d1bba2"
    );
    let subject = cert.subject();
    for part in ["2021062910000024", "DEVPGWEB", "LocalWeb", "Seoul", "KR"] {
        assert!(subject.contains(part), "subject {subject:?} lacks {part}");
    }
}

#[test]
fn the_private_key_in_the_certificate_slot_is_named_as_such() {
    let err = Certificate::from_pem(&kcp("splPrikeyPKCS8.pem"))
        .expect_err("key accepted as a certificate");
    assert_eq!(err.code(), "CERT_IS_PRIVATE_KEY", "{err}");
    // The same when the key arrives on one line, as a misplaced environment variable would.
    let one_line: String = kcp("splPrikeyPKCS8.pem").lines().collect();
    let err = Certificate::from_pem(&one_line).expect_err("one-line key accepted as a certificate");
    assert_eq!(err.code(), "CERT_IS_PRIVATE_KEY", "{err}");
}

#[test]
fn the_plaintext_builders_give_what_openssl_signed() {
    let key = key();
    let sigs = openssl_signatures();
    let built = [
        cancel_plaintext("T0000", "21234567890123", "STSC").unwrap(),
        cancel_plaintext("T0000", "21234567890123", "STPC").unwrap(),
        inquiry_plaintext("T0000", "21234567890123", "PACA").unwrap(),
    ];
    for plaintext in built {
        let (_, expected) = sigs
            .iter()
            .find(|(pt, _)| *pt == plaintext)
            .unwrap_or_else(|| panic!("{plaintext:?} is not among OpenSSL's plaintexts"));
        assert_eq!(&key.sign(&plaintext).unwrap(), expected, "{plaintext}");
    }
}

/// The body carries `kcp_sign_data`; `Debug` of a prepared request must not print it.
#[test]
fn prepared_request_debug_hides_the_signature() {
    use kcp_wasm::{Cancel, Environment, Merchant};
    let merchant = Merchant::new("T0000", cert(), key(), Environment::Staging).unwrap();
    let request = merchant
        .cancel(&Cancel {
            tno: "21234567890123".into(),
            reason: None,
        })
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    let signature = body["kcp_sign_data"].as_str().unwrap();
    let debug = format!("{request:?}");
    assert!(debug.contains("T0000^21234567890123^STSC"), "{debug}");
    assert!(!debug.contains(signature));
    assert!(!debug.contains(&signature[..16]));
}
