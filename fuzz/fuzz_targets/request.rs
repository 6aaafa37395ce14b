//! Request building from arbitrary field values: `Merchant::{cancel, refund, modify, inquiry}`
//! with KCP's public test key (site_cd T0000), loaded once.
//!
//! Input: fields separated by 0x1E (lossy UTF-8):
//! `kind ␞ tno ␞ mod_type|pay_type ␞ reason ␞ amount ␞ remaining ␞ tax ␞ account ␞ extra…`
//! where `kind`'s first byte modulo 4 picks cancel / refund / modify / inquiry, a missing field
//! is `None`, an amount that is not a `u64` is `None` (0 for `Refund`), `tax` is
//! `taxable,vat,tax_free`, `account` is `bank,account,depositor[,sub_type[,comp_type]]` and each
//! extra is `name=value`.
//!
//! Checked for every accepted request: the body is a JSON object whose fields are exactly the
//! inputs (no `^` smuggled into the plaintext, which is `T0000^tno^type`), amounts obey
//! 0 < mod_mny ≤ rem_mny ≤ 999,999,999,999 and the tax split sums, and `kcp_sign_data` verifies
//! with the certificate. Refusals are `FIELD_INVALID`.
#![no_main]

use std::sync::OnceLock;

use kcp_wasm::{
    Cancel, Certificate, Environment, Inquiry, Merchant, MerchantKey, Modify, PreparedRequest, Refund,
    RefundAccount, TaxSplit,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const KEY: &str = include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem");
const CERT: &str = include_str!("../../tests/fixtures/kcp/splCert.pem");
const MAX_AMOUNT: u64 = 999_999_999_999;

fn merchant() -> &'static (Merchant, Certificate) {
    static M: OnceLock<(Merchant, Certificate)> = OnceLock::new();
    M.get_or_init(|| {
        let cert = Certificate::from_pem(CERT).unwrap();
        let key = MerchantKey::from_pem(KEY, "changeit").unwrap();
        (Merchant::new("T0000", cert.clone(), key, Environment::Staging).unwrap(), cert)
    })
}

fn amount(s: Option<&str>) -> Option<u64> {
    s.and_then(|s| s.parse().ok())
}

fn tax(s: Option<&str>) -> Option<TaxSplit> {
    let mut it = s?.split(',').map(|p| p.parse::<u64>().ok());
    Some(TaxSplit { taxable: it.next()??, vat: it.next()??, tax_free: it.next()?? })
}

fn account(s: Option<&str>) -> Option<RefundAccount> {
    let mut it = s?.split(',');
    Some(RefundAccount {
        bank_code: it.next()?.to_string(),
        account: it.next()?.to_string(),
        depositor: it.next()?.to_string(),
        sub_type: it.next().map(str::to_string),
        comp_type: it.next().map(str::to_string),
    })
}

fn str_field<'a>(body: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    body.get(name).map(|v| v.as_str().expect("every body field is a JSON string"))
}

fn check(p: &PreparedRequest, tno: &str, kind_field: (&str, &str), m: &Modify) {
    let (merchant, cert) = merchant();
    let body: Value = serde_json::from_str(&p.body).expect("the body is JSON");
    let body = body.as_object().expect("the body is a JSON object");
    assert_eq!(str_field(body, "site_cd"), Some("T0000"));
    assert_eq!(str_field(body, "tno"), Some(tno));
    assert_eq!(str_field(body, kind_field.0), Some(kind_field.1));
    assert_eq!(str_field(body, "kcp_cert_info"), Some(merchant.kcp_cert_info()));
    assert_eq!(p.plaintext, format!("T0000^{tno}^{}", kind_field.1));
    assert_eq!(p.plaintext.matches('^').count(), 2, "a field smuggled a '^'");
    let signature = str_field(body, "kcp_sign_data").expect("signed");
    assert!(cert.verify(&p.plaintext, signature));
    assert_eq!(p.expect.tno, tno);
    if kind_field.0 == "pay_type" {
        assert_eq!(body.len(), 5);
        return;
    }
    assert_eq!(str_field(body, "mod_desc"), m.reason.as_deref());
    let mod_mny = str_field(body, "mod_mny").map(|s| s.parse::<u64>().unwrap());
    let rem_mny = str_field(body, "rem_mny").map(|s| s.parse::<u64>().unwrap());
    assert_eq!(mod_mny, m.amount);
    assert_eq!(rem_mny, m.remaining);
    if let Some(a) = mod_mny {
        assert!(a > 0 && a <= MAX_AMOUNT);
    }
    if let Some(r) = rem_mny {
        assert!(mod_mny.unwrap() <= r && r <= MAX_AMOUNT);
    }
    if let Some(t) = m.tax {
        assert_eq!(str_field(body, "tax_flag"), Some("TG03"));
        assert_eq!(Some(t.taxable + t.vat + t.tax_free), mod_mny);
    }
    for (name, value) in &m.extra {
        assert_eq!(str_field(body, name), Some(value.as_str()));
    }
    for (name, value) in body {
        let value = value.as_str().unwrap();
        if name != "kcp_cert_info" && name != "kcp_sign_data" {
            assert!(!value.contains('^') && !value.chars().any(char::is_control), "{name}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let mut fields = input.split('\u{1e}');
    let kind = fields.next().and_then(|k| k.bytes().next()).unwrap_or(0) % 4;
    let tno = fields.next().unwrap_or("").to_string();
    let ty = fields.next().unwrap_or("").to_string();
    let reason = fields.next().map(str::to_string);
    let (amt, rem) = (fields.next(), fields.next());
    let (tax_s, account_s) = (fields.next(), fields.next());
    let extra: Vec<(String, String)> = fields
        .map(|e| e.split_once('=').unwrap_or((e, "")))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let (merchant, _) = merchant();

    let modify = Modify {
        tno: tno.clone(),
        mod_type: ty.clone(),
        reason: reason.clone(),
        amount: amount(amt),
        remaining: amount(rem),
        tax: tax(tax_s),
        refund_account: account(account_s),
        extra,
    };
    let (result, kind_field, m) = match kind {
        0 => {
            let c = Cancel { tno: tno.clone(), reason: reason.clone() };
            let m = Modify { tno: tno.clone(), mod_type: "STSC".into(), reason, ..Modify::default() };
            (merchant.cancel(&c), ("mod_type", "STSC".to_string()), m)
        }
        1 => {
            let r = Refund {
                tno: tno.clone(),
                amount: modify.amount.unwrap_or(0),
                remaining: modify.remaining.unwrap_or(0),
                reason: reason.clone(),
                tax: modify.tax,
            };
            let m = Modify {
                tno: tno.clone(),
                mod_type: "STPC".into(),
                reason,
                amount: Some(r.amount),
                remaining: Some(r.remaining),
                tax: r.tax,
                ..Modify::default()
            };
            (merchant.refund(&r), ("mod_type", "STPC".to_string()), m)
        }
        2 => (merchant.modify(&modify), ("mod_type", ty.clone()), modify.clone()),
        _ => {
            let q = Inquiry { tno: tno.clone(), pay_type: ty.clone() };
            (merchant.inquiry(&q), ("pay_type", ty.clone()), modify.clone())
        }
    };
    match result {
        Ok(p) => check(&p, &tno, (kind_field.0, &kind_field.1), &m),
        Err(e) => assert!(
            matches!(e.code(), "FIELD_INVALID"),
            "unexpected code {} ({e})",
            e.code()
        ),
    }
});
