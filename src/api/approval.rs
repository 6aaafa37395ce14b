//! The approval endpoint (`/gw/enc/v1/payment`): it turns what KCP's payment window handed the
//! merchant (`tran_cd`, `enc_data`, `enc_info`) into a payment, and, with a billing-key window,
//! issues a billing key (`batch_key`). No `kcp_sign_data`: only `kcp_cert_info`. Sources and
//! grades: `kcp-api/beyond-cancel.md` §1 (approval, A) and §2.2 (billing-key issuance, B).

/// Path of the approval endpoint (also billing-key issuance).
pub const APPROVAL_PATH: &str = "/gw/enc/v1/payment";

/// The `mod_desc` KCP's samples send when they cancel a payment whose approval succeeded but
/// whose recording in the merchant's database failed (§1.5).
pub const AUTO_CANCEL_REASON: &str = "가맹점 DB 처리 실패(자동취소)";

/// `tran_cd` observed for an ordinary payment (§1.2, grade C). Never sent from here: the window's
/// value is passed through unchanged; the emulator's window hands it out.
pub const TRAN_CD_PAYMENT: &str = "00100000";
/// `tran_cd` observed for billing-key issuance (§1.2, captured payload, grade C).
pub const TRAN_CD_BILLING_KEY: &str = "00300001";

/// A payment method of the window: its 12-digit `use_pay_method`, its name in this library, and
/// the inquiry/cancel `pay_type` of the transaction it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayMethod {
    /// `use_pay_method`, e.g. `100000000000`.
    pub use_pay_method: &'static str,
    /// This library's name: `card`, `bank`, `virtualAccount`, `points`, `mobile`, `gift`.
    pub name: &'static str,
    /// The `pay_type` of the transaction (`PACA` …).
    pub pay_type: &'static str,
}

/// The window's payment methods (§1.2a, KCP's sample, grade A).
pub const PAY_METHODS: &[PayMethod] = &[
    PayMethod {
        use_pay_method: "100000000000",
        name: "card",
        pay_type: "PACA",
    },
    PayMethod {
        use_pay_method: "010000000000",
        name: "bank",
        pay_type: "PABK",
    },
    PayMethod {
        use_pay_method: "001000000000",
        name: "virtualAccount",
        pay_type: "PAVC",
    },
    PayMethod {
        use_pay_method: "000100000000",
        name: "points",
        pay_type: "PAPT",
    },
    PayMethod {
        use_pay_method: "000010000000",
        name: "mobile",
        pay_type: "PAMC",
    },
    PayMethod {
        use_pay_method: "000000001000",
        name: "gift",
        pay_type: "PATK",
    },
];

use super::fields::{check_order_id, check_payment_amount};
use super::modify::ResultWarning;
pub(crate) use super::modify::read_amount;
use super::reply::{parse_success, string_field, text_field};
use super::{Expect, Merchant, Operation, PreparedRequest};
use crate::error::{Error, Result};
use crate::json::Object;
use serde::Serialize;

/// Longest `enc_data` / `enc_info` accepted, in bytes: KCP's are a few kilobytes at most.
pub const MAX_ENC_LEN: usize = 64 * 1024;

/// The approval of a finished payment window: what the window handed the merchant, passed
/// through unchanged, and the merchant's own amount.
///
/// ```
/// # use kcp_wasm::*;
/// # let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
/// # let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// # let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
/// let request = merchant.approve(&Approval {
///     tran_cd: "00100000".into(),
///     enc_data: "opaque-data".into(),
///     enc_info: "opaque-info".into(),
///     amount: 1004,
///     use_pay_method: Some("100000000000".into()),
///     order_id: Some("ORDER-1".into()),
/// })?;
/// assert_eq!(request.url, "https://stg-spl.kcp.co.kr/gw/enc/v1/payment");
/// let body: kcp_wasm::json::Value = request.body.parse().unwrap();
/// assert_eq!(body["ordr_mony"], "1004");
/// assert!(body.get("kcp_sign_data").is_none());
/// let result = kcp_wasm::parse_payment_response(
///     r#"{"res_cd":"0000","res_msg":"정상처리","tno":"23732987373372","amount":"1004","pay_method":"PACA","card_cd":"CCLG","app_no":"70577311"}"#,
///     &request.expect,
/// )?;
/// assert_eq!((result.method, result.amount), ("card", Some(1004)));
/// assert_eq!(result.card.unwrap().approval_no.as_deref(), Some("70577311"));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Approval {
    /// `tran_cd`, as the window handed it over (digits).
    pub tran_cd: String,
    /// `enc_data`, as the window handed it over (opaque; never changed).
    pub enc_data: String,
    /// `enc_info`, as the window handed it over (opaque; never changed).
    pub enc_info: String,
    /// `ordr_mony`: the amount in the merchant's own records, which KCP compares with the
    /// window's.
    pub amount: u64,
    /// The window's `use_pay_method` (e.g. `100000000000`), when the caller has it: the
    /// payment method when the reply does not say.
    pub use_pay_method: Option<String>,
    /// The merchant's order number (`ordr_idxx` of the window), when the caller has it: not
    /// sent, but the reply's `order_no` is checked against it.
    pub order_id: Option<String>,
}

/// Billing-key issuance from a billing-key window's result (no amount).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillingKeyIssue {
    /// `tran_cd`, as the window handed it over.
    pub tran_cd: String,
    /// `enc_data`, as the window handed it over.
    pub enc_data: String,
    /// `enc_info`, as the window handed it over.
    pub enc_info: String,
}

/// `tran_cd`: the window's, digits only.
fn check_tran_cd(tran_cd: &str) -> Result<()> {
    if (1..=16).contains(&tran_cd.len()) && tran_cd.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "tran_cd",
            "must be the window's tran_cd: 1 to 16 digits",
        ))
    }
}

/// What the window handed over, checked, as the approval endpoint's first fields (`tran_cd`,
/// `enc_data`, `enc_info`, passed through unchanged): an approval's and a billing-key issuance's.
fn window_fields(
    tran_cd: &str,
    enc_data: &str,
    enc_info: &str,
) -> Result<Vec<(&'static str, String)>> {
    check_tran_cd(tran_cd)?;
    check_opaque("enc_data", enc_data)?;
    check_opaque("enc_info", enc_info)?;
    Ok(vec![
        ("tran_cd", tran_cd.to_string()),
        ("enc_data", enc_data.to_string()),
        ("enc_info", enc_info.to_string()),
    ])
}

/// `enc_data` / `enc_info`: passed through unchanged, so only checked to be present, free of
/// control characters and of a sane size.
fn check_opaque(field: &'static str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::field_invalid(
            field,
            "is required: pass the window's value unchanged",
        ));
    }
    if value.len() > MAX_ENC_LEN {
        return Err(Error::field_invalid(
            field,
            format!("is longer than {MAX_ENC_LEN} bytes"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::field_invalid(
            field,
            "must not contain control characters (pass the window's value unchanged)",
        ));
    }
    Ok(())
}

/// The `pay_type` of a window's `use_pay_method`: known 12-digit codes map through
/// [`PAY_METHODS`]; other short codes (e.g. `BATCH`) are accepted and map to nothing.
fn pay_type_of_use_pay_method(use_pay_method: &str) -> Result<Option<&'static str>> {
    if let Some(m) = PAY_METHODS
        .iter()
        .find(|m| m.use_pay_method == use_pay_method)
    {
        return Ok(Some(m.pay_type));
    }
    if (1..=32).contains(&use_pay_method.len())
        && use_pay_method.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Ok(None);
    }
    Err(Error::field_invalid(
        "use_pay_method",
        "must be the window's use_pay_method (e.g. 100000000000)",
    ))
}

/// An expectation for a request that has no `tno` yet.
pub(crate) fn new_expect(
    operation: Operation,
    pay_type: Option<&str>,
    amount: Option<u64>,
) -> Expect {
    Expect {
        operation,
        tno: String::new(),
        mod_type: None,
        pay_type: pay_type.map(str::to_string),
        amount,
        remaining_after: None,
    }
}

impl Merchant {
    /// Approval of a finished payment window (`/gw/enc/v1/payment`): `tran_cd`, `enc_data`,
    /// `enc_info` passed through and `ordr_mony`. Unsigned (only `kcp_cert_info`). Moves money:
    /// never re-send it blindly.
    pub fn approve(&self, request: &Approval) -> Result<PreparedRequest> {
        let mut fields = window_fields(&request.tran_cd, &request.enc_data, &request.enc_info)?;
        check_payment_amount("ordr_mony", request.amount)?;
        let pay_type = match &request.use_pay_method {
            Some(m) => pay_type_of_use_pay_method(m)?,
            None => None,
        };
        if let Some(order_id) = &request.order_id {
            check_order_id(order_id)?;
        }
        fields.push(("ordr_mony", request.amount.to_string()));
        Ok(self.prepare_unsigned(
            APPROVAL_PATH,
            fields,
            new_expect(Operation::Approval, pay_type, Some(request.amount)),
            request.order_id.clone(),
        ))
    }

    /// Billing-key issuance (`/gw/enc/v1/payment`, no `ordr_mony`): the reply carries the
    /// `batch_key` and no `tno`.
    pub fn issue_billing_key(&self, request: &BillingKeyIssue) -> Result<PreparedRequest> {
        Ok(self.prepare_unsigned(
            APPROVAL_PATH,
            window_fields(&request.tran_cd, &request.enc_data, &request.enc_info)?,
            new_expect(Operation::BillingKeyIssue, None, None),
            None,
        ))
    }
}

/// Card details of a payment reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardDetails {
    /// `card_cd`: KCP's card company code (e.g. `CCLG`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `card_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `app_no`: the card approval number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_no: Option<String>,
    /// `noinf`: `Y` means interest-free instalments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interest_free: Option<bool>,
    /// `quota`: instalment months (0: lump sum), when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installments: Option<u32>,
    /// `acqu_cd`: the acquirer's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquirer_code: Option<String>,
    /// `acqu_name`: the acquirer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquirer_name: Option<String>,
    /// Points used together with the card (`pnt_issue` present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<PointsDetails>,
}

/// Points details (`pnt_*`, `add_pnt`, `use_pnt`, `rsv_pnt`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PointsDetails {
    /// `pnt_issue`: the points issuer (`SCSK` OK Cashback, `SCWB` welfare points…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// `pnt_amount`: the amount paid with points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// `add_pnt`: points earned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u64>,
    /// `use_pnt`: points used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<u64>,
    /// `rsv_pnt`: points balance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance: Option<u64>,
    /// `pnt_app_time`, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_at: Option<String>,
    /// `pnt_app_no`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_no: Option<String>,
}

/// Bank-transfer details.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BankDetails {
    /// `bank_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `bank_code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Virtual-account details of an approval (the account the buyer must pay into).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualAccountDetails {
    /// `bankname`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_name: Option<String>,
    /// `bankcode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// `depositor`: the name shown to the buyer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depositor: Option<String>,
    /// `account`: the account number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `va_date`: the deposit deadline, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
}

/// Mobile-phone payment details.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MobileDetails {
    /// `commid`: the carrier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// `mobile_no`: the phone number, as KCP sends it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// Gift-certificate details (`tk_*`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GiftDetails {
    /// `tk_van_code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub van_code: Option<String>,
    /// `tk_app_no`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_no: Option<String>,
    /// `tk_app_time`, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_at: Option<String>,
}

/// Cash-receipt details (`cash_authno`, `cash_no`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashReceiptDetails {
    /// `cash_authno`: the receipt's approval number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_no: Option<String>,
    /// `cash_no`: the receipt's transaction number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_no: Option<String>,
}

/// A successful payment: an approval, a billing-key charge or a key-in payment.
///
/// KCP said `0000`: the buyer was charged. What disagrees with the request (another amount,
/// another order) or cannot be read is listed in `warnings`, never raised as an error: code that
/// threw here would lose the record of money that moved. KCP tells merchants to compare the
/// approved `amount` with their own records: an `AMOUNT_MISMATCH` warning says they differ.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResult {
    /// Always `0000`.
    pub res_cd: String,
    /// KCP's message.
    pub res_msg: String,
    /// KCP's transaction number (`TNO_MISSING` when a success carries none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tno: Option<String>,
    /// `amount`: the approved amount, when readable (a points payment reports none: see
    /// `points`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// `order_no` (or `ordr_idxx`), else the request's order number when known.
    #[serde(rename = "orderId", skip_serializing_if = "Option::is_none")]
    pub order_no: Option<String>,
    /// `app_time`, verbatim (`yyyyMMddHHmmss`).
    #[serde(rename = "approvedAt", skip_serializing_if = "Option::is_none")]
    pub app_time: Option<String>,
    /// The payment method's name of [`PAY_METHODS`] (`card`, `bank`, `virtualAccount`,
    /// `points`, `mobile`, `gift`), or `unknown`.
    pub method: &'static str,
    /// The `pay_type` (`PACA` …): the reply's `pay_method`, else the window's `use_pay_method`'s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pay_type: Option<String>,
    /// Card details (method `card`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDetails>,
    /// Bank-transfer details (method `bank`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank: Option<BankDetails>,
    /// Virtual-account details (method `virtualAccount`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_account: Option<VirtualAccountDetails>,
    /// Points details (method `points`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<PointsDetails>,
    /// Mobile details (method `mobile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<MobileDetails>,
    /// Gift-certificate details (method `gift`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift: Option<GiftDetails>,
    /// Cash-receipt details, when the reply carries them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash_receipt: Option<CashReceiptDetails>,
    /// `escw_yn`: an escrow payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escrow: Option<bool>,
    /// `partcanc_yn`: whether KCP allows partial cancels of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial_cancel_allowed: Option<bool>,
    /// What in the reply disagrees with the request or could not be read. Empty when all agrees.
    pub warnings: Vec<ResultWarning>,
    /// Every field of the reply, verbatim; integers beyond ±(2^53 − 1) as strings of their
    /// digits.
    #[serde(skip)]
    pub raw: Object,
}

/// A successful billing-key issuance. The reply has no `tno`, and no card number.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingKeyResult {
    /// Always `0000`.
    pub res_cd: String,
    /// KCP's message.
    pub res_msg: String,
    /// `batch_key`: the billing key, for [`crate::BillingCharge`].
    pub batch_key: String,
    /// `card_cd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_code: Option<String>,
    /// `card_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_name: Option<String>,
    /// `card_bank_cd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_bank_code: Option<String>,
    /// Every field of the reply, verbatim.
    #[serde(skip)]
    pub raw: Object,
}

/// `Y` / `N` flags; anything else is unknown.
fn yes_no(raw: &Object, name: &str) -> Option<bool> {
    match string_field(raw, name)?.trim() {
        "Y" | "y" => Some(true),
        "N" | "n" => Some(false),
        _ => None,
    }
}

/// Warns when a success's amount is not the requested one.
pub(crate) fn check_amount_reported(
    field: &'static str,
    requested: Option<u64>,
    reported: Option<u64>,
    warnings: &mut Vec<ResultWarning>,
) {
    if let (Some(want), Some(got)) = (requested, reported)
        && want != got
    {
        warnings.push(ResultWarning {
            code: "AMOUNT_MISMATCH",
            field,
            expected: Some(want.to_string()),
            reported: Some(got.to_string()),
            message: format!(
                "KCP approved {got} won where the request asked {want}: compare it with your \
                 records before shipping (KCP tells merchants to check the approved amount)"
            ),
        });
    }
}

/// The order number of a reply (`order_no`, or `ordr_idxx`), checked against the request's:
/// another is warned about (`ORDER_MISMATCH`); none is the request's.
pub(crate) fn check_order(
    reported: &mut Option<String>,
    warnings: &mut Vec<ResultWarning>,
    requested: Option<&str>,
) {
    match (reported.as_deref(), requested) {
        (Some(got), Some(want)) if got != want => warnings.push(ResultWarning {
            code: "ORDER_MISMATCH",
            field: "order_no",
            expected: Some(want.to_string()),
            reported: Some(got.to_string()),
            message: format!(
                "KCP's reply names order {got}, the request {want}: inquire about the \
                 transaction before doing anything else with it"
            ),
        }),
        (None, Some(want)) => *reported = Some(want.to_string()),
        _ => {}
    }
}

/// Reads a reply to an approval, a billing-key charge or a key-in payment: the typed result per
/// payment method, `0000` only. A refusal is [`Error::KcpRejected`]. The payment method is the
/// reply's `pay_method` (a `pay_type` such as `PACA`), else `expect.pay_type` (the window's
/// `use_pay_method`'s); the approved `amount` is compared with `expect.amount`.
/// [`PreparedRequest::parse_reply`] also fills in and checks the order number.
pub fn parse_payment_response(text: &str, expect: &Expect) -> Result<PaymentResult> {
    let (raw, res_msg) = parse_success(text)?;
    Ok(payment_from_raw(raw, res_msg, expect))
}

/// The typed payment result of a successful reply's fields.
pub(crate) fn payment_from_raw(raw: Object, res_msg: String, expect: &Expect) -> PaymentResult {
    let mut warnings = Vec::new();
    let s = |name: &str| text_field(&raw, name);
    let tno = s("tno");
    if tno.is_none() {
        warnings.push(ResultWarning {
            code: "TNO_MISSING",
            field: "tno",
            expected: None,
            reported: None,
            message: "KCP reported success but no transaction number (tno): find the \
                      transaction in KCP's merchant admin by its order number"
                .into(),
        });
    }
    let amount = read_amount(&raw, "amount", &mut warnings);
    check_amount_reported("amount", expect.amount, amount, &mut warnings);
    let reply_pay_type = s("pay_method").filter(|p| PAY_METHODS.iter().any(|m| m.pay_type == p));
    let pay_type = reply_pay_type.or_else(|| expect.pay_type.clone());
    let method = pay_type
        .as_deref()
        .and_then(|p| PAY_METHODS.iter().find(|m| m.pay_type == p))
        .map_or("unknown", |m| m.name);
    let points_of = |warnings: &mut Vec<ResultWarning>| PointsDetails {
        issuer: s("pnt_issue"),
        amount: read_amount(&raw, "pnt_amount", warnings),
        added: read_amount(&raw, "add_pnt", warnings),
        used: read_amount(&raw, "use_pnt", warnings),
        balance: read_amount(&raw, "rsv_pnt", warnings),
        approved_at: s("pnt_app_time"),
        approval_no: s("pnt_app_no"),
    };
    let mut result = PaymentResult {
        res_cd: "0000".into(),
        res_msg,
        tno,
        amount,
        order_no: s("order_no").or_else(|| s("ordr_idxx")),
        app_time: s("app_time"),
        method,
        pay_type,
        card: None,
        bank: None,
        virtual_account: None,
        points: None,
        mobile: None,
        gift: None,
        cash_receipt: None,
        escrow: yes_no(&raw, "escw_yn"),
        partial_cancel_allowed: yes_no(&raw, "partcanc_yn"),
        warnings: Vec::new(),
        raw: Object::new(),
    };
    match method {
        "card" => {
            let points = s("pnt_issue").map(|_| points_of(&mut warnings));
            result.card = Some(CardDetails {
                code: s("card_cd"),
                name: s("card_name"),
                approval_no: s("app_no"),
                interest_free: yes_no(&raw, "noinf"),
                installments: s("quota").and_then(|q| q.trim().parse().ok()),
                acquirer_code: s("acqu_cd"),
                acquirer_name: s("acqu_name"),
                points,
            });
        }
        "bank" => {
            result.bank = Some(BankDetails {
                name: s("bank_name"),
                code: s("bank_code"),
            });
        }
        "virtualAccount" => {
            result.virtual_account = Some(VirtualAccountDetails {
                bank_name: s("bankname"),
                bank_code: s("bankcode"),
                depositor: s("depositor"),
                account: s("account"),
                due_at: s("va_date"),
            });
        }
        "points" => result.points = Some(points_of(&mut warnings)),
        "mobile" => {
            result.mobile = Some(MobileDetails {
                carrier: s("commid"),
                number: s("mobile_no"),
            });
        }
        "gift" => {
            result.gift = Some(GiftDetails {
                van_code: s("tk_van_code"),
                approval_no: s("tk_app_no"),
                approved_at: s("tk_app_time"),
            });
        }
        _ => {}
    }
    if s("cash_authno").is_some() || s("cash_no").is_some() {
        result.cash_receipt = Some(CashReceiptDetails {
            approval_no: s("cash_authno"),
            receipt_no: s("cash_no"),
        });
    }
    result.warnings = warnings;
    result.raw = raw;
    result
}

/// Reads a reply to a billing-key issuance. A success without a `batch_key` is
/// [`Error::ResponseInconsistent`] on `batch_key` (no money moves at issuance; there is no key
/// to use).
pub fn parse_billing_key_response(text: &str, _expect: &Expect) -> Result<BillingKeyResult> {
    let (raw, res_msg) = parse_success(text)?;
    let s = |name: &str| text_field(&raw, name);
    let Some(batch_key) = s("batch_key") else {
        return Err(Error::ResponseInconsistent {
            field: "batch_key",
            reason: "KCP reported success but sent no batch_key".into(),
        });
    };
    Ok(BillingKeyResult {
        res_cd: "0000".into(),
        res_msg,
        batch_key,
        card_code: s("card_cd"),
        card_name: s("card_name"),
        card_bank_code: s("card_bank_cd"),
        raw,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Environment;

    pub(crate) fn merchant() -> Merchant {
        Merchant::from_pem(
            "T0000",
            include_str!("../../tests/fixtures/kcp/splCert.pem"),
            include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"),
            Some("changeit"),
            Environment::Staging,
        )
        .unwrap()
    }

    /// The body's keys in order, and the body.
    pub(crate) fn body(request: &PreparedRequest) -> (Vec<String>, Object) {
        let crate::json::Value::Object(map) = crate::json::parse(&request.body).unwrap() else {
            panic!("not an object")
        };
        (map.keys().map(str::to_string).collect(), map)
    }

    fn approval() -> Approval {
        Approval {
            tran_cd: "00100000".into(),
            enc_data: "ENC+DATA/==".into(),
            enc_info: "ENCINFO".into(),
            amount: 1100,
            use_pay_method: None,
            order_id: None,
        }
    }

    #[test]
    fn approval_wire_body() {
        let m = merchant();
        let r = m.approve(&approval()).unwrap();
        assert_eq!(r.url, "https://stg-spl.kcp.co.kr/gw/enc/v1/payment");
        assert_eq!((r.operation, r.moves_money), (Operation::Approval, true));
        assert_eq!(r.plaintext, "");
        let (keys, map) = body(&r);
        assert_eq!(
            keys,
            [
                "site_cd",
                "kcp_cert_info",
                "tran_cd",
                "enc_data",
                "enc_info",
                "ordr_mony"
            ]
        );
        assert_eq!(map["ordr_mony"], "1100");
        assert_eq!(map["enc_data"], "ENC+DATA/==");
        assert_eq!(map["kcp_cert_info"], m.kcp_cert_info());
        assert_eq!(r.expect.amount, Some(1100));
        assert_eq!(r.expect.pay_type, None);
    }

    #[test]
    fn billing_key_issue_has_no_amount() {
        let m = merchant();
        let r = m
            .issue_billing_key(&BillingKeyIssue {
                tran_cd: TRAN_CD_BILLING_KEY.into(),
                enc_data: "d".into(),
                enc_info: "i".into(),
            })
            .unwrap();
        let (keys, _) = body(&r);
        assert_eq!(
            keys,
            [
                "site_cd",
                "kcp_cert_info",
                "tran_cd",
                "enc_data",
                "enc_info"
            ]
        );
        assert_eq!(
            (r.operation, r.moves_money),
            (Operation::BillingKeyIssue, false)
        );
    }

    #[test]
    fn approval_validation_names_wire_fields() {
        let m = merchant();
        let field = |a: Approval| m.approve(&a).unwrap_err().field();
        assert_eq!(
            field(Approval {
                tran_cd: "0010A000".into(),
                ..approval()
            }),
            Some("tran_cd")
        );
        assert_eq!(
            field(Approval {
                tran_cd: String::new(),
                ..approval()
            }),
            Some("tran_cd")
        );
        assert_eq!(
            field(Approval {
                enc_data: String::new(),
                ..approval()
            }),
            Some("enc_data")
        );
        assert_eq!(
            field(Approval {
                enc_info: "a\nb".into(),
                ..approval()
            }),
            Some("enc_info")
        );
        assert_eq!(
            field(Approval {
                enc_data: "x".repeat(MAX_ENC_LEN + 1),
                ..approval()
            }),
            Some("enc_data")
        );
        assert!(
            m.approve(&Approval {
                enc_data: "x".repeat(MAX_ENC_LEN),
                ..approval()
            })
            .is_ok()
        );
        assert_eq!(
            field(Approval {
                amount: 0,
                ..approval()
            }),
            Some("ordr_mony")
        );
        assert_eq!(
            field(Approval {
                amount: crate::MAX_AMOUNT + 1,
                ..approval()
            }),
            Some("ordr_mony")
        );
        assert_eq!(
            field(Approval {
                use_pay_method: Some("1000-0000".into()),
                ..approval()
            }),
            Some("use_pay_method")
        );
        assert_eq!(
            field(Approval {
                order_id: Some("a&b".into()),
                ..approval()
            }),
            Some("ordr_idxx")
        );
        // A known use_pay_method sets the expected pay_type; an unknown short code maps to none.
        let vc = m
            .approve(&Approval {
                use_pay_method: Some("001000000000".into()),
                ..approval()
            })
            .unwrap();
        assert_eq!(vc.expect.pay_type.as_deref(), Some("PAVC"));
        let batch = m
            .approve(&Approval {
                use_pay_method: Some("BATCH".into()),
                ..approval()
            })
            .unwrap();
        assert_eq!(batch.expect.pay_type, None);
    }

    fn expect(pay_type: Option<&str>, amount: Option<u64>) -> Expect {
        new_expect(Operation::Approval, pay_type, amount)
    }

    fn codes(r: &PaymentResult) -> Vec<&'static str> {
        r.warnings.iter().map(|w| w.code).collect()
    }

    /// The captured billing-key charge reply of beyond-cancel.md §2.3 (every value a string; the
    /// values the source elides, such as `mall_taxno`, filled in).
    pub(crate) const CAPTURED_CARD: &str = r#"{"order_no":"20230412329","mall_taxno":"1138521083","partcanc_yn":"Y","noinf":"N","res_msg":"정상처리","coupon_mny":"0","pg_txid":"0412032914TK01","card_mny":"1100","res_vat_mny":"100","ca_order_id":"20230412329","res_tax_flag":"TG01","acqu_name":"신한카드","card_no":"461954******7815","quota":"00","van_cd":"VNKC","acqu_cd":"CCLG","amount":"1100","cert_no":"23732987373372","van_apptime":"20230412032914","use_point":"0","res_free_mny":"0","pay_method":"PACA","bizx_numb":"0000000000","res_cd":"0000","escw_yn":"N","join_cd":"0000","app_time":"20230412032914","tno":"23732987373372","card_cd":"CCLG","res_en_msg":"processing completed","card_name":"신한카드","res_tax_mny":"1000","app_no":"70577311"}"#;

    #[test]
    fn captured_card_reply() {
        let r = parse_payment_response(CAPTURED_CARD, &expect(None, Some(1100))).unwrap();
        assert_eq!(r.tno.as_deref(), Some("23732987373372"));
        assert_eq!((r.method, r.pay_type.as_deref()), ("card", Some("PACA")));
        assert_eq!(r.amount, Some(1100));
        assert_eq!(r.order_no.as_deref(), Some("20230412329"));
        assert_eq!(r.app_time.as_deref(), Some("20230412032914"));
        let card = r.card.as_ref().unwrap();
        assert_eq!(card.code.as_deref(), Some("CCLG"));
        assert_eq!(card.name.as_deref(), Some("신한카드"));
        assert_eq!(card.approval_no.as_deref(), Some("70577311"));
        assert_eq!(
            (card.interest_free, card.installments),
            (Some(false), Some(0))
        );
        assert_eq!(card.points, None);
        assert_eq!(
            (r.escrow, r.partial_cancel_allowed),
            (Some(false), Some(true))
        );
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.raw["card_no"], "461954******7815");
        assert_eq!(r.raw.len(), 33);
        assert!(r.bank.is_none() && r.cash_receipt.is_none());
    }

    #[test]
    fn amount_mismatch_is_a_warning_not_an_error() {
        let r = parse_payment_response(CAPTURED_CARD, &expect(None, Some(1000))).unwrap();
        assert_eq!(codes(&r), ["AMOUNT_MISMATCH"]);
        assert_eq!(r.warnings[0].expected.as_deref(), Some("1000"));
        assert_eq!(r.warnings[0].reported.as_deref(), Some("1100"));
        assert_eq!(r.amount, Some(1100));
    }

    #[test]
    fn every_method_from_reply_or_window() {
        let cases = [
            (
                r#"{"res_cd":"0000","tno":"1","amount":"500","pay_method":"PABK","bank_name":"국민","bank_code":"BK04","cash_authno":"C1","cash_no":"N1"}"#,
                None,
                "bank",
            ),
            (
                r#"{"res_cd":"0000","tno":"1","amount":"500","bankname":"신한","bankcode":"BK88","depositor":"가맹점","account":"56211234","va_date":"20261231235959"}"#,
                Some("PAVC"),
                "virtualAccount",
            ),
            (
                r#"{"res_cd":"0000","tno":"1","pay_method":"PAPT","pnt_issue":"SCSK","pnt_amount":"500","add_pnt":"0","use_pnt":"500","rsv_pnt":"1000","pnt_app_time":"20260101","pnt_app_no":"P1"}"#,
                None,
                "points",
            ),
            (
                r#"{"res_cd":"0000","tno":"1","amount":500,"commid":"SKT","mobile_no":"01012345678"}"#,
                Some("PAMC"),
                "mobile",
            ),
            (
                r#"{"res_cd":"0000","tno":"1","amount":"500","pay_method":"PATK","tk_van_code":"SCBL","tk_app_no":"G1","tk_app_time":"20260101"}"#,
                None,
                "gift",
            ),
            (
                r#"{"res_cd":"0000","tno":"1","amount":"500","pay_method":"????"}"#,
                None,
                "unknown",
            ),
        ];
        for (text, window, method) in cases {
            let r = parse_payment_response(text, &expect(window, Some(500))).unwrap();
            assert_eq!(r.method, method, "{text}");
            assert!(r.warnings.is_empty(), "{text}: {:?}", r.warnings);
        }
        let bank = parse_payment_response(cases[0].0, &expect(None, None)).unwrap();
        assert_eq!(bank.bank.unwrap().code.as_deref(), Some("BK04"));
        let cash = bank.cash_receipt.unwrap();
        assert_eq!(
            (cash.approval_no.as_deref(), cash.receipt_no.as_deref()),
            (Some("C1"), Some("N1"))
        );
        let va = parse_payment_response(cases[1].0, &expect(Some("PAVC"), None)).unwrap();
        let details = va.virtual_account.unwrap();
        assert_eq!(details.account.as_deref(), Some("56211234"));
        assert_eq!(details.due_at.as_deref(), Some("20261231235959"));
        // Points: no `amount` (KCP sends none), the points amount instead, and no warning.
        let points = parse_payment_response(cases[2].0, &expect(None, Some(500))).unwrap();
        assert_eq!(points.amount, None);
        let p = points.points.unwrap();
        assert_eq!(
            (p.amount, p.used, p.balance),
            (Some(500), Some(500), Some(1000))
        );
        let mobile = parse_payment_response(cases[3].0, &expect(Some("PAMC"), None)).unwrap();
        assert_eq!(mobile.mobile.unwrap().carrier.as_deref(), Some("SKT"));
        let gift = parse_payment_response(cases[4].0, &expect(None, None)).unwrap();
        assert_eq!(gift.gift.unwrap().approval_no.as_deref(), Some("G1"));
        // The reply's pay_method wins over the window's.
        let card = parse_payment_response(CAPTURED_CARD, &expect(Some("PABK"), None)).unwrap();
        assert_eq!(card.method, "card");
    }

    #[test]
    fn card_with_points_mixed_in() {
        let text = r#"{"res_cd":"0000","tno":"1","amount":"1000","pay_method":"PACA","card_cd":"CCBC","quota":"03","noinf":"Y","pnt_issue":"SCWB","pnt_amount":"200","use_pnt":"200"}"#;
        let r = parse_payment_response(text, &expect(None, Some(1000))).unwrap();
        let card = r.card.unwrap();
        assert_eq!(
            (card.interest_free, card.installments),
            (Some(true), Some(3))
        );
        let p = card.points.unwrap();
        assert_eq!((p.issuer.as_deref(), p.amount), (Some("SCWB"), Some(200)));
    }

    #[test]
    fn success_without_tno_or_with_odd_amounts_warns() {
        let r = parse_payment_response(
            r#"{"res_cd":"0000","amount":"1x","pay_method":"PACA"}"#,
            &expect(None, Some(5)),
        )
        .unwrap();
        assert_eq!(codes(&r), ["TNO_MISSING", "AMOUNT_UNREADABLE"]);
        assert_eq!((r.tno, r.amount), (None, None));
        for text in [
            r#"{"res_cd":"0000","tno":"1","amount":-5}"#,
            r#"{"res_cd":"0000","tno":"1","amount":1.5}"#,
            r#"{"res_cd":"0000","tno":"1","amount":123456789012345678901234567890}"#,
            r#"{"res_cd":"0000","tno":"1","amount":[1]}"#,
        ] {
            let r = parse_payment_response(text, &expect(None, Some(5))).unwrap();
            assert_eq!(codes(&r), ["AMOUNT_UNREADABLE"], "{text}");
        }
        // A number tno is read as its digits; a big one stays exact.
        let r = parse_payment_response(
            r#"{"res_cd":"0000","tno":23732987373372,"amount":1100}"#,
            &expect(None, Some(1100)),
        )
        .unwrap();
        assert_eq!(r.tno.as_deref(), Some("23732987373372"));
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn order_is_checked_and_filled_in() {
        let mut warnings = Vec::new();
        let mut none = None;
        check_order(&mut none, &mut warnings, Some("A1"));
        assert_eq!((none.as_deref(), warnings.len()), (Some("A1"), 0));
        let mut other = Some("B2".to_string());
        check_order(&mut other, &mut warnings, Some("A1"));
        assert_eq!(warnings[0].code, "ORDER_MISMATCH");
        assert_eq!(other.as_deref(), Some("B2"));
        // Through the prepared request: ordr_idxx read when order_no is absent.
        let m = merchant();
        let r = m
            .approve(&Approval {
                order_id: Some("ORDER-9".into()),
                ..approval()
            })
            .unwrap();
        let crate::Reply::Payment(p) = r
            .parse_reply(r#"{"res_cd":"0000","tno":"1","amount":"1100","ordr_idxx":"ORDER-9"}"#)
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (p.order_no.as_deref(), p.warnings.len()),
            (Some("ORDER-9"), 0)
        );
        let crate::Reply::Payment(p) = r
            .parse_reply(r#"{"res_cd":"0000","tno":"1","amount":"1100"}"#)
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(p.order_no.as_deref(), Some("ORDER-9"));
    }

    #[test]
    fn refusals_and_hostile_replies() {
        let e = expect(None, Some(1));
        match parse_payment_response(
            r#"{"res_cd":"8059","res_msg":"결제금액 불일치","res_en_msg":"amount"}"#,
            &e,
        )
        .unwrap_err()
        {
            Error::KcpRejected {
                res_cd,
                res_en_msg,
                raw,
                ..
            } => {
                assert_eq!(
                    (res_cd.as_str(), res_en_msg.as_deref()),
                    ("8059", Some("amount"))
                );
                assert_eq!(raw["res_msg"], "결제금액 불일치");
            }
            other => panic!("{other:?}"),
        }
        // V000 is a success only for a virtual-account issuance.
        assert_eq!(
            parse_payment_response(r#"{"res_cd":"V000","tno":"1"}"#, &e)
                .unwrap_err()
                .code(),
            "KCP_REJECTED"
        );
        let huge = format!(r#"{{"res_cd":"0000","x":"{}"}}"#, "a".repeat(1024 * 1024));
        for text in [
            "",
            "not json",
            "<html></html>",
            "[]",
            r#"[{"res_cd":"0000"}]"#,
            "null",
            "{}",
            r#"{"res_cd":null}"#,
            r#"{"res_cd":{"a":1}}"#,
            huge.as_str(),
        ] {
            let short: String = text.chars().take(40).collect();
            assert_eq!(
                parse_payment_response(text, &e).unwrap_err().code(),
                "RESPONSE_MALFORMED",
                "{short}"
            );
            assert_eq!(
                parse_billing_key_response(text, &e).unwrap_err().code(),
                "RESPONSE_MALFORMED",
                "{short}"
            );
        }
        // A numeric res_cd of 0 is not "0000".
        assert_eq!(
            parse_payment_response(r#"{"res_cd":0}"#, &e)
                .unwrap_err()
                .code(),
            "KCP_REJECTED"
        );
    }

    #[test]
    fn billing_key_replies() {
        let e = new_expect(Operation::BillingKeyIssue, None, None);
        // The captured issuance reply of beyond-cancel.md §2.2 (no tno, no card number).
        let r = parse_billing_key_response(
            r#"{"res_cd":"0000","res_msg":"정상처리","batch_key":"2304051168518034","card_cd":"CCDI","card_name":"현대카드","card_bank_cd":"0321","card_bin_type_01":"0","card_bin_type_02":"0","van_tx_id":"X","join_cd":"0000"}"#,
            &e,
        )
        .unwrap();
        assert_eq!(r.batch_key, "2304051168518034");
        assert_eq!(
            (r.card_code.as_deref(), r.card_bank_code.as_deref()),
            (Some("CCDI"), Some("0321"))
        );
        assert_eq!(r.raw["van_tx_id"], "X");
        // A 16-digit batch_key sent as a number stays exact.
        let big =
            parse_billing_key_response(r#"{"res_cd":"0000","batch_key":2304051168518034}"#, &e)
                .unwrap();
        assert_eq!(big.batch_key, "2304051168518034");
        let none =
            parse_billing_key_response(r#"{"res_cd":"0000","batch_key":""}"#, &e).unwrap_err();
        assert_eq!(
            (none.code(), none.field()),
            ("RESPONSE_INCONSISTENT", Some("batch_key"))
        );
    }
}
