//! Secrets never leak: the whole error suite — every hostile fixture, wrong passwords (among them
//! the distinctive `S3cr3t-비밀-Pa55`), malformed certificates, bad fields, key/certificate
//! mismatches, KCP's refusals and malformed replies — is run, every error's `Display`, `Debug`
//! and pretty `Debug` is collected together with the `Debug` of every `MerchantKey`, `Merchant`
//! and `Certificate` made along the way, and none may contain:
//!
//! * a password that was tried (verbatim, or as UTF-8 / PKCS#12 BMPString bytes in any encoding);
//! * any 16-byte run of key material — the secret half (d, p, q, dP, dQ, qInv) of every fixture
//!   key's decrypted DER, and the Triple DES key derived for KCP's test key — as raw bytes,
//!   base64 (any alignment), hex or a `Debug` byte list;
//! * a signature the keys produced (verbatim base64, or its bytes in any of those encodings).
//!
//! The scanner itself is tested first, so that a silent scanner cannot pass the leak test.

#[path = "support/leaks.rs"]
mod leaks;

use std::fs;
use std::path::PathBuf;

use base64::Engine as _;
use kcp_wasm::{
    Cancel, Certificate, Environment, Expect, Inquiry, Merchant, MerchantKey, Modify, Operation,
    Refund, RefundAccount, TaxSplit, parse_inquiry_response, parse_modify_response,
};
use serde_json::Value;

/// A password that cannot appear in any message by chance.
const DISTINCTIVE: &str = "S3cr3t-비밀-Pa55";
/// KCP's test key's Triple DES key, derived from `changeit` (KCP-API.md).
const KCP_3DES_KEY: &str = "57b3e3c362f9113594d8c41ca7973ed9e944038389810a13";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn manifest() -> Value {
    serde_json::from_str(&fs::read_to_string(fixtures().join("manifest.json")).unwrap()).unwrap()
}

fn load(file: &str, password: &str) -> Result<MerchantKey, kcp_wasm::Error> {
    let path = fixtures().join(file);
    if file.ends_with(".der") {
        MerchantKey::from_der(&fs::read(&path).unwrap(), password)
    } else {
        MerchantKey::from_pem(&fs::read_to_string(&path).unwrap(), password)
    }
}

fn read(file: &str) -> String {
    fs::read_to_string(fixtures().join(file)).unwrap()
}

/// Everything printed along the way, with where it came from.
#[derive(Default)]
struct Transcript {
    lines: Vec<(String, String)>,
    codes: std::collections::BTreeSet<&'static str>,
}

impl Transcript {
    fn error(&mut self, context: &str, e: &kcp_wasm::Error) {
        self.codes.insert(e.code());
        self.lines
            .push((format!("{context}: Display"), e.to_string()));
        self.lines
            .push((format!("{context}: Debug"), format!("{e:?}")));
        self.lines
            .push((format!("{context}: Debug (pretty)"), format!("{e:#?}")));
    }

    fn debug(&mut self, context: &str, value: &dyn std::fmt::Debug) {
        self.lines
            .push((format!("{context}: Debug"), format!("{value:?}")));
        self.lines
            .push((format!("{context}: Debug (pretty)"), format!("{value:#?}")));
    }

    fn result<T: std::fmt::Debug>(&mut self, context: &str, r: &Result<T, kcp_wasm::Error>) {
        match r {
            Ok(v) => self.debug(context, v),
            Err(e) => self.error(context, e),
        }
    }
}

fn passwords(m: &Value) -> Vec<String> {
    let mut all: Vec<String> = vec![DISTINCTIVE.into(), "changeit".into(), "비밀번호한글".into()];
    for list in ["keys", "hostile"] {
        for e in m[list].as_array().unwrap() {
            let pw = e["password"].as_str().unwrap();
            if pw.len() >= 6 && !all.iter().any(|p| p == pw) {
                all.push(pw.to_string());
            }
        }
    }
    all
}

fn secrets(m: &Value, signatures: &[String]) -> leaks::Secrets {
    let mut s = leaks::Secrets::new();
    for pw in passwords(m) {
        s.add_string("a password", &pw);
        if pw.len() >= leaks::RUN {
            s.add_bytes("a password (UTF-8)", pw.as_bytes());
        }
        let bmp = leaks::bmp(&pw);
        if bmp.len() >= leaks::RUN {
            s.add_bytes("a password (BMPString)", &bmp);
        }
    }
    for bits in ["rsa2048", "rsa3072", "rsa4096"] {
        let der = fs::read(fixtures().join(format!("{bits}/pkcs8.der"))).unwrap();
        s.add_bytes("private key material", leaks::private_part(&der));
    }
    match leaks::kcp_private_der(&fixtures()) {
        Some(der) => s.add_bytes("KCP test key material", leaks::private_part(&der)),
        None => eprintln!("openssl not found: the KCP test key's own DER is not among the secrets"),
    }
    s.add_bytes(
        "KCP test key's 3DES key",
        &hex::decode(KCP_3DES_KEY).unwrap(),
    );
    for sig in signatures {
        s.add_string("a signature", sig);
        s.add_bytes(
            "a signature (bytes)",
            &base64::engine::general_purpose::STANDARD
                .decode(sig)
                .unwrap(),
        );
    }
    s
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    let der = fs::read(fixtures().join("rsa2048/pkcs8.der")).unwrap();
    let private = leaks::private_part(&der);
    let mut s = leaks::Secrets::new();
    s.add_bytes("key", private);
    s.add_string("password", DISTINCTIVE);
    assert!(s.window_count() > 900);

    let b64 = base64::engine::general_purpose::STANDARD;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    for start in [0, 1, 2, 100, 333, 500] {
        let run = &private[start..start + 16];
        let wider = &private[start..start + 40];
        for text in [
            format!("prefix {} suffix", b64.encode(wider)),
            format!("x{}", b64.encode(wider)),
            format!("xy:{}", url.encode(wider)),
            format!("-----BEGIN X-----{}-----END X-----", b64.encode(wider)),
            hex::encode(run),
            format!("0x{}", hex::encode_upper(run)),
            format!("a{}", hex::encode(wider)),
            format!("{:?}", run.to_vec()),
            format!("{:#?}", wider.to_vec()),
        ] {
            assert!(s.find(&text).is_some(), "missed: {text}");
        }
    }
    assert!(s.find(&format!("wrong password {DISTINCTIVE:?}")).is_some());
    // What must not be flagged: public data and 15-byte runs.
    assert!(s.find(&b64.encode(&private[10..25])).is_none());
    let cert = Certificate::from_pem(&read("rsa2048/cert.pem")).unwrap();
    assert!(
        s.find(&cert.to_kcp_cert_info()).is_none(),
        "the modulus is public"
    );
    assert!(s.find(&format!("{cert:?}")).is_none());
}

#[test]
fn no_error_or_debug_output_leaks_a_secret() {
    let m = manifest();
    let mut t = Transcript::default();
    let mut signatures = Vec::new();
    let plaintexts = ["T0000^21234567890123^STSC", "T0000^21234567890123^PACA"];

    // Every hostile fixture, with its own password and with the distinctive one.
    for h in m["hostile"].as_array().unwrap() {
        let file = h["file"].as_str().unwrap();
        for pw in [h["password"].as_str().unwrap(), DISTINCTIVE] {
            let r = load(file, pw);
            if let Ok(key) = &r {
                panic!("hostile {file} was accepted: {key:?}");
            }
            t.result(&format!("hostile {file}"), &r);
        }
    }

    // Every key with the right password (collect its Debug). The slow parts — signing, wrong
    // passwords and damaged copies, each a KDF or an RSA operation in a debug build — run on
    // KCP's key and the 2048-bit fixtures, which cover every format.
    for k in m["keys"].as_array().unwrap() {
        let file = k["file"].as_str().unwrap();
        let password = k["password"].as_str().unwrap();
        let key = load(file, password).unwrap();
        t.debug(&format!("key {file}"), &key);
        t.debug(&format!("public key {file}"), &key.public_key());
        t.debug(&format!("format {file}"), &key.format());
        if !(file.starts_with("kcp/") || file.starts_with("rsa2048/")) {
            continue;
        }
        signatures.push(key.sign(plaintexts[signatures.len() % 2]).unwrap());
        t.result(
            &format!("key {file} with a wrong password"),
            &load(file, DISTINCTIVE),
        );
        if !password.is_empty() {
            t.result(
                &format!("key {file} with password+suffix"),
                &load(file, &format!("{password}{DISTINCTIVE}")),
            );
        }
        // The same file, damaged: cut short, a flipped byte in the middle, then as a certificate.
        let bytes = fs::read(fixtures().join(file)).unwrap();
        let cut = &bytes[..bytes.len() * 2 / 3];
        t.result(
            &format!("key {file} cut short (DER)"),
            &MerchantKey::from_der(cut, DISTINCTIVE),
        );
        t.result(
            &format!("key {file} cut short (text)"),
            &MerchantKey::from_pem(&String::from_utf8_lossy(cut), DISTINCTIVE),
        );
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x01;
        let flipped_text = String::from_utf8_lossy(&flipped).into_owned();
        t.result(
            &format!("key {file} flipped"),
            &MerchantKey::from_der(&flipped, password),
        );
        t.result(
            &format!("key {file} flipped (text)"),
            &MerchantKey::from_pem(&flipped_text, password),
        );
        t.result(
            &format!("key {file} as certificate (DER)"),
            &Certificate::from_der(&bytes),
        );
        t.result(
            &format!("key {file} as certificate (text)"),
            &Certificate::from_pem(&String::from_utf8_lossy(&bytes)),
        );
    }

    // Malformed certificates.
    let cert_pem = read("kcp/splCert.pem");
    let bad_certs = [
        String::new(),
        "not a certificate".to_string(),
        cert_pem[..cert_pem.len() / 2].to_string(),
        cert_pem.replace("MII", "MIJ"),
        cert_pem.replace("CERTIFICATE", "PRIVATE KEY"),
        read("rsa2048/pkcs8.pem"),
        read("rsa2048/pkcs1.pem"),
        read("kcp/splPrikeyPKCS8.pem"),
        read("hostile/ec-key.pem"),
    ];
    for (i, c) in bad_certs.iter().enumerate() {
        t.result(&format!("bad certificate #{i}"), &Certificate::from_pem(c));
    }

    // Merchants: a mismatch, a bad site code, a bad base URL, then the real one.
    let kcp_key = || load("kcp/splPrikeyPKCS8.pem", "changeit").unwrap();
    let kcp_cert = Certificate::from_pem(&cert_pem).unwrap();
    t.debug("KCP certificate", &kcp_cert);
    let mismatch = Certificate::from_pem(&read("mismatch/cert.pem")).unwrap();
    t.result(
        "mismatched merchant",
        &Merchant::new("T0000", mismatch, kcp_key(), Environment::Staging),
    );
    t.result(
        "bad site_cd",
        &Merchant::new("T0^00", kcp_cert.clone(), kcp_key(), Environment::Staging),
    );
    t.result(
        "bad base URL",
        &Merchant::new(
            "T0000",
            kcp_cert.clone(),
            kcp_key(),
            Environment::Custom(format!("https://u:{DISTINCTIVE}@x")),
        ),
    );
    let merchant = Merchant::new("T0000", kcp_cert, kcp_key(), Environment::Staging).unwrap();
    t.debug("merchant", &merchant);

    // Bad fields (refused before signing).
    let tno = "21234567890123".to_string();
    let bad_requests: Vec<Modify> = vec![
        Modify {
            tno: "1^STPC".into(),
            mod_type: "STSC".into(),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "XXXX".into(),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STSC".into(),
            reason: Some("a\nb".into()),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STSC".into(),
            reason: Some("가".repeat(40)),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STPC".into(),
            amount: Some(2),
            remaining: Some(1),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STPC".into(),
            amount: Some(0),
            remaining: Some(1),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STPC".into(),
            amount: Some(1),
            remaining: Some(u64::MAX),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STPC".into(),
            amount: Some(10),
            remaining: Some(10),
            tax: Some(TaxSplit {
                taxable: 9,
                vat: 0,
                tax_free: 0,
            }),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STHD".into(),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STHD".into(),
            refund_account: Some(RefundAccount {
                bank_code: "B^".into(),
                ..RefundAccount::default()
            }),
            ..Modify::default()
        },
        Modify {
            tno: tno.clone(),
            mod_type: "STE1".into(),
            extra: vec![("kcp_sign_data".into(), "x".into())],
            ..Modify::default()
        },
    ];
    for (i, r) in bad_requests.iter().enumerate() {
        t.result(
            &format!("bad request #{i}"),
            &merchant.modify(r).map(|_| ()),
        );
    }
    t.result(
        "bad cancel",
        &merchant
            .cancel(&Cancel {
                tno: String::new(),
                reason: None,
            })
            .map(|_| ()),
    );
    t.result(
        "bad refund",
        &merchant
            .refund(&Refund {
                tno: tno.clone(),
                amount: 5,
                remaining: 4,
                reason: None,
                tax: None,
            })
            .map(|_| ()),
    );
    t.result(
        "bad inquiry",
        &merchant
            .inquiry(&Inquiry {
                tno: tno.clone(),
                pay_type: "PA^A".into(),
            })
            .map(|_| ()),
    );

    // Good requests: their signatures join the secrets (the prepared request itself, which
    // carries its signature by design, is not part of the transcript).
    let refund = merchant
        .refund(&Refund {
            tno: tno.clone(),
            amount: 1000,
            remaining: 10_000,
            reason: Some("환불".into()),
            tax: None,
        })
        .unwrap();
    let inquiry = merchant
        .inquiry(&Inquiry {
            tno: tno.clone(),
            pay_type: "PACA".into(),
        })
        .unwrap();
    for p in [&refund, &inquiry] {
        let body: Value = serde_json::from_str(&p.body).unwrap();
        signatures.push(body["kcp_sign_data"].as_str().unwrap().to_string());
        t.debug("expect", &p.expect);
    }

    // KCP's refusals, malformed and inconsistent replies.
    let replies = [
        r#"{"res_cd":"8133","res_msg":"취소 가능 금액 초과","res_en_msg":"amount exceeded"}"#,
        r#"{"res_cd":"9999","res_msg":""}"#,
        r#"{"res_cd":"0000","tno":"21234567890124","rem_mny":"9000"}"#,
        r#"{"res_cd":"0000","tno":"21234567890123","rem_mny":"8000"}"#,
        r#"{"res_cd":"0000","tno":"21234567890123"}"#,
        r#"{"res_cd":"0000","tno":"21234567890123","rem_mny":"9x"}"#,
        "<html>502</html>",
        "[]",
        "{}",
    ];
    for (i, reply) in replies.iter().enumerate() {
        t.result(
            &format!("refund reply #{i}"),
            &parse_modify_response(reply, &refund.expect),
        );
        t.result(
            &format!("inquiry reply #{i}"),
            &parse_inquiry_response(reply, &inquiry.expect),
        );
    }
    let other = Expect {
        operation: Operation::Cancel,
        tno: "1".into(),
        mod_type: Some("STSC".into()),
        pay_type: None,
        amount: None,
        remaining_after: None,
    };
    t.result("cancel reply", &parse_modify_response(replies[0], &other));

    // Notification bodies that cannot be read (the body holds the distinctive password: a
    // message that quoted the body would leak it).
    let mut bodies: Vec<Vec<u8>> = [
        format!("tno=1&pw={DISTINCTIVE}&x=%"),
        format!("tno={DISTINCTIVE}"),
        format!("tno=1&tx_cd=TX00&ipgm_mnyx={DISTINCTIVE}"),
        format!("pw={DISTINCTIVE}&pw=other&tno=1"),
        format!("tno=1&pw={DISTINCTIVE}&x=%zz"),
        format!("tno=1&tx_cd=TX00&ipgm_mnyx=1&totl_mnyx={DISTINCTIVE}"),
        format!("tno=1&{DISTINCTIVE}"),
        format!("tno=&pw={DISTINCTIVE}"),
        format!("tno=1&tx_cd=TX00&ipgm_mnyx=99999999999999999999&pw={DISTINCTIVE}"),
    ]
    .map(String::into_bytes)
    .into();
    // Not UTF-8 (for Charset::Utf8), and over the size limit, with the secret inside.
    bodies.push([b"tno=1&pw=".as_slice(), DISTINCTIVE.as_bytes(), b"\xff\xfe"].concat());
    bodies.push(
        format!(
            "tno=1&pw={DISTINCTIVE}&pad={}",
            "a".repeat(kcp_wasm::MAX_NOTIFICATION_BYTES)
        )
        .into_bytes(),
    );
    let mut notification_errors = 0;
    for (i, body) in bodies.iter().enumerate() {
        for charset in [
            kcp_wasm::Charset::Utf8,
            kcp_wasm::Charset::EucKr,
            kcp_wasm::Charset::Auto,
        ] {
            let parsed = kcp_wasm::parse_notification(body, charset);
            // A notification that was read holds the body's fields in `raw` by design (and
            // they are not the merchant's secrets): only its errors are scanned.
            if let Err(e) = &parsed {
                notification_errors += 1;
                t.error(&format!("notification #{i} {charset:?}"), e);
            }
            t.result(
                &format!("form #{i} {charset:?}"),
                &kcp_wasm::parse_form(body, charset).map(|_| ()),
            );
        }
    }
    // Nearly all are refused (one has no malformed field; Latin-1 bytes are EUC-KR's U+FFFD).
    assert!(notification_errors >= 28, "{notification_errors} refused");

    // The suite must have exercised every code it can reach without a broken runtime.
    for code in kcp_wasm::Error::CODES
        .iter()
        .filter(|c| **c != "RANDOM_UNAVAILABLE")
    {
        assert!(
            t.codes.contains(code),
            "the error suite never produced {code}"
        );
    }

    let secrets = secrets(&m, &signatures);
    let mut leaks = Vec::new();
    for (context, text) in &t.lines {
        if let Some(what) = secrets.find(text) {
            leaks.push(format!("{context} leaks {what}:\n    {text}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} of {} outputs leak a secret:\n{}",
        leaks.len(),
        t.lines.len(),
        leaks.join("\n")
    );
    eprintln!(
        "scanned {} outputs ({} error codes) against {} passwords, {} signatures and {} key-material runs: no leak",
        t.lines.len(),
        t.codes.len(),
        passwords(&m).len(),
        signatures.len(),
        secrets.window_count()
    );
}

/// Key-in handles card data: the card number, the expiry, the birth date, the business number and
/// the card password's prefix must never appear in an error (`Display`, `Debug`) or in the
/// `Debug` of a `KeyIn`, of the `PreparedRequest` built from it or of what its reply parser says,
/// whichever check fails and whatever the (hostile) value. Distinctive values are used so that a
/// match cannot be chance; any 8-digit run of a card number counts (a BIN, a masked form's
/// ends, …).
#[test]
fn key_in_card_data_never_leaks() {
    use kcp_wasm::{Buyer, KeyIn};
    use zeroize::Zeroizing;

    const CARD: &str = "4929730183460296"; // Luhn-valid
    const EXPIRY: &str = "8811";
    const BIRTH: &str = "770303";
    const BUSINESS: &str = "6178114906";
    const PASSWORD_PREFIX: &str = "47";

    let merchant = Merchant::from_pem(
        "T0000",
        &read("kcp/splCert.pem"),
        &read("kcp/splPrikeyPKCS8.pem"),
        Some("changeit"),
        Environment::Staging,
    )
    .unwrap();
    let z = |s: &str| Zeroizing::new(s.to_string());
    let good = KeyIn {
        order_id: "KEYIN-ORDER-1".into(),
        amount: 1_000,
        good_name: "a lamp".into(),
        buyer: Buyer::default(),
        card_number: z(CARD),
        expiry: z(EXPIRY),
        birth_date: Some(z(BIRTH)),
        business_number: None,
        card_password_prefix: Some(z(PASSWORD_PREFIX)),
        installments: None,
    };

    // Hostile values of each card field; every one of them is a secret too.
    let cards = [
        "4929730183460297",                 // check digit wrong
        "4929 7301 8346 0296",              // spaces
        "4929-7301-8346-0296",              // dashes
        "49297301834602960001",             // 20 digits
        "492973018346",                     // 12 digits
        "4929730183460x96",                 // a letter
        "４９２９７３０１８３４６０２９６", // full-width digits
        "4929730183460296\n",               // a trailing newline
    ];
    let expiries = ["8813", "8800", "88111", "88-1", "８８１１", "x811"];
    let births = ["77030X", "7703031", "77 03 03", "７７０３０３"];
    let businesses = ["617811490", "61781149066", "617-81-14906"];
    let prefixes = ["4x", "471", "４７"];

    let mut t = Transcript::default();
    t.debug("good KeyIn", &good);
    let request = merchant.key_in(&good).unwrap();
    assert!(
        request.body.contains(CARD),
        "the body carries the card number"
    );
    t.debug("prepared key-in request", &request);
    t.debug("its expect", &request.expect);

    // Every check, each failing in turn, with the other card fields present and valid.
    let mut cases: Vec<(String, KeyIn)> = Vec::new();
    for card in cards {
        cases.push((
            format!("card number {}", card.len()),
            KeyIn {
                card_number: z(card),
                ..good.clone()
            },
        ));
    }
    for expiry in expiries {
        cases.push((
            "expiry".into(),
            KeyIn {
                expiry: z(expiry),
                ..good.clone()
            },
        ));
    }
    for birth in births {
        cases.push((
            "birth date".into(),
            KeyIn {
                birth_date: Some(z(birth)),
                ..good.clone()
            },
        ));
    }
    for number in businesses {
        cases.push((
            "business number".into(),
            KeyIn {
                birth_date: None,
                business_number: Some(z(number)),
                ..good.clone()
            },
        ));
    }
    cases.push((
        "birth date and business number".into(),
        KeyIn {
            business_number: Some(z(BUSINESS)),
            ..good.clone()
        },
    ));
    for prefix in prefixes {
        cases.push((
            "card password prefix".into(),
            KeyIn {
                card_password_prefix: Some(z(prefix)),
                ..good.clone()
            },
        ));
    }
    // The checks before the card's (order, amount, name, buyer, instalments) fail with the card
    // data present.
    for (what, bad) in [
        (
            "order id",
            KeyIn {
                order_id: "bad order\u{0}".into(),
                ..good.clone()
            },
        ),
        (
            "amount",
            KeyIn {
                amount: 0,
                ..good.clone()
            },
        ),
        (
            "good name",
            KeyIn {
                good_name: String::new(),
                ..good.clone()
            },
        ),
        (
            "buyer email",
            KeyIn {
                buyer: Buyer {
                    email: Some("a b".into()),
                    ..Buyer::default()
                },
                ..good.clone()
            },
        ),
        (
            "instalments",
            KeyIn {
                installments: Some(100),
                ..good.clone()
            },
        ),
    ] {
        cases.push((what.into(), bad));
    }
    for (what, bad) in &cases {
        t.debug(&format!("hostile KeyIn ({what})"), bad);
        match merchant.key_in(bad) {
            Ok(p) => panic!("key-in with a bad {what} was accepted: {p:?}"),
            Err(e) => {
                assert_eq!(e.code(), "FIELD_INVALID", "{what}: {e}");
                t.error(&format!("key-in, bad {what}"), &e);
            }
        }
    }

    // The reply parser: refusals, malformed and inconsistent replies.
    for (i, reply) in [
        r#"{"res_cd":"8001","res_msg":"카드번호 오류","res_en_msg":"invalid card"}"#,
        r#"{"res_cd":"0000","tno":"21234567890123","amount":"2000","pay_method":"PACA"}"#,
        r#"{"res_cd":"0000","tno":"x","amount":"1000"}"#,
        r#"{"res_cd":"0000"}"#,
        "<html>502</html>",
        "[]",
    ]
    .iter()
    .enumerate()
    {
        t.result(&format!("key-in reply #{i}"), &request.parse_reply(reply));
    }

    let mut s = leaks::Secrets::new();
    let mut add_card = |label: &str, number: &str| {
        s.add_string(label, number);
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        for start in 0..digits.len().saturating_sub(7) {
            s.add_string(&format!("{label} (8 digits)"), &digits[start..start + 8]);
        }
    };
    add_card("the card number", CARD);
    for card in cards {
        add_card("a hostile card number", card.trim());
    }
    for (label, values) in [
        ("the expiry", &[EXPIRY][..]),
        ("a hostile expiry", &expiries[..]),
        ("the birth date", &[BIRTH][..]),
        ("a hostile birth date", &births[..]),
        ("the business number", &[BUSINESS][..]),
        ("a hostile business number", &businesses[..]),
        ("a hostile password prefix", &prefixes[..]),
    ] {
        for value in values {
            s.add_string(label, value);
        }
    }
    // The 2-digit password prefix is too short to scan for: its field must say it is hidden.
    assert!(format!("{good:?}").contains("card_password_prefix: <not shown>"));

    let leaks: Vec<String> = t
        .lines
        .iter()
        .filter_map(|(context, text)| {
            s.find(text)
                .map(|what| format!("{context} leaks {what}:\n    {text}"))
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "{} of {} outputs leak card data:\n{}",
        leaks.len(),
        t.lines.len(),
        leaks.join("\n")
    );
    // The scan is not vacuous: it sees the number where it is.
    assert!(s.find(&request.body).is_some());
    assert!(t.lines.len() > 3 * cases.len());
}
