//! Reply parsing of the payment requests: approval / billing-key charge / key-in
//! (`parse_payment_response`), billing-key issuance and deletion, virtual-account issuance and
//! trade registration, each with an arbitrary `Expect`.
//!
//! Input: a header line `op|pay_type|amount`, a line feed, then the reply text. `op` is the first
//! byte modulo 7 and picks the `Operation` (every parser runs on every input anyway; `op` only
//! shapes the `Expect`); an empty `pay_type` is `None`; an amount that is not a `u64` is `None`.
//! Without a `\n` the whole input is the reply.
//!
//! Checked: no panic; errors carry only the reply codes; a success of a payment says `0000`,
//! keeps `res_cd` in `raw`, names a known method, and warns (never fails) when the approved amount
//! is not the requested one or `tno` is absent; a virtual account's success code is one of
//! `VA_SUCCESS_CODES`; a billing key and a trade registration hold their key.
#![no_main]

use kcp_wasm::{
    Error, Expect, Operation, PAY_METHODS, VA_SUCCESS_CODES, parse_billing_key_delete_response,
    parse_billing_key_response, parse_payment_response, parse_trade_registration_response,
    parse_virtual_account_response,
};
use libfuzzer_sys::fuzz_target;

fn expect_from(header: &str) -> Expect {
    let mut parts = header.split('|');
    let operation = match parts.next().and_then(|p| p.bytes().next()).unwrap_or(0) % 7 {
        0 => Operation::Approval,
        1 => Operation::BillingKeyIssue,
        2 => Operation::BillingCharge,
        3 => Operation::BillingKeyDelete,
        4 => Operation::VirtualAccountIssue,
        5 => Operation::KeyIn,
        _ => Operation::TradeRegistration,
    };
    Expect {
        operation,
        tno: String::new(),
        mod_type: None,
        pay_type: parts.next().filter(|s| !s.is_empty()).map(str::to_string),
        amount: parts.next().and_then(|s| s.parse().ok()),
        remaining_after: None,
    }
}

fn check_error(e: &Error) {
    assert!(
        matches!(e.code(), "KCP_REJECTED" | "RESPONSE_MALFORMED" | "RESPONSE_INCONSISTENT"),
        "unexpected code {}",
        e.code()
    );
    let _ = (e.to_string(), format!("{e:?}"));
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (header, text) = match input.split_once('\n') {
        Some((header, text)) => (header, text),
        None => ("\u{0}|PACA|1100", &*input),
    };
    let expect = expect_from(header);
    let warned = |warnings: &[kcp_wasm::ResultWarning], code: &str| warnings.iter().any(|w| w.code == code);

    match parse_payment_response(text, &expect) {
        Ok(r) => {
            assert_eq!(r.res_cd, "0000");
            assert!(r.raw.contains_key("res_cd"));
            assert!(r.method == "unknown" || PAY_METHODS.iter().any(|m| m.name == r.method));
            assert!(r.tno.is_some() || warned(&r.warnings, "TNO_MISSING"));
            if let (Some(want), Some(got)) = (expect.amount, r.amount) {
                assert!(want == got || warned(&r.warnings, "AMOUNT_MISMATCH"));
            }
            for w in &r.warnings {
                assert!(kcp_wasm::ResultWarning::CODES.contains(&w.code), "{}", w.code);
            }
        }
        Err(e) => check_error(&e),
    }
    match parse_virtual_account_response(text, &expect) {
        Ok(r) => {
            assert!(VA_SUCCESS_CODES.contains(&r.res_cd.as_str()));
            if let (Some(want), Some(got)) = (expect.amount, r.amount) {
                assert!(want == got || warned(&r.warnings, "AMOUNT_MISMATCH"));
            }
        }
        Err(e) => check_error(&e),
    }
    match parse_billing_key_response(text, &expect) {
        Ok(r) => assert!(!r.batch_key.trim().is_empty()),
        Err(e) => check_error(&e),
    }
    match parse_billing_key_delete_response(text, &expect) {
        Ok(r) => assert_eq!(r.res_cd, "0000"),
        Err(e) => check_error(&e),
    }
    match parse_trade_registration_response(text, &expect) {
        Ok(r) => {
            assert_eq!(r.code, "0000");
            assert!(!r.approval_key.trim().is_empty() && !r.pay_url.trim().is_empty());
        }
        Err(e) => check_error(&e),
    }
});
