//! The inquiry endpoint (`/std/inquery`, KCP's spelling): the state of a transaction. This
//! module owns what KCP expects of it: the `pay_type`s, the request and its validation, the
//! plaintext, the wire form and the reply.

use super::fields::{validate_site_cd, validate_tno};
use super::reply::{parse_success, string_field};
use super::{Expect, Merchant, Operation, PreparedRequest};
use crate::error::{Error, Result};
use crate::json::Object;

/// Path of the transaction inquiry endpoint (KCP's spelling).
pub const INQUIRY_PATH: &str = "/std/inquery";

/// The `pay_type`s of the inquiry API: card (and easy pay), bank transfer, virtual account,
/// mobile, points, gift certificate. The same list as [`PayType::ALL`], as strings.
pub const PAY_TYPES: &[&str] = &["PACA", "PABK", "PAVC", "PAMC", "PAPT", "PATK"];

/// A `pay_type` of the inquiry endpoint.
///
/// ```
/// use kcp_wasm::PayType;
/// assert_eq!(PayType::from_code("PAVC")?, PayType::Pavc);
/// assert_eq!(PayType::Paca.code(), "PACA");
/// assert!(!PayType::Paca.moves_money());
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayType {
    /// `PACA`: card, and easy pay through a card.
    Paca,
    /// `PABK`: real-time bank transfer.
    Pabk,
    /// `PAVC`: virtual account.
    Pavc,
    /// `PAMC`: mobile phone.
    Pamc,
    /// `PAPT`: points.
    Papt,
    /// `PATK`: gift certificate.
    Patk,
}

impl PayType {
    /// Every `pay_type`, in the order of [`PAY_TYPES`].
    pub const ALL: [PayType; 6] = [
        PayType::Paca,
        PayType::Pabk,
        PayType::Pavc,
        PayType::Pamc,
        PayType::Papt,
        PayType::Patk,
    ];

    /// The wire code, e.g. `PACA`.
    pub fn code(self) -> &'static str {
        PAY_TYPES[self as usize]
    }

    /// The `pay_type` of a wire code; `FIELD_INVALID` on `pay_type` for any other string.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code)
            .ok_or_else(|| {
                Error::field_invalid(
                    "pay_type",
                    format!("must be one of {}", PAY_TYPES.join(", ")),
                )
            })
    }

    /// An inquiry only reads: it never moves money, whatever the payment type.
    pub fn moves_money(self) -> bool {
        false
    }

    /// The payment method, in a few English words.
    pub fn description(self) -> &'static str {
        match self {
            PayType::Paca => "card (incl. easy pay)",
            PayType::Pabk => "bank transfer",
            PayType::Pavc => "virtual account",
            PayType::Pamc => "mobile",
            PayType::Papt => "points",
            PayType::Patk => "gift certificate",
        }
    }
}

/// `pay_type`: one of [`PAY_TYPES`].
pub fn validate_pay_type(pay_type: &str) -> Result<()> {
    PayType::from_code(pay_type).map(|_| ())
}

/// The plaintext of a transaction inquiry: `site_cd^tno^pay_type`.
///
/// ```
/// assert_eq!(
///     kcp_wasm::inquiry_plaintext("T0000", "21234567890123", "PACA")?,
///     "T0000^21234567890123^PACA"
/// );
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
pub fn inquiry_plaintext(site_cd: &str, tno: &str, pay_type: &str) -> Result<String> {
    validate_site_cd(site_cd)?;
    validate_tno(tno)?;
    validate_pay_type(pay_type)?;
    Ok(format!("{site_cd}^{tno}^{pay_type}"))
}

/// Transaction inquiry.
///
/// ```
/// let inquiry = kcp_wasm::Inquiry { tno: "21234567890123".into(), pay_type: "PACA".into() };
/// # let _ = inquiry;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inquiry {
    /// KCP's transaction number.
    pub tno: String,
    /// `pay_type`, one of [`crate::PAY_TYPES`] (see [`PayType`]).
    pub pay_type: String,
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
    pub raw: Object,
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

impl Merchant {
    /// Transaction inquiry (`/std/inquery`).
    pub fn inquiry(&self, request: &Inquiry) -> Result<PreparedRequest> {
        let plaintext = inquiry_plaintext(self.site_cd(), &request.tno, &request.pay_type)?;
        let pay_type = PayType::from_code(&request.pay_type)?;
        self.prepare(
            INQUIRY_PATH,
            plaintext,
            &request.tno,
            vec![("pay_type".into(), request.pay_type.clone())],
            pay_type.moves_money(),
            Expect {
                operation: Operation::Inquiry,
                tno: request.tno.clone(),
                mod_type: None,
                pay_type: Some(request.pay_type.clone()),
                amount: None,
                remaining_after: None,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_type_facts() {
        assert_eq!(PayType::ALL.map(PayType::code).as_slice(), PAY_TYPES);
        assert_eq!(
            inquiry_plaintext("T0000", "1", "PAXX").unwrap_err().field(),
            Some("pay_type")
        );
    }

    #[test]
    fn inquiry_about_another_transaction_is_inconsistent() {
        let e = Expect {
            operation: Operation::Inquiry,
            tno: "123".into(),
            mod_type: None,
            pay_type: Some("PACA".into()),
            amount: None,
            remaining_after: None,
        };
        let err = parse_inquiry_response(r#"{"res_cd":"0000","tno":"124"}"#, &e).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("RESPONSE_INCONSISTENT", Some("tno"))
        );
    }
}
