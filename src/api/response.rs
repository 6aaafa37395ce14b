//! KCP's replies: success only on `res_cd` `0000`, anything else a refusal carried verbatim.

use super::Expect;
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// Largest reply text read. KCP's replies are a few hundred bytes.
const MAX_RESPONSE_LEN: usize = 1024 * 1024;
/// JavaScript's `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A successful cancel, refund or other modification; see [`parse_modify_response`].
///
/// KCP said `0000`: the change was applied. Whatever in the reply disagrees with the request, or
/// cannot be read, is listed in `warnings`, never raised as an error: code that threw here would
/// lose the record of money that moved.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyResult {
    /// Always `0000`.
    pub res_cd: String,
    /// KCP's message.
    pub res_msg: String,
    /// The transaction number (the request's when the reply names none).
    pub tno: String,
    /// `canc_time`, verbatim (`yyyyMMddHHmmss`).
    #[serde(rename = "canceledAt", skip_serializing_if = "Option::is_none")]
    pub canc_time: Option<String>,
    /// `mod_mny`: the amount cancelled now, when the reply reports it readably.
    #[serde(rename = "amount", skip_serializing_if = "Option::is_none")]
    pub mod_mny: Option<u64>,
    /// `rem_mny`: the cancellable balance after this request, when the reply reports it
    /// readably. `None` means unknown, not zero.
    #[serde(rename = "remaining", skip_serializing_if = "Option::is_none")]
    pub rem_mny: Option<u64>,
    /// The partial-cancel sequence number: `mod_pacn_seq_no`, or `mod_pcan_seq_no` (both
    /// spellings are seen).
    #[serde(rename = "partialSequence", skip_serializing_if = "Option::is_none")]
    pub mod_pacn_seq_no: Option<String>,
    /// What in the reply disagrees with the request or could not be read. Empty when all agrees.
    pub warnings: Vec<ResultWarning>,
    /// Every field of the reply, verbatim; integers beyond ±(2^53 − 1), which JavaScript cannot
    /// hold exactly, as strings of their digits.
    pub raw: Map<String, Value>,
}

/// Something wrong with a reply in which KCP said the change was applied (`res_cd` `0000`).
///
/// Codes (stable): `TNO_MISMATCH` (the reply names another transaction), `REMAINING_MISMATCH`
/// (a partial refund's reported balance is not the request's `rem_mny − mod_mny`),
/// `AMOUNT_MISMATCH` (the reported `mod_mny` is not the request's), `AMOUNT_UNREADABLE` (an
/// amount field is not a whole number). The change was applied all the same: record the
/// result, then inquire about the transaction before doing anything else with it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultWarning {
    /// Stable code, see above.
    pub code: &'static str,
    /// The reply field concerned (`tno`, `rem_mny`, `mod_mny`).
    pub field: &'static str,
    /// What the request implies, when there is such a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What KCP reported, verbatim, when it reported something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<String>,
    /// In words, for people.
    pub message: String,
}

impl ResultWarning {
    /// Every code a warning can carry.
    pub const CODES: &'static [&'static str] = &[
        "TNO_MISMATCH",
        "REMAINING_MISMATCH",
        "AMOUNT_MISMATCH",
        "AMOUNT_UNREADABLE",
    ];
}

/// A successful inquiry. KCP's inquiry reply varies by payment type; read what you need from
/// `raw`.
///
/// ```
/// use kcp_wasm::{Expect, Operation, parse_inquiry_response};
/// let expect = Expect {
///     operation: Operation::Inquiry,
///     tno: "1".into(),
///     mod_type: None,
///     pay_type: Some("PACA".into()),
///     amount: None,
///     remaining_after: None,
/// };
/// let result = parse_inquiry_response(r#"{"res_cd":"0000","res_msg":"OK","tno":"1","rem_mny":"700"}"#, &expect)?;
/// assert_eq!(result.raw["rem_mny"], "700");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryResult {
    /// Always `0000`.
    pub res_cd: String,
    /// KCP's message.
    pub res_msg: String,
    /// The transaction number, when the reply carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tno: Option<String>,
    /// Every field of the reply, verbatim; integers beyond ±(2^53 − 1), which JavaScript cannot
    /// hold exactly, as strings of their digits.
    pub raw: Map<String, Value>,
}

/// Reads a reply to a cancel / refund / modification, whatever its content type said.
///
/// Returns the result for `res_cd` `0000`, and [`Error::KcpRejected`] for any other code. A
/// `0000` reply is never an error, whatever else it holds: KCP applied the change. What disagrees
/// with the request (another `tno`; for a partial refund a `rem_mny` other than the request's
/// `rem_mny − mod_mny`; another `mod_mny`) or cannot be read is listed in
/// [`ModifyResult::warnings`]. A reply without `rem_mny` leaves `rem_mny` unknown (`None`).
///
/// ```
/// use kcp_wasm::{Expect, Operation, parse_modify_response};
///
/// let expect = Expect {
///     operation: Operation::Refund,
///     tno: "21234567890123".into(),
///     mod_type: Some("STPC".into()),
///     pay_type: None,
///     amount: Some(5000),
///     remaining_after: Some(25000),
/// };
/// let ok = parse_modify_response(
///     r#"{"res_cd":"0000","res_msg":"정상처리","tno":"21234567890123","mod_mny":"5000","rem_mny":"25000"}"#,
///     &expect,
/// )?;
/// assert_eq!(ok.rem_mny, Some(25000));
/// assert!(ok.warnings.is_empty());
///
/// // Applied, but the balance disagrees: a result with a warning, not an error.
/// let odd = parse_modify_response(
///     r#"{"res_cd":"0000","tno":"21234567890123","rem_mny":"20000","mod_pcan_seq_no":"2"}"#,
///     &expect,
/// )?;
/// assert_eq!(odd.warnings[0].code, "REMAINING_MISMATCH");
/// assert_eq!(odd.mod_pacn_seq_no.as_deref(), Some("2"));
///
/// let refused = parse_modify_response(r#"{"res_cd":"8133","res_msg":"취소 가능 금액 초과"}"#, &expect);
/// assert_eq!(refused.unwrap_err().code(), "KCP_REJECTED");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
pub fn parse_modify_response(text: &str, expect: &Expect) -> Result<ModifyResult> {
    let (raw, res_msg) = parse_success(text)?;
    let mut warnings = Vec::new();
    let tno = string_field(&raw, "tno");
    if let Some(tno) = tno.as_ref().filter(|tno| **tno != expect.tno) {
        warnings.push(ResultWarning {
            code: "TNO_MISMATCH",
            field: "tno",
            expected: Some(expect.tno.clone()),
            reported: Some(tno.clone()),
            message: format!(
                "KCP applied the change, but its reply names transaction {tno}, the request {}",
                expect.tno
            ),
        });
    }
    let rem_mny = read_amount(&raw, "rem_mny", &mut warnings);
    let mod_mny = read_amount(&raw, "mod_mny", &mut warnings);
    if let (Some(want), Some(got)) = (expect.remaining_after, rem_mny)
        && want != got
    {
        warnings.push(ResultWarning {
            code: "REMAINING_MISMATCH",
            field: "rem_mny",
            expected: Some(want.to_string()),
            reported: Some(got.to_string()),
            message: format!(
                "KCP applied the refund, but reports a balance of {got} after it where the \
                     request implies {want}"
            ),
        });
    }
    if let (Some(want), Some(got)) = (expect.amount, mod_mny)
        && want != got
    {
        warnings.push(ResultWarning {
            code: "AMOUNT_MISMATCH",
            field: "mod_mny",
            expected: Some(want.to_string()),
            reported: Some(got.to_string()),
            message: format!(
                "KCP applied the change, but reports {got} cancelled where the request asked {want}"
            ),
        });
    }
    Ok(ModifyResult {
        res_cd: "0000".into(),
        res_msg,
        tno: tno.unwrap_or_else(|| expect.tno.clone()),
        canc_time: string_field(&raw, "canc_time"),
        mod_mny,
        rem_mny,
        mod_pacn_seq_no: string_field(&raw, "mod_pacn_seq_no")
            .or_else(|| string_field(&raw, "mod_pcan_seq_no")),
        warnings,
        raw,
    })
}

/// An amount of a successful reply: unreadable values become a warning and `None`.
fn read_amount(
    raw: &Map<String, Value>,
    name: &'static str,
    warnings: &mut Vec<ResultWarning>,
) -> Option<u64> {
    amount_field(raw, name).unwrap_or_else(|_| {
        warnings.push(ResultWarning {
            code: "AMOUNT_UNREADABLE",
            field: name,
            expected: None,
            reported: raw.get(name).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            message: format!("`{name}` in KCP's reply is not a whole number of won"),
        });
        None
    })
}

/// Reads a reply to an inquiry. A reply about another `tno` is [`Error::ResponseInconsistent`].
pub fn parse_inquiry_response(text: &str, expect: &Expect) -> Result<InquiryResult> {
    let (raw, res_msg) = parse_success(text)?;
    let tno = string_field(&raw, "tno");
    if let Some(tno) = tno.as_ref().filter(|tno| **tno != expect.tno) {
        return Err(Error::ResponseInconsistent {
            field: "tno",
            reason: format!(
                "the reply is for transaction {tno}, the request for {}",
                expect.tno
            ),
        });
    }
    Ok(InquiryResult {
        res_cd: "0000".into(),
        res_msg,
        tno,
        raw,
    })
}

/// Parses the JSON object and splits success from refusal.
fn parse_success(text: &str) -> Result<(Map<String, Value>, String)> {
    if text.len() > MAX_RESPONSE_LEN {
        return Err(Error::ResponseMalformed("the reply is larger than 1 MiB"));
    }
    let text = quote_big_integers(text.trim_start_matches('\u{feff}'));
    let value: Value = serde_json::from_str(&text)
        .map_err(|_| Error::ResponseMalformed("the reply is not JSON"))?;
    let Value::Object(raw) = value else {
        return Err(Error::ResponseMalformed("the reply is not a JSON object"));
    };
    let Some(res_cd) = string_field(&raw, "res_cd") else {
        return Err(Error::ResponseMalformed("the reply has no res_cd"));
    };
    let res_msg = string_field(&raw, "res_msg").unwrap_or_default();
    if res_cd != "0000" {
        return Err(Error::KcpRejected {
            res_cd,
            res_msg,
            res_en_msg: string_field(&raw, "res_en_msg"),
            raw: Box::new(raw),
        });
    }
    Ok((raw, res_msg))
}

/// Puts the integers of a JSON text that JavaScript cannot hold exactly (beyond ±(2^53 − 1)) in
/// quotes, so that they reach `raw` — in Rust and in JavaScript — as strings of their exact
/// digits instead of rounded floats. Strings and other numbers are left alone; text that is not
/// JSON stays not JSON.
///
/// ```text
/// {"a":9007199254740993,"b":"9007199254740993","c":1.5} -> {"a":"9007199254740993","b":"9007199254740993","c":1.5}
/// ```
fn quote_big_integers(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b != b'-' && !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        // A number token: -?digits(.digits)?([eE][+-]?digits)?
        let start = i;
        i += usize::from(b == b'-');
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &text[digits_start..i];
        let integer = i == bytes.len() || !matches!(bytes[i], b'.' | b'e' | b'E');
        while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-.eE".contains(&bytes[i])) {
            i += 1;
        }
        let unsafe_integer =
            integer && (digits.len() > 16 || (digits.len() == 16 && digits > "9007199254740991"));
        if unsafe_integer {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
            buf.push_str(&text[copied..start]);
            buf.push('"');
            buf.push_str(&text[start..i]);
            buf.push('"');
            copied = i;
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            std::borrow::Cow::Owned(buf)
        }
    }
}

/// A field as a string, whether KCP sent a string or a number.
fn string_field(raw: &Map<String, Value>, name: &str) -> Option<String> {
    match raw.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An amount sent as a string of digits or a number; empty or absent is `None`.
fn amount_field(raw: &Map<String, Value>, name: &'static str) -> Result<Option<u64>> {
    let bad = || Error::ResponseMalformed("an amount in the reply is not a whole number");
    match raw.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.len() > 15 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map(Some).map_err(|_| bad())
        }
        // Beyond 2^53 − 1 an amount could not reach JavaScript exactly: no real amount is that big.
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|n| *n <= MAX_SAFE_INTEGER)
            .map(Some)
            .ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Operation;

    fn refund_expect() -> Expect {
        Expect {
            operation: Operation::Refund,
            tno: "123".into(),
            mod_type: Some("STPC".into()),
            pay_type: None,
            amount: Some(100),
            remaining_after: Some(900),
        }
    }

    fn codes(r: &ModifyResult) -> Vec<&'static str> {
        r.warnings.iter().map(|w| w.code).collect()
    }

    #[test]
    fn success_refusal_and_warnings() {
        let e = refund_expect();
        let ok = parse_modify_response(
            r#"{"res_cd":"0000","tno":"123","rem_mny":900,"mod_mny":"100","x":1}"#,
            &e,
        )
        .unwrap();
        assert_eq!((ok.mod_mny, ok.rem_mny), (Some(100), Some(900)));
        assert!(ok.warnings.is_empty());
        assert_eq!(ok.raw["x"], 1);
        // Applied, and the balance disagrees: a result with a warning, raw kept.
        let odd =
            parse_modify_response(r#"{"res_cd":"0000","tno":"123","rem_mny":"800"}"#, &e).unwrap();
        assert_eq!(codes(&odd), ["REMAINING_MISMATCH"]);
        assert_eq!(odd.warnings[0].expected.as_deref(), Some("900"));
        assert_eq!(odd.warnings[0].reported.as_deref(), Some("800"));
        assert_eq!(
            (odd.rem_mny, odd.raw["rem_mny"].as_str()),
            (Some(800), Some("800"))
        );
        let other = parse_modify_response(
            r#"{"res_cd":"0000","tno":"124","rem_mny":"900","mod_mny":"99"}"#,
            &e,
        )
        .unwrap();
        assert_eq!(codes(&other), ["TNO_MISMATCH", "AMOUNT_MISMATCH"]);
        assert_eq!(other.tno, "124");
        // No rem_mny: unknown, not inconsistent.
        let bare = parse_modify_response(r#"{"res_cd":"0000","tno":"123"}"#, &e).unwrap();
        assert_eq!((bare.rem_mny, bare.warnings.len()), (None, 0));
        // No tno at all: the request's.
        let anon = parse_modify_response(r#"{"res_cd":"0000"}"#, &e).unwrap();
        assert_eq!(anon.tno, "123");
        match parse_modify_response(
            r#"{"res_cd":"8133","res_msg":"잔액 부족","res_en_msg":"no"}"#,
            &e,
        )
        .unwrap_err()
        {
            Error::KcpRejected {
                res_cd,
                res_msg,
                res_en_msg,
                raw,
            } => {
                assert_eq!(
                    (res_cd.as_str(), res_msg.as_str(), res_en_msg.as_deref()),
                    ("8133", "잔액 부족", Some("no"))
                );
                assert_eq!(raw["res_cd"], "8133");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn both_sequence_spellings() {
        let e = refund_expect();
        for field in ["mod_pacn_seq_no", "mod_pcan_seq_no"] {
            let text = format!(r#"{{"res_cd":"0000","tno":"123","rem_mny":"900","{field}":"3"}}"#);
            let r = parse_modify_response(&text, &e).unwrap();
            assert_eq!(r.mod_pacn_seq_no.as_deref(), Some("3"), "{field}");
        }
    }

    #[test]
    fn unreadable_amounts_of_a_success_are_warnings() {
        let e = refund_expect();
        for text in [
            r#"{"res_cd":"0000","tno":"123","rem_mny":"9x"}"#,
            r#"{"res_cd":"0000","tno":"123","rem_mny":-1}"#,
            r#"{"res_cd":"0000","tno":"123","rem_mny":1.5}"#,
            r#"{"res_cd":"0000","tno":"123","rem_mny":9007199254740993}"#,
            r#"{"res_cd":"0000","tno":"123","rem_mny":123456789012345678901234567890}"#,
        ] {
            let r = parse_modify_response(text, &e).unwrap();
            assert_eq!(
                (codes(&r), r.rem_mny),
                (vec!["AMOUNT_UNREADABLE"], None),
                "{text}"
            );
        }
    }

    #[test]
    fn large_integers_stay_exact_in_raw() {
        let e = refund_expect();
        let r = parse_modify_response(
            r#"{"res_cd":"0000","tno":"123","rem_mny":"900","big":123456789012345678901234567890,"edge":9007199254740992,"safe":9007199254740991,"neg":-9007199254740993,"f":0.1,"e":1e30,"s":"12345678901234567890","esc":"a\"1234567890123456789\"","arr":[99999999999999999]}"#,
            &e,
        )
        .unwrap();
        assert_eq!(r.raw["big"], "123456789012345678901234567890");
        assert_eq!(r.raw["edge"], "9007199254740992");
        assert_eq!(r.raw["safe"], 9007199254740991_u64);
        assert_eq!(r.raw["neg"], "-9007199254740993");
        assert_eq!(r.raw["f"], 0.1);
        assert_eq!(r.raw["e"], 1e30);
        assert_eq!(r.raw["s"], "12345678901234567890");
        assert_eq!(r.raw["esc"], "a\"1234567890123456789\"");
        assert_eq!(r.raw["arr"][0], "99999999999999999");
        // Not JSON stays not JSON.
        for text in [
            "{\"res_cd\":\"0000\",\"x\":12345678901234567890x}",
            "12345678901234567890",
        ] {
            assert_eq!(
                parse_modify_response(text, &e).unwrap_err().code(),
                "RESPONSE_MALFORMED"
            );
        }
    }

    #[test]
    fn malformed_replies() {
        let e = refund_expect();
        for text in ["", "<html>", "[]", "{}", r#"{"res_cd":null}"#] {
            assert_eq!(
                parse_modify_response(text, &e).unwrap_err().code(),
                "RESPONSE_MALFORMED",
                "{text}"
            );
        }
    }

    #[test]
    fn inquiry_about_another_transaction_is_inconsistent() {
        let mut e = refund_expect();
        e.operation = Operation::Inquiry;
        let err = parse_inquiry_response(r#"{"res_cd":"0000","tno":"124"}"#, &e).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("RESPONSE_INCONSISTENT", Some("tno"))
        );
    }
}
