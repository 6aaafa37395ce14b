//! Property tests (proptest) of the rules that keep a signed request honest:
//!
//! * a plaintext built from accepted fields is never equal to one built from different fields,
//!   and splits back into exactly those fields (no `^` smuggling);
//! * every accepted request body parses back to the same fields, and never holds key material
//!   (the private key's PEM, or any 16-byte run of its secret DER in base64 or hex);
//! * amount validation matches its specification for all inputs:
//!   0 < mod_mny ≤ rem_mny ≤ 999,999,999,999, and a tax split sums to the amount;
//! * `Certificate::to_kcp_cert_info` is the same whatever line endings, wrapping, escaping,
//!   BOM or blank lines the certificate arrived with, and is a fixed point.
//!
//! Case counts are modest: accepted requests are signed, and RSA signing in a debug build takes
//! tens of milliseconds. Refused requests cost nothing (fields are validated before signing).

#[path = "support/leaks.rs"]
mod leaks;

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use base64::Engine as _;
use kcp_wasm::{
    Cancel, Certificate, Environment, Inquiry, MOD_TYPES, Merchant, MerchantKey, Modify, Operation,
    PAY_TYPES, Refund, RefundAccount, TaxSplit, cancel_plaintext, inquiry_plaintext,
};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};

const MAX: u64 = 999_999_999_999;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(rel: &str) -> String {
    fs::read_to_string(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A merchant with the rsa2048 fixture key (KCP's PKCS#12 form), whose unencrypted DER we have.
fn merchant() -> &'static Merchant {
    static M: OnceLock<Merchant> = OnceLock::new();
    M.get_or_init(|| {
        let key = MerchantKey::from_pem(&read("rsa2048/kcp-pkcs12.pem"), "changeit").unwrap();
        let cert = Certificate::from_pem(&read("rsa2048/cert.pem")).unwrap();
        Merchant::new("T0000", cert, key, Environment::Staging).unwrap()
    })
}

fn secrets() -> &'static leaks::Secrets {
    static S: OnceLock<leaks::Secrets> = OnceLock::new();
    S.get_or_init(|| {
        let der = fs::read(fixtures().join("rsa2048/pkcs8.der")).unwrap();
        let mut s = leaks::Secrets::new();
        s.add_bytes(
            "rsa2048 private key (d, p, q, dP, dQ, qInv)",
            leaks::private_part(&der),
        );
        s.add_string("password", "changeit");
        for pem in [
            "rsa2048/pkcs8.pem",
            "rsa2048/pkcs1.pem",
            "rsa2048/kcp-pkcs12.pem",
        ] {
            let text = read(pem);
            s.add_string("private key PEM", text.trim());
            // Its base64 body on one line, the way a one-line secret store holds it.
            let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
            s.add_string("private key PEM body", &body);
        }
        s
    })
}

// ---------------------------------------------------------------------------------------------
// No `^` smuggling.

fn site_cd() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("T0000".to_string()),
        "[A-Z0-9]{5}",
        "[A-Za-z0-9^\n\r\t 가]{0,7}",
    ]
}

fn tno() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,14}",
        "[0-9^]{0,16}",
        "[0-9]{1,6}\\^(STSC|STPC|PACA)",
        "[0-9０-９ \n+-]{0,15}",
    ]
}

fn code(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        select(list).prop_map(str::to_string),
        "[A-Z]{4}",
        "(STSC|STPC|PACA)\\^[A-Z0-9]{0,4}",
        "\\^?[A-Za-z^]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn cancel_plaintexts_are_injective(
        a in (site_cd(), tno(), code(MOD_TYPES)),
        b in (site_cd(), tno(), code(MOD_TYPES)),
    ) {
        for (s, t, m) in [&a, &b] {
            if let Ok(p) = cancel_plaintext(s, t, m) {
                let parts: Vec<&str> = p.split('^').collect();
                prop_assert_eq!(parts, vec![s.as_str(), t.as_str(), m.as_str()]);
            }
        }
        if let (Ok(pa), Ok(pb)) = (cancel_plaintext(&a.0, &a.1, &a.2), cancel_plaintext(&b.0, &b.1, &b.2)) {
            prop_assert_eq!(pa == pb, a == b, "{:?} and {:?} sign {:?} and {:?}", a, b, pa, pb);
        }
    }

    #[test]
    fn inquiry_plaintexts_are_injective(
        a in (site_cd(), tno(), code(PAY_TYPES)),
        b in (site_cd(), tno(), code(PAY_TYPES)),
    ) {
        for (s, t, m) in [&a, &b] {
            if let Ok(p) = inquiry_plaintext(s, t, m) {
                let parts: Vec<&str> = p.split('^').collect();
                prop_assert_eq!(parts, vec![s.as_str(), t.as_str(), m.as_str()]);
            }
        }
        if let (Ok(pa), Ok(pb)) = (inquiry_plaintext(&a.0, &a.1, &a.2), inquiry_plaintext(&b.0, &b.1, &b.2)) {
            prop_assert_eq!(pa == pb, a == b);
        }
        // The two kinds never sign the same text: MOD_TYPES and PAY_TYPES are disjoint.
        if let (Ok(pa), Ok(pb)) = (inquiry_plaintext(&a.0, &a.1, &a.2), cancel_plaintext(&b.0, &b.1, &b.2)) {
            prop_assert_ne!(pa, pb);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request bodies.

fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::string::string_regex(&format!("[가-힣a-zA-Z0-9 .,()'\"\\\\/:{{}}<>&-]{{0,{max}}}")).unwrap(),
        1 => "[^\\^]{0,8}\\^.{0,4}",
        1 => ".{0,6}[\n\r\t\u{0}\u{7f}].{0,6}",
    ]
}

#[derive(Clone, Debug)]
enum Req {
    Cancel(Cancel),
    Refund(Refund),
    Modify(Modify),
    Inquiry(Inquiry),
}

fn account() -> impl Strategy<Value = RefundAccount> {
    (
        "BK[0-9]{2}",
        "[0-9]{2,6}-[0-9]{2,6}",
        "[가-힣]{2,4}",
        proptest::option::of("[0-9]{1,2}"),
    )
        .prop_map(|(bank_code, account, depositor, sub_type)| RefundAccount {
            bank_code,
            account,
            depositor,
            sub_type,
            comp_type: None,
        })
}

fn request() -> impl Strategy<Value = Req> {
    let tno = prop_oneof![9 => "[0-9]{14}", 1 => tno()];
    prop_oneof![
        (tno.clone(), proptest::option::of(text(30)))
            .prop_map(|(tno, reason)| Req::Cancel(Cancel { tno, reason })),
        (tno.clone(), 1..=MAX, proptest::option::of(text(30))).prop_flat_map(
            |(tno, remaining, reason)| {
                (1..=remaining).prop_map(move |amount| {
                    Req::Refund(Refund {
                        tno: tno.clone(),
                        amount,
                        remaining,
                        reason: reason.clone(),
                        tax: None,
                    })
                })
            }
        ),
        (
            tno.clone(),
            select(&["STE1", "STE2", "STHD", "STMR"][..]),
            account(),
            "[0-9]{6,12}",
            "[A-Z]{2,4}"
        )
            .prop_map(|(tno, mod_type, account, deli_numb, deli_corp)| {
                let mut m = Modify {
                    tno,
                    mod_type: mod_type.to_string(),
                    ..Modify::default()
                };
                match mod_type {
                    "STHD" => m.refund_account = Some(account),
                    "STMR" => m.amount = Some(deli_numb.parse().unwrap()),
                    _ => {
                        m.extra = vec![
                            ("deli_numb".into(), deli_numb),
                            ("deli_corp".into(), deli_corp),
                        ]
                    }
                }
                Req::Modify(m)
            }),
        (tno, code(PAY_TYPES)).prop_map(|(tno, pay_type)| Req::Inquiry(Inquiry { tno, pay_type })),
    ]
}

/// The wire fields a request must produce (besides `kcp_cert_info` and `kcp_sign_data`).
fn expected_fields(req: &Req) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), Value::String(v));
    };
    put("site_cd", "T0000".into());
    match req {
        Req::Cancel(c) => {
            put("tno", c.tno.clone());
            put("mod_type", "STSC".into());
            if let Some(r) = &c.reason {
                put("mod_desc", r.clone());
            }
        }
        Req::Refund(r) => {
            put("tno", r.tno.clone());
            put("mod_type", "STPC".into());
            put("mod_mny", r.amount.to_string());
            put("rem_mny", r.remaining.to_string());
            if let Some(d) = &r.reason {
                put("mod_desc", d.clone());
            }
        }
        Req::Modify(md) => {
            put("tno", md.tno.clone());
            put("mod_type", md.mod_type.clone());
            if let Some(a) = md.amount {
                put("mod_mny", a.to_string());
            }
            if let Some(acc) = &md.refund_account {
                if let Some(s) = &acc.sub_type {
                    put("mod_sub_type", s.clone());
                }
                put("mod_bankcode", acc.bank_code.clone());
                put("mod_account", acc.account.clone());
                put("mod_depositor", acc.depositor.clone());
            }
            for (k, v) in &md.extra {
                put(k, v.clone());
            }
        }
        Req::Inquiry(q) => {
            put("tno", q.tno.clone());
            put("pay_type", q.pay_type.clone());
        }
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn accepted_bodies_parse_back_and_hold_no_key(req in request()) {
        let merchant = merchant();
        let result = match &req {
            Req::Cancel(c) => merchant.cancel(c),
            Req::Refund(r) => merchant.refund(r),
            Req::Modify(m) => merchant.modify(m),
            Req::Inquiry(q) => merchant.inquiry(q),
        };
        let prepared = match result {
            Ok(p) => p,
            Err(e) => {
                prop_assert_eq!(e.code(), "FIELD_INVALID");
                return Ok(());
            }
        };
        let body: Map<String, Value> = serde_json::from_str(&prepared.body).expect("the body is a JSON object");
        let mut rest = body.clone();
        let cert_info = rest.remove("kcp_cert_info");
        let signature = rest.remove("kcp_sign_data");
        prop_assert_eq!(cert_info.as_ref().and_then(Value::as_str), Some(merchant.kcp_cert_info()));
        prop_assert_eq!(&rest, &expected_fields(&req));

        let signature = signature.as_ref().and_then(Value::as_str).expect("kcp_sign_data");
        let cert = Certificate::from_pem(merchant.kcp_cert_info()).unwrap();
        prop_assert!(cert.verify(&prepared.plaintext, signature));
        let kind = body.get("mod_type").or(body.get("pay_type")).and_then(Value::as_str).unwrap();
        let tno = body["tno"].as_str().unwrap();
        prop_assert_eq!(&prepared.plaintext, &format!("T0000^{tno}^{kind}"));
        prop_assert_eq!(&prepared.expect.tno, tno);

        if let Some(leak) = secrets().find(&prepared.body) {
            prop_assert!(false, "the body holds {}", leak);
        }
        if let Some(leak) = secrets().find(&format!("{prepared:?}")) {
            prop_assert!(false, "Debug of the prepared request holds {}", leak);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Amounts.

fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        select(
            &[
                0,
                1,
                2,
                MAX - 1,
                MAX,
                MAX + 1,
                u64::MAX / 3,
                u64::MAX - 1,
                u64::MAX
            ][..]
        ),
        0..=MAX,
        any::<u64>(),
    ]
}

/// (mod_mny, rem_mny) pairs, about half of them in order.
fn amounts() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![
        (amount(), amount()),
        amount().prop_flat_map(|r| (0..=r, Just(r))),
        amount().prop_map(|a| (a, a)),
    ]
}

fn tax_for(total: u64) -> impl Strategy<Value = TaxSplit> {
    let a = total.min(u64::MAX / 4);
    prop_oneof![
        // An exact split.
        (0..=a, 0..=a).prop_map(move |(x, y)| {
            let (x, y) = (x.min(y), x.max(y));
            TaxSplit {
                taxable: x,
                vat: y - x,
                tax_free: a - y,
            }
        }),
        // Off by a little.
        (0..=a, select(&[-1i64, 1][..])).prop_map(move |(x, d)| TaxSplit {
            taxable: x,
            vat: 0,
            tax_free: (a - x).saturating_add_signed(d),
        }),
        // Anything, including parts that would overflow a sum.
        (amount(), amount(), amount()).prop_map(|(taxable, vat, tax_free)| TaxSplit {
            taxable,
            vat,
            tax_free
        }),
    ]
}

/// The specification, written independently of the implementation.
fn spec_accepts(
    mod_type: &str,
    amount: Option<u64>,
    remaining: Option<u64>,
    tax: Option<TaxSplit>,
) -> bool {
    let amounts_ok = match (mod_type, amount, remaining) {
        ("STSC", None, None) => true,
        ("STSC", _, _) => false,
        ("STPC", Some(a), Some(r)) | ("STMR", Some(a), Some(r)) => 0 < a && a <= r && r <= MAX,
        ("STPC", _, _) => false,
        ("STMR", Some(a), None) => 0 < a && a <= MAX,
        ("STMR", None, Some(_)) => false,
        ("STMR", None, None) => true,
        _ => unreachable!(),
    };
    let tax_ok = match tax {
        None => true,
        Some(t) => {
            amount.is_some()
                && [t.taxable, t.vat, t.tax_free].iter().all(|&x| x <= MAX)
                && t.taxable as u128 + t.vat as u128 + t.tax_free as u128 == amount.unwrap() as u128
        }
    };
    amounts_ok && tax_ok
}

fn check_amounts(modify: Modify) -> Result<(), TestCaseError> {
    let want = spec_accepts(
        &modify.mod_type,
        modify.amount,
        modify.remaining,
        modify.tax,
    );
    match merchant().modify(&modify) {
        Ok(p) => {
            prop_assert!(want, "accepted against the specification: {:?}", modify);
            let body: Map<String, Value> = serde_json::from_str(&p.body).unwrap();
            let field = |k: &str| {
                body.get(k)
                    .and_then(Value::as_str)
                    .map(|s| s.parse::<u64>().unwrap())
            };
            prop_assert_eq!(field("mod_mny"), modify.amount);
            prop_assert_eq!(field("rem_mny"), modify.remaining);
            prop_assert_eq!(p.expect.amount, modify.amount);
            if modify.mod_type == "STPC" {
                prop_assert_eq!(p.operation, Operation::Refund);
                prop_assert_eq!(
                    p.expect.remaining_after,
                    Some(modify.remaining.unwrap() - modify.amount.unwrap())
                );
            }
            if let Some(t) = modify.tax {
                prop_assert_eq!(body.get("tax_flag").and_then(Value::as_str), Some("TG03"));
                prop_assert_eq!(field("mod_tax_mny"), Some(t.taxable));
                prop_assert_eq!(field("mod_vat_mny"), Some(t.vat));
                prop_assert_eq!(field("mod_free_mny"), Some(t.tax_free));
            }
        }
        Err(e) => {
            prop_assert!(
                !want,
                "refused against the specification: {:?}: {}",
                modify,
                e
            );
            prop_assert_eq!(e.code(), "FIELD_INVALID");
            let field = e.field().unwrap();
            prop_assert!(
                [
                    "mod_mny",
                    "rem_mny",
                    "mod_tax_mny",
                    "mod_vat_mny",
                    "mod_free_mny",
                    "tax_flag"
                ]
                .contains(&field),
                "refused for {}",
                field
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn amount_rules_match_the_specification(
        mod_type in select(&["STPC", "STMR", "STSC"][..]),
        (a, r) in amounts(),
        shape in 0..4u8,
    ) {
        let (amount, remaining) = match shape {
            0 => (Some(a), Some(r)),
            1 => (Some(a), None),
            2 => (None, Some(r)),
            _ if mod_type == "STPC" => (Some(a), Some(r)),
            _ => (None, None),
        };
        check_amounts(Modify {
            tno: "21234567890123".into(),
            mod_type: mod_type.into(),
            amount,
            remaining,
            ..Modify::default()
        })?;
    }

    #[test]
    fn tax_splits_must_sum_to_the_amount(
        (a, r, tax) in amounts().prop_flat_map(|(a, r)| (Just(a), Just(r), tax_for(a))),
    ) {
        check_amounts(Modify {
            tno: "21234567890123".into(),
            mod_type: "STPC".into(),
            amount: Some(a),
            remaining: Some(r),
            tax: Some(tax),
            ..Modify::default()
        })?;
    }

    /// The typed `Refund` is the same rule as `Modify` with `STPC`.
    #[test]
    fn refund_matches_modify((a, r) in amounts()) {
        let refund = Refund { tno: "1".into(), amount: a, remaining: r, reason: None, tax: None };
        let want = spec_accepts("STPC", Some(a), Some(r), None);
        match merchant().refund(&refund) {
            Ok(p) => {
                prop_assert!(want);
                prop_assert_eq!(p.expect.remaining_after, Some(r - a));
            }
            Err(e) => {
                prop_assert!(!want, "{}", e);
                prop_assert!(matches!(e.field(), Some("mod_mny" | "rem_mny")));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// kcp_cert_info.

#[derive(Clone, Debug)]
struct Shape {
    eol: &'static str,
    width: usize, // 0: everything on one line (header, body and footer)
    escaped: bool,
    bom: bool,
    lead: &'static str,
    trail: &'static str,
    bare: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        select(&["\n", "\r\n", "\r"][..]),
        prop_oneof![Just(0usize), Just(64), Just(76), 1..120usize],
        any::<bool>(),
        any::<bool>(),
        select(&["", "\n", "\n\n", "  ", "\r\n \t"][..]),
        select(&["", "\n", "\r\n", "\n\n  ", " "][..]),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(eol, width, escaped, bom, lead, trail, bare)| Shape {
            eol,
            width,
            escaped,
            bom,
            lead,
            trail,
            bare,
        })
}

fn render(der: &[u8], s: &Shape) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let eol = if s.width == 0 { "" } else { s.eol };
    let body: Vec<&str> = if s.width == 0 {
        vec![b64.as_str()]
    } else {
        b64.as_bytes()
            .chunks(s.width)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect()
    };
    let mut pem = if s.bare {
        body.join(eol)
    } else {
        format!(
            "-----BEGIN CERTIFICATE-----{eol}{}{eol}-----END CERTIFICATE-----",
            body.join(eol)
        )
    };
    pem = format!("{}{pem}{}", s.lead, s.trail);
    if s.escaped && s.eol != "\r" {
        pem = pem.replace("\r\n", "\\r\\n").replace('\n', "\\n");
    }
    if s.bom {
        pem.insert(0, '\u{feff}');
    }
    pem
}

fn certs() -> &'static Vec<(String, Vec<u8>, String)> {
    static C: OnceLock<Vec<(String, Vec<u8>, String)>> = OnceLock::new();
    C.get_or_init(|| {
        let manifest: Value = serde_json::from_str(&read("manifest.json")).unwrap();
        manifest["certs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(file, info)| {
                let cert = Certificate::from_pem(&read(file)).unwrap();
                (
                    file.clone(),
                    cert.der().to_vec(),
                    info["kcp_cert_info"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn kcp_cert_info_is_the_same_for_every_shape(which in 0..5usize, s in shape()) {
        let (file, der, want) = &certs()[which % certs().len()];
        let text = render(der, &s);
        let cert = Certificate::from_pem(&text).map_err(|e| TestCaseError::fail(format!("{file} {s:?}: {e}")))?;
        let info = cert.to_kcp_cert_info();
        prop_assert_eq!(&info, want, "{} in shape {:?}", file, s);
        let again = Certificate::from_pem(&info).unwrap().to_kcp_cert_info();
        prop_assert_eq!(&again, &info);
        let clean = !info.contains(['\n', '\r', '\u{feff}', '\\']);
        prop_assert!(clean);
    }
}
