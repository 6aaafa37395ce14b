//! Trade registration (`/std/tradeReg/register`), which a mobile payment window needs first: it
//! returns the `approvalKey` and the `PayUrl` the browser posts to. No `kcp_sign_data`; the reply
//! is CamelCase (`Code`, `Message`, `approvalKey`, `PayUrl`, `traceNo`). Source and grade:
//! `kcp-api/beyond-cancel.md` §1.6 (KCP's samples, A; `AUTH` from a captured payload, B).

/// Path of the trade-registration endpoint.
pub const TRADE_REGISTER_PATH: &str = "/std/tradeReg/register";
/// The mobile window's `pay_method`s (`AUTH`: billing-key issuance).
pub const TRADE_PAY_METHODS: &[&str] = &["CARD", "BANK", "VCNT", "MOBX", "TPNT", "GIFT", "AUTH"];

use super::approval::new_expect;
use super::fields::{check_order, validate_text};
use super::reply::{ReplyShape, parse_success_with, text_field};
use super::{Expect, Merchant, Operation, PreparedRequest};
use crate::error::{Error, Result};
use crate::json::Object;
use serde::Serialize;

/// Longest `Ret_URL`, in bytes.
pub const MAX_RETURN_URL_LEN: usize = 1024;

/// Trade registration for the mobile payment window.
///
/// ```
/// # use kcp_wasm::*;
/// # let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
/// # let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// # let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
/// let request = merchant.register_trade(&TradeRegistration {
///     order_id: "ORDER-1".into(),
///     amount: 1004,
///     good_name: "운동화".into(),
///     pay_method: "CARD".into(),
///     return_url: "https://shop.example/kcp/return".into(),
///     escrow: false,
///     user_agent: None,
/// })?;
/// assert!(!request.moves_money);
/// let reply = r#"{"Code":"0000","Message":"OK","approvalKey":"AK","PayUrl":"https://testsmpay.kcp.co.kr/pay/mobileGW.kcp","traceNo":"T1"}"#;
/// let result = parse_trade_registration_response(reply, &request.expect)?;
/// assert_eq!(result.approval_key, "AK");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TradeRegistration {
    /// `ordr_idxx`.
    pub order_id: String,
    /// `good_mny`.
    pub amount: u64,
    /// `good_name`.
    pub good_name: String,
    /// `pay_method`, one of [`TRADE_PAY_METHODS`].
    pub pay_method: String,
    /// `Ret_URL`: where KCP's mobile window posts its result (http or https).
    pub return_url: String,
    /// `escw_used`: an escrow payment.
    pub escrow: bool,
    /// `user_agent`: the buyer's browser's (KCP's samples may send it empty).
    pub user_agent: Option<String>,
}

/// A successful trade registration (`Code` `0000`): what the mobile window needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TradeRegistrationResult {
    /// `Code`: always `0000`.
    pub code: String,
    /// `Message`.
    pub message: String,
    /// `approvalKey`: post it to `pay_url` as the form field `approval_key`.
    pub approval_key: String,
    /// `PayUrl`: where the browser posts the window's form.
    pub pay_url: String,
    /// `traceNo`, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_no: Option<String>,
    /// Every field of the reply, verbatim.
    #[serde(skip)]
    pub raw: Object,
}

/// The reply's shape: CamelCase `Code` / `Message` (snake_case accepted too).
const TRADE_REPLY: ReplyShape = ReplyShape {
    code: &["Code", "code", "res_cd"],
    message: &["Message", "message", "res_msg"],
    en_message: None,
    success: &["0000"],
};

/// `Ret_URL`: an http(s) URL without spaces or control characters.
fn check_return_url(url: &str) -> Result<()> {
    let scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = scheme.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && url.len() <= MAX_RETURN_URL_LEN
        && url.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "Ret_URL",
            "must be an http:// or https:// URL of at most 1024 characters, without spaces",
        ))
    }
}

impl Merchant {
    /// Trade registration (`/std/tradeReg/register`), which the mobile window needs first.
    /// Unsigned; moves no money.
    pub fn register_trade(&self, request: &TradeRegistration) -> Result<PreparedRequest> {
        check_order(
            &request.order_id,
            "good_mny",
            request.amount,
            &request.good_name,
        )?;
        if !TRADE_PAY_METHODS.contains(&request.pay_method.as_str()) {
            return Err(Error::field_invalid(
                "pay_method",
                format!("must be one of {}", TRADE_PAY_METHODS.join(", ")),
            ));
        }
        check_return_url(&request.return_url)?;
        let user_agent = request.user_agent.clone().unwrap_or_default();
        validate_text("user_agent", &user_agent, 1024)?;
        Ok(self.prepare_unsigned(
            TRADE_REGISTER_PATH,
            vec![
                ("ordr_idxx", request.order_id.clone()),
                ("good_mny", request.amount.to_string()),
                ("good_name", request.good_name.clone()),
                ("pay_method", request.pay_method.clone()),
                ("Ret_URL", request.return_url.clone()),
                ("escw_used", if request.escrow { "Y" } else { "N" }.into()),
                ("user_agent", user_agent),
            ],
            new_expect(Operation::TradeRegistration, None, Some(request.amount)),
            Some(request.order_id.clone()),
        ))
    }
}

/// Reads a reply to a trade registration: `Code` `0000` is success, any other `Code` is
/// [`Error::KcpRejected`] with `res_cd` = `Code` and `res_msg` = `Message`. A success without
/// `approvalKey` or `PayUrl` is [`Error::ResponseInconsistent`] (nothing to open the window with).
pub fn parse_trade_registration_response(
    text: &str,
    _expect: &Expect,
) -> Result<TradeRegistrationResult> {
    let (raw, code, message) = parse_success_with(text, &TRADE_REPLY)?;
    let first = |names: &[&str]| names.iter().find_map(|n| text_field(&raw, n));
    let approval_key = first(&["approvalKey", "approval_key", "ApprovalKey"]).ok_or_else(|| {
        Error::ResponseInconsistent {
            field: "approvalKey",
            reason: "KCP reported success but sent no approvalKey".into(),
        }
    })?;
    let pay_url =
        first(&["PayUrl", "payUrl", "pay_url"]).ok_or_else(|| Error::ResponseInconsistent {
            field: "PayUrl",
            reason: "KCP reported success but sent no PayUrl".into(),
        })?;
    Ok(TradeRegistrationResult {
        code,
        message,
        approval_key,
        pay_url,
        trace_no: first(&["traceNo", "TraceNo", "trace_no"]),
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::super::approval::tests::{body, merchant};
    use super::*;
    use crate::Reply;

    fn reg() -> TradeRegistration {
        TradeRegistration {
            order_id: "M-1".into(),
            amount: 1004,
            good_name: "운동화".into(),
            pay_method: "CARD".into(),
            return_url: "https://shop.example/kcp/return?x=1".into(),
            escrow: true,
            user_agent: Some("Mozilla/5.0 (iPhone)".into()),
        }
    }

    #[test]
    fn wire_body_and_reply() {
        let m = merchant();
        let r = m.register_trade(&reg()).unwrap();
        assert_eq!(r.url, "https://stg-spl.kcp.co.kr/std/tradeReg/register");
        assert_eq!(
            (r.operation, r.moves_money),
            (Operation::TradeRegistration, false)
        );
        let (keys, map) = body(&r);
        assert_eq!(
            keys,
            [
                "site_cd",
                "kcp_cert_info",
                "ordr_idxx",
                "good_mny",
                "good_name",
                "pay_method",
                "Ret_URL",
                "escw_used",
                "user_agent"
            ]
        );
        assert_eq!(
            (map["good_mny"].as_str(), map["escw_used"].as_str()),
            (Some("1004"), Some("Y"))
        );
        let plain = m
            .register_trade(&TradeRegistration {
                escrow: false,
                user_agent: None,
                ..reg()
            })
            .unwrap();
        let (_, map) = body(&plain);
        assert_eq!(
            (map["escw_used"].as_str(), map["user_agent"].as_str()),
            (Some("N"), Some(""))
        );
        let Reply::TradeRegistration(t) = r
            .parse_reply(r#"{"Code":"0000","Message":"정상","approvalKey":"AK1","traceNo":"TR1","PayUrl":"https://testsmpay.kcp.co.kr/pay/mobileGW.kcp","extra":1}"#)
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (
                t.code.as_str(),
                t.message.as_str(),
                t.approval_key.as_str(),
                t.trace_no.as_deref()
            ),
            ("0000", "정상", "AK1", Some("TR1"))
        );
        assert_eq!(t.pay_url, "https://testsmpay.kcp.co.kr/pay/mobileGW.kcp");
        assert_eq!(t.raw["extra"], 1);
    }

    #[test]
    fn refusals_and_hostile_replies() {
        let e = new_expect(Operation::TradeRegistration, None, None);
        match parse_trade_registration_response(
            r#"{"Code":"8003","Message":"가맹점 정보 오류"}"#,
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
                    (res_cd.as_str(), res_msg.as_str(), res_en_msg),
                    ("8003", "가맹점 정보 오류", None)
                );
                assert_eq!(raw["Code"], "8003");
            }
            other => panic!("{other:?}"),
        }
        // A snake_case refusal is read too.
        assert_eq!(
            parse_trade_registration_response(r#"{"res_cd":"9999","res_msg":"x"}"#, &e)
                .unwrap_err()
                .code(),
            "KCP_REJECTED"
        );
        let missing =
            parse_trade_registration_response(r#"{"Code":"0000","PayUrl":"https://x"}"#, &e)
                .unwrap_err();
        assert_eq!(
            (missing.code(), missing.field()),
            ("RESPONSE_INCONSISTENT", Some("approvalKey"))
        );
        let missing = parse_trade_registration_response(r#"{"Code":"0000","approvalKey":"A"}"#, &e)
            .unwrap_err();
        assert_eq!(missing.field(), Some("PayUrl"));
        for text in ["", "<html>", "[]", "{}", r#"{"Code":["0000"]}"#, "\"0000\""] {
            assert_eq!(
                parse_trade_registration_response(text, &e)
                    .unwrap_err()
                    .code(),
                "RESPONSE_MALFORMED",
                "{text}"
            );
        }
    }

    #[test]
    fn validation() {
        let m = merchant();
        let field = |t: TradeRegistration| m.register_trade(&t).unwrap_err().field();
        assert_eq!(
            field(TradeRegistration {
                pay_method: "card".into(),
                ..reg()
            }),
            Some("pay_method")
        );
        assert_eq!(
            field(TradeRegistration {
                return_url: "ftp://x".into(),
                ..reg()
            }),
            Some("Ret_URL")
        );
        assert_eq!(
            field(TradeRegistration {
                return_url: "https:///x".into(),
                ..reg()
            }),
            Some("Ret_URL")
        );
        assert_eq!(
            field(TradeRegistration {
                return_url: "https://x/a b".into(),
                ..reg()
            }),
            Some("Ret_URL")
        );
        assert_eq!(
            field(TradeRegistration { amount: 0, ..reg() }),
            Some("good_mny")
        );
        assert_eq!(
            field(TradeRegistration {
                order_id: "a'b".into(),
                ..reg()
            }),
            Some("ordr_idxx")
        );
        assert_eq!(
            field(TradeRegistration {
                user_agent: Some("a\nb".into()),
                ..reg()
            }),
            Some("user_agent")
        );
        for method in TRADE_PAY_METHODS {
            assert!(
                m.register_trade(&TradeRegistration {
                    pay_method: (*method).into(),
                    ..reg()
                })
                .is_ok()
            );
        }
    }
}
