//! Reply parsing: `parse_modify_response` and `parse_inquiry_response` with an arbitrary `Expect`.
//!
//! Input: a header line `op|tno|mod_type|pay_type|amount|remaining_after`, a line feed, then the
//! reply text. `op` is the first byte of the line modulo 4; an empty optional field is `None`, an
//! amount that is not a `u64` is `None`. The header ends at the first `\n`; without one the whole
//! input is the reply and the `Expect` is a partial refund.
//!
//! Checked: no panic; an accepted modification reply agrees with the `Expect` (same `tno`, the
//! expected balance after a partial refund when KCP states one) or says where it does not in a
//! warning — KCP said it applied the change, so a disagreement is never an error; an inquiry
//! reply about another `tno` is refused; a refusal is `KCP_REJECTED` with KCP's `res_cd`.
#![no_main]

use kcp_wasm::{Error, Expect, Operation, parse_inquiry_response, parse_modify_response};
use libfuzzer_sys::fuzz_target;

fn opt(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

fn expect_from(header: &str) -> Expect {
    let mut parts = header.split('|');
    let operation = match parts.next().and_then(|p| p.bytes().next()).unwrap_or(1) % 4 {
        0 => Operation::Cancel,
        1 => Operation::Refund,
        2 => Operation::Modify,
        _ => Operation::Inquiry,
    };
    Expect {
        operation,
        tno: parts.next().unwrap_or("21234567890123").to_string(),
        mod_type: opt(parts.next()),
        pay_type: opt(parts.next()),
        amount: parts.next().and_then(|s| s.parse().ok()),
        remaining_after: parts.next().and_then(|s| s.parse().ok()),
    }
}

fn check_error(e: &Error) {
    assert!(
        matches!(e.code(), "KCP_REJECTED" | "RESPONSE_MALFORMED" | "RESPONSE_INCONSISTENT"),
        "unexpected code {}",
        e.code()
    );
    if let Error::KcpRejected { res_cd, raw, .. } = e {
        assert_ne!(res_cd, "0000");
        assert!(raw.contains_key("res_cd"));
    }
    let _ = (e.to_string(), format!("{e:?}"));
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (header, text) = match input.split_once('\n') {
        Some((header, text)) => (header, text),
        None => ("\u{1}|21234567890123|STPC||1000|9000", &*input),
    };
    let expect = expect_from(header);

    match parse_modify_response(text, &expect) {
        Ok(result) => {
            assert_eq!(result.res_cd, "0000");
            let warned = |code: &str| result.warnings.iter().any(|w| w.code == code);
            assert!(result.tno == expect.tno || warned("TNO_MISMATCH"));
            if let (Some(want), Some(got)) = (expect.remaining_after, result.rem_mny) {
                assert!(got == want || warned("REMAINING_MISMATCH"));
            }
            for w in &result.warnings {
                assert!(kcp_wasm::ResultWarning::CODES.contains(&w.code), "{}", w.code);
            }
            assert_eq!(result.raw.get("res_cd").and_then(|v| v.as_str()), Some("0000"));
        }
        Err(e) => check_error(&e),
    }

    match parse_inquiry_response(text, &expect) {
        Ok(result) => {
            assert_eq!(result.res_cd, "0000");
            if let Some(tno) = &result.tno {
                assert_eq!(tno, &expect.tno);
            }
        }
        Err(e) => check_error(&e),
    }
});
