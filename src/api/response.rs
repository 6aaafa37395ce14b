//! KCP's replies: success only on `res_cd` `0000`, anything else a refusal carried verbatim.

use super::{Expect, Operation};
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// Largest reply text read. KCP's replies are a few hundred bytes.
const MAX_RESPONSE_LEN: usize = 1024 * 1024;

/// A successful cancel, refund or other modification; see [`parse_modify_response`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyResult {
    /// Always `0000`.
    pub res_cd: String,
    /// KCP's message.
    pub res_msg: String,
    /// The transaction number.
    pub tno: String,
    /// `canc_time`, verbatim (`yyyyMMddHHmmss`).
    #[serde(rename = "canceledAt", skip_serializing_if = "Option::is_none")]
    pub canc_time: Option<String>,
    /// `mod_mny`: the amount cancelled now.
    #[serde(rename = "amount", skip_serializing_if = "Option::is_none")]
    pub mod_mny: Option<u64>,
    /// `rem_mny`: the cancellable balance after this request.
    #[serde(rename = "remaining", skip_serializing_if = "Option::is_none")]
    pub rem_mny: Option<u64>,
    /// `mod_pacn_seq_no`: the partial-cancel sequence number.
    #[serde(rename = "partialSequence", skip_serializing_if = "Option::is_none")]
    pub mod_pacn_seq_no: Option<String>,
    /// Every field of the reply, verbatim.
    pub raw: Map<String, Value>,
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
    /// Every field of the reply, verbatim.
    pub raw: Map<String, Value>,
}

/// Reads a reply to a cancel / refund / modification, whatever its content type said.
///
/// Returns the result for `res_cd` `0000`, [`Error::KcpRejected`] for any other code, and
/// [`Error::ResponseInconsistent`] when a success disagrees with the request (another `tno`,
/// or for a partial refund a `rem_mny` other than the request's `rem_mny − mod_mny`).
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
///
/// let refused = parse_modify_response(r#"{"res_cd":"8133","res_msg":"취소 가능 금액 초과"}"#, &expect);
/// assert_eq!(refused.unwrap_err().code(), "KCP_REJECTED");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
pub fn parse_modify_response(text: &str, expect: &Expect) -> Result<ModifyResult> {
    let (raw, res_msg) = parse_success(text)?;
    let tno = string_field(&raw, "tno");
    let rem_mny = amount_field(&raw, "rem_mny")?;
    let mod_mny = amount_field(&raw, "mod_mny")?;
    match &tno {
        Some(tno) if tno != &expect.tno => {
            return Err(Error::ResponseInconsistent {
                field: "tno",
                reason: format!(
                    "the reply is for transaction {tno}, the request for {}",
                    expect.tno
                ),
            });
        }
        None if expect.operation == Operation::Refund => {
            return Err(Error::ResponseInconsistent {
                field: "tno",
                reason: "the reply to a partial refund names no transaction".into(),
            });
        }
        _ => {}
    }
    if let Some(want) = expect.remaining_after {
        match rem_mny {
            Some(got) if got == want => {}
            Some(got) => {
                return Err(Error::ResponseInconsistent {
                    field: "rem_mny",
                    reason: format!(
                        "the balance after the refund should be {want}, KCP reports {got}"
                    ),
                });
            }
            None => {
                return Err(Error::ResponseInconsistent {
                    field: "rem_mny",
                    reason: "the reply to a partial refund does not report the balance".into(),
                });
            }
        }
    }
    Ok(ModifyResult {
        res_cd: "0000".into(),
        res_msg,
        tno: tno.unwrap_or_else(|| expect.tno.clone()),
        canc_time: string_field(&raw, "canc_time"),
        mod_mny,
        rem_mny,
        mod_pacn_seq_no: string_field(&raw, "mod_pacn_seq_no"),
        raw,
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
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
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
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn success_refusal_and_inconsistency() {
        let e = refund_expect();
        let ok = parse_modify_response(
            r#"{"res_cd":"0000","tno":"123","rem_mny":900,"mod_mny":"100","x":1}"#,
            &e,
        )
        .unwrap();
        assert_eq!((ok.mod_mny, ok.rem_mny), (Some(100), Some(900)));
        assert_eq!(ok.raw["x"], 1);
        let err = parse_modify_response(r#"{"res_cd":"0000","tno":"123","rem_mny":"800"}"#, &e)
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("RESPONSE_INCONSISTENT", Some("rem_mny"))
        );
        let err = parse_modify_response(r#"{"res_cd":"0000","tno":"124","rem_mny":"900"}"#, &e)
            .unwrap_err();
        assert_eq!(err.field(), Some("tno"));
        let err = parse_modify_response(r#"{"res_cd":"0000","tno":"123"}"#, &e).unwrap_err();
        assert_eq!(err.field(), Some("rem_mny"));
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
                ..
            } => {
                assert_eq!(
                    (res_cd.as_str(), res_msg.as_str(), res_en_msg.as_deref()),
                    ("8133", "잔액 부족", Some("no"))
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_replies() {
        let e = refund_expect();
        for text in [
            "",
            "<html>",
            "[]",
            "{}",
            r#"{"res_cd":null}"#,
            r#"{"res_cd":"0000","tno":"123","rem_mny":"9x"}"#,
        ] {
            assert_eq!(
                parse_modify_response(text, &e).unwrap_err().code(),
                "RESPONSE_MALFORMED",
                "{text}"
            );
        }
    }
}
