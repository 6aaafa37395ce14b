//! The hub endpoint (`/gw/hub/v1/payment`): payment with a billing key, billing-key deletion,
//! key-in (card number) payment and virtual-account issuance. No `kcp_sign_data`. Sources and
//! grades: `kcp-api/beyond-cancel.md` §2.3 (billing-key payment, B), §2.4 (deletion, C), §3.1
//! (key-in, A), §3.2 (virtual account: fields B, success code D).

/// Path of the hub endpoint.
pub const HUB_PATH: &str = "/gw/hub/v1/payment";
/// `currency` of a payment in won.
pub const CURRENCY_KRW: &str = "410";
/// `card_tx_type` of a key-in payment (§3.1, A).
pub const CARD_TX_TYPE_KEY_IN: &str = "11121000";
/// `card_tx_type` of a payment with a billing key (§2.3, B).
pub const CARD_TX_TYPE_BILLING: &str = "11511000";
/// `tx_type` of a billing-key deletion (§2.4, C).
pub const TX_TYPE_BILLING_KEY_DELETE: &str = "10005010";
/// `va_txtype` of an ordinary (one-off) virtual account (§3.2, B).
pub const VA_TX_TYPE: &str = "41100000";
/// The `res_cd`s taken as success of a virtual-account issuance: sources conflict (§3.2, D).
pub const VA_SUCCESS_CODES: &[&str] = &["0000", "V000"];

/// `pay_method` of a card payment on the hub: with a billing key (§2.3, B) or key-in (§3.1, A).
pub const PAY_METHOD_CARD: &str = "CARD";
/// `pay_method` of a virtual-account issuance on the hub (§3.2, B).
pub const PAY_METHOD_VIRTUAL_ACCOUNT: &str = "VCNT";
/// `pay_method` of a billing-key deletion (§2.4, C), and the `use_pay_method` the window hands
/// back after a billing-key issuance (§2.1, B: a captured mobile post-back).
pub const PAY_METHOD_BILLING_KEY: &str = "BATCH";

use super::approval::{check_amount_reported, new_expect};
use super::fields::{check_code, check_order, check_order_text};
use super::inquiry::PayType;
use super::modify::{ResultWarning, read_amount};
use super::reply::{RES_CD, ReplyShape, parse_success, parse_success_with, text_field};
use super::{Expect, Merchant, Operation, PreparedRequest};
use crate::error::{Error, Result};
use crate::json::Object;
use serde::Serialize;
use zeroize::Zeroizing;

/// The buyer fields the hub requests send (`buyr_name`, `buyr_mail`, `buyr_tel2`, `cust_ip`);
/// absent ones are sent empty, as KCP's samples do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Buyer {
    /// `buyr_name`.
    pub name: Option<String>,
    /// `buyr_mail`.
    pub email: Option<String>,
    /// `buyr_tel2`: a mobile number (digits and `-`).
    pub phone: Option<String>,
    /// `cust_ip`: the buyer's IP address (KCP's samples send it empty).
    pub customer_ip: Option<String>,
}

impl Buyer {
    /// Validates and returns `buyr_name`, `buyr_mail`, `buyr_tel2` (empty when absent).
    fn wire(&self, name_required: bool) -> Result<[(&'static str, String); 3]> {
        let name = self.name.clone().unwrap_or_default();
        check_order_text("buyr_name", &name, 40, name_required)?;
        let email = self.email.clone().unwrap_or_default();
        if email.len() > 100 || email.chars().any(|c| !c.is_ascii_graphic()) {
            return Err(Error::field_invalid(
                "buyr_mail",
                "must be at most 100 printable ASCII characters without spaces",
            ));
        }
        check_order_text("buyr_mail", &email, 100, false)?;
        let phone = self.phone.clone().unwrap_or_default();
        if phone.len() > 20 || !phone.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(Error::field_invalid(
                "buyr_tel2",
                "must be at most 20 digits or '-'",
            ));
        }
        Ok([
            ("buyr_name", name),
            ("buyr_mail", email),
            ("buyr_tel2", phone),
        ])
    }

    /// `cust_ip`, validated (empty when absent).
    fn customer_ip(&self) -> Result<String> {
        let ip = self.customer_ip.clone().unwrap_or_default();
        if ip.len() > 45
            || !ip
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
        {
            return Err(Error::field_invalid(
                "cust_ip",
                "must be an IPv4 or IPv6 address",
            ));
        }
        Ok(ip)
    }
}

/// `quota`: instalment months, 0 (lump sum) to 99, sent as two digits.
fn quota(installments: Option<u32>) -> Result<String> {
    match installments.unwrap_or(0) {
        n @ 0..=99 => Ok(format!("{n:02}")),
        _ => Err(Error::field_invalid(
            "quota",
            "must be 0 (lump sum) to 99 months",
        )),
    }
}

/// A key of KCP's (`bt_batch_key`, `bt_group_id`, …): 1 to 64 ASCII letters or digits.
fn check_key(field: &'static str, value: &str) -> Result<()> {
    check_code(field, value, 1..=64)
}

/// Payment with a billing key (`card_tx_type` 11511000).
///
/// ```
/// # use kcp_wasm::*;
/// # let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
/// # let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// # let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
/// let request = merchant.charge_billing_key(&BillingCharge {
///     batch_key: "2304051168518034".into(),
///     group_id: "BA0011000348".into(),
///     order_id: "SUB-2026-11".into(),
///     amount: 9_900,
///     good_name: "월 구독".into(),
///     ..BillingCharge::default()
/// })?;
/// assert!(request.moves_money);
/// let body: kcp_wasm::json::Value = request.body.parse().unwrap();
/// assert_eq!((body["card_mny"].as_str(), body["quota"].as_str()), (Some("9900"), Some("00")));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillingCharge {
    /// `bt_batch_key`: the billing key.
    pub batch_key: String,
    /// `bt_group_id`: the merchant's billing group id.
    pub group_id: String,
    /// `ordr_idxx`.
    pub order_id: String,
    /// `amount` and `card_mny`.
    pub amount: u64,
    /// `good_name`.
    pub good_name: String,
    /// Buyer fields.
    pub buyer: Buyer,
    /// `quota`: instalment months (none: lump sum).
    pub installments: Option<u32>,
}

/// Deletion of a billing key (`tx_type` 10005010).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillingKeyDelete {
    /// `batch_key`.
    pub batch_key: String,
    /// `group_id`.
    pub group_id: String,
}

/// Cash-receipt purpose of a virtual account (`va_receipt_gubn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CashReceiptPurpose {
    /// `0`: income deduction (an individual).
    Deduction,
    /// `1`: expense proof (a business).
    Proof,
}

/// The cash receipt a virtual-account deposit issues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaCashReceipt {
    /// `va_receipt_gubn`.
    pub purpose: CashReceiptPurpose,
    /// `va_taxno`: a phone number, business number or cash-receipt card number (digits).
    pub id: String,
}

/// Virtual-account issuance (`pay_method` VCNT, `va_txtype` 41100000).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VirtualAccountIssue {
    /// `ordr_idxx`.
    pub order_id: String,
    /// `amount` and `va_mny` (KCP refuses them unequal).
    pub amount: u64,
    /// `good_name`.
    pub good_name: String,
    /// Buyer fields; the name is required.
    pub buyer: Buyer,
    /// `va_bankcode`: KCP's bank code.
    pub bank_code: String,
    /// `va_name`: the depositor name shown to the buyer.
    pub depositor: String,
    /// `va_date`: the deposit deadline, `yyyyMMddHHmmss` (KST).
    pub due_at: String,
    /// The cash receipt to issue on deposit.
    pub cash_receipt: Option<VaCashReceipt>,
}

/// Key-in payment with a card number (`card_tx_type` 11121000).
///
/// Holds a card number: its `Debug` shows none of the card fields, errors never quote them, and
/// they are wiped from memory when it is dropped (`Zeroizing`). The prepared request's body holds
/// them too (its `Debug` hides the body): send it and drop it.
///
/// ```
/// # use kcp_wasm::*;
/// let k = KeyIn { card_number: String::from("4111111111111111").into(), ..KeyIn::default() };
/// assert!(!format!("{k:?}").contains("4111"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeyIn {
    /// `ordr_idxx`.
    pub order_id: String,
    /// `amount` and `card_mny`.
    pub amount: u64,
    /// `good_name`.
    pub good_name: String,
    /// Buyer fields.
    pub buyer: Buyer,
    /// `card_no`: 13 to 19 digits, with a valid check digit.
    pub card_number: Zeroizing<String>,
    /// `card_expiry`: `YYMM`.
    pub expiry: Zeroizing<String>,
    /// `card_taxno`: the holder's birth date `YYMMDD` (personal cards).
    pub birth_date: Option<Zeroizing<String>>,
    /// `card_taxno`: a 10-digit business number (corporate cards), instead of a birth date.
    pub business_number: Option<Zeroizing<String>>,
    /// `card_pwd`: the first two digits of the card password.
    pub card_password_prefix: Option<Zeroizing<String>>,
    /// `quota`: instalment months (none: lump sum).
    pub installments: Option<u32>,
}

impl std::fmt::Debug for KeyIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<Zeroizing<String>>| {
            if v.is_some() { "<not shown>" } else { "None" }
        };
        f.debug_struct("KeyIn")
            .field("order_id", &self.order_id)
            .field("amount", &self.amount)
            .field("good_name", &self.good_name)
            .field("buyer", &self.buyer)
            .field("card_number", &format_args!("<not shown>"))
            .field("expiry", &format_args!("<not shown>"))
            .field("birth_date", &format_args!("{}", hidden(&self.birth_date)))
            .field(
                "business_number",
                &format_args!("{}", hidden(&self.business_number)),
            )
            .field(
                "card_password_prefix",
                &format_args!("{}", hidden(&self.card_password_prefix)),
            )
            .field("installments", &self.installments)
            .finish()
    }
}

/// Whether `digits` passes the Luhn check.
fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// `card_no`: 13 to 19 digits with a valid check digit. The messages never quote the number.
fn check_card_number(card_number: &str) -> Result<()> {
    if !(13..=19).contains(&card_number.len()) || !card_number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::field_invalid(
            "card_no",
            "must be 13 to 19 digits (no spaces or dashes)",
        ));
    }
    if !luhn(card_number) {
        return Err(Error::field_invalid(
            "card_no",
            "is not a valid card number (its check digit is wrong)",
        ));
    }
    Ok(())
}

/// `card_expiry`: `YYMM` with a month of 01 to 12.
fn check_expiry(expiry: &str) -> Result<()> {
    let ok = expiry.len() == 4
        && expiry.bytes().all(|b| b.is_ascii_digit())
        && matches!(expiry[2..].parse::<u8>(), Ok(1..=12));
    if ok {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "card_expiry",
            "must be YYMM: the year's last two digits, then the month (01 to 12)",
        ))
    }
}

/// A string of exactly `len` digits.
fn digits(field: &'static str, value: &str, len: usize, what: &str) -> Result<()> {
    if value.len() == len && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::field_invalid(field, format!("must be {what}")))
    }
}

/// `va_date`: `yyyyMMddHHmmss` with plausible values.
fn check_va_date(value: &str) -> Result<()> {
    let bad = || Error::field_invalid("va_date", "must be yyyyMMddHHmmss (e.g. 20261231235959)");
    if value.len() != 14 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(99);
    let ok = (1..=12).contains(&n(4..6))
        && (1..=31).contains(&n(6..8))
        && n(8..10) < 24
        && n(10..12) < 60
        && n(12..14) < 60;
    if ok { Ok(()) } else { Err(bad()) }
}

/// The card-payment fields shared by a billing-key charge and a key-in payment.
fn card_payment_fields(
    buyer: &Buyer,
    amount: u64,
    installments: Option<u32>,
    order_id: &str,
    good_name: &str,
    card_tx_type: &str,
) -> Result<Vec<(&'static str, String)>> {
    check_order(order_id, "amount", amount, good_name)?;
    let quota = quota(installments)?;
    let cust_ip = buyer.customer_ip()?;
    let mut fields = vec![
        ("pay_method", PAY_METHOD_CARD.to_string()),
        ("cust_ip", cust_ip),
        ("amount", amount.to_string()),
        ("card_mny", amount.to_string()),
        ("currency", CURRENCY_KRW.to_string()),
        ("quota", quota),
        ("ordr_idxx", order_id.to_string()),
        ("good_name", good_name.to_string()),
    ];
    fields.extend(buyer.wire(false)?);
    fields.push(("card_tx_type", card_tx_type.to_string()));
    Ok(fields)
}

impl Merchant {
    /// Payment with a billing key (`/gw/hub/v1/payment`). Moves money: a charge that got no
    /// answer may have been made; inquire before charging again.
    pub fn charge_billing_key(&self, request: &BillingCharge) -> Result<PreparedRequest> {
        let mut fields = card_payment_fields(
            &request.buyer,
            request.amount,
            request.installments,
            &request.order_id,
            &request.good_name,
            CARD_TX_TYPE_BILLING,
        )?;
        check_key("bt_batch_key", &request.batch_key)?;
        check_key("bt_group_id", &request.group_id)?;
        fields.push(("bt_batch_key", request.batch_key.clone()));
        fields.push(("bt_group_id", request.group_id.clone()));
        Ok(self.prepare_unsigned(
            HUB_PATH,
            fields,
            new_expect(
                Operation::BillingCharge,
                Some(PayType::Paca.code()),
                Some(request.amount),
            ),
            Some(request.order_id.clone()),
        ))
    }

    /// Deletion of a billing key (`/gw/hub/v1/payment`, `tx_type` 10005010; grade C).
    pub fn delete_billing_key(&self, request: &BillingKeyDelete) -> Result<PreparedRequest> {
        check_key("batch_key", &request.batch_key)?;
        check_key("group_id", &request.group_id)?;
        Ok(self.prepare_unsigned(
            HUB_PATH,
            vec![
                ("batch_key", request.batch_key.clone()),
                ("group_id", request.group_id.clone()),
                ("pay_method", PAY_METHOD_BILLING_KEY.into()),
                ("tx_type", TX_TYPE_BILLING_KEY_DELETE.into()),
            ],
            new_expect(Operation::BillingKeyDelete, None, None),
            None,
        ))
    }

    /// Virtual-account issuance (`/gw/hub/v1/payment`, `va_txtype` 41100000). Moves money (it
    /// creates an account the buyer pays into): never re-sent blindly.
    pub fn issue_virtual_account(&self, request: &VirtualAccountIssue) -> Result<PreparedRequest> {
        check_order(
            &request.order_id,
            "amount",
            request.amount,
            &request.good_name,
        )?;
        let cust_ip = request.buyer.customer_ip()?;
        let buyer = request.buyer.wire(true)?;
        check_code("va_bankcode", &request.bank_code, 2..=6)?;
        check_order_text("va_name", &request.depositor, 50, true)?;
        check_va_date(&request.due_at)?;
        let mut fields = vec![
            ("pay_method", PAY_METHOD_VIRTUAL_ACCOUNT.to_string()),
            ("cust_ip", cust_ip),
            ("amount", request.amount.to_string()),
            ("va_mny", request.amount.to_string()),
            ("currency", CURRENCY_KRW.to_string()),
            ("ordr_idxx", request.order_id.clone()),
            ("good_name", request.good_name.clone()),
        ];
        fields.extend(buyer);
        fields.push(("va_txtype", VA_TX_TYPE.into()));
        fields.push(("va_bankcode", request.bank_code.clone()));
        fields.push(("va_name", request.depositor.clone()));
        fields.push(("va_date", request.due_at.clone()));
        if let Some(receipt) = &request.cash_receipt {
            if !(1..=20).contains(&receipt.id.len())
                || !receipt.id.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(Error::field_invalid(
                    "va_taxno",
                    "must be 1 to 20 digits (a phone, business or cash-receipt card number)",
                ));
            }
            let gubn = match receipt.purpose {
                CashReceiptPurpose::Deduction => "0",
                CashReceiptPurpose::Proof => "1",
            };
            fields.push(("va_receipt_gubn", gubn.into()));
            fields.push(("va_taxno", receipt.id.clone()));
        }
        Ok(self.prepare_unsigned(
            HUB_PATH,
            fields,
            new_expect(
                Operation::VirtualAccountIssue,
                Some(PayType::Pavc.code()),
                Some(request.amount),
            ),
            Some(request.order_id.clone()),
        ))
    }

    /// Key-in payment (`/gw/hub/v1/payment`, `card_tx_type` 11121000). Moves money. Handles a
    /// card number: no error or `Debug` output quotes it.
    pub fn key_in(&self, request: &KeyIn) -> Result<PreparedRequest> {
        let mut fields = card_payment_fields(
            &request.buyer,
            request.amount,
            request.installments,
            &request.order_id,
            &request.good_name,
            CARD_TX_TYPE_KEY_IN,
        )?;
        check_card_number(&request.card_number)?;
        check_expiry(&request.expiry)?;
        fields.push(("card_no", request.card_number.to_string()));
        fields.push(("card_expiry", request.expiry.to_string()));
        match (&request.birth_date, &request.business_number) {
            (Some(_), Some(_)) => {
                return Err(Error::field_invalid(
                    "card_taxno",
                    "give a birth date (personal card) or a business number (corporate card), not both",
                ));
            }
            (Some(birth), None) => {
                digits("card_taxno", birth, 6, "a birth date YYMMDD (6 digits)")?;
                fields.push(("card_taxno", birth.to_string()));
            }
            (None, Some(number)) => {
                digits("card_taxno", number, 10, "a business number (10 digits)")?;
                fields.push(("card_taxno", number.to_string()));
            }
            (None, None) => {}
        }
        if let Some(pwd) = &request.card_password_prefix {
            digits(
                "card_pwd",
                pwd,
                2,
                "the first 2 digits of the card password",
            )?;
            fields.push(("card_pwd", pwd.to_string()));
        }
        Ok(self.prepare_unsigned(
            HUB_PATH,
            fields,
            new_expect(
                Operation::KeyIn,
                Some(PayType::Paca.code()),
                Some(request.amount),
            ),
            Some(request.order_id.clone()),
        ))
    }
}

/// A successful billing-key deletion.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingKeyDeleteResult {
    /// Always `0000`.
    pub res_cd: String,
    /// KCP's message.
    pub res_msg: String,
    /// Every field of the reply, verbatim.
    #[serde(skip)]
    pub raw: Object,
}

/// A successful virtual-account issuance: the account the buyer must pay into.
///
/// KCP said success (`0000` or `V000`, [`VA_SUCCESS_CODES`]): the account exists. What disagrees
/// with the request is in `warnings`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualAccountResult {
    /// The success code KCP sent, verbatim (`0000` or `V000`).
    pub res_cd: String,
    /// KCP's message.
    pub res_msg: String,
    /// KCP's transaction number (`TNO_MISSING` when a success carries none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tno: Option<String>,
    /// `amount`, when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// `order_no`, else the request's `ordr_idxx`.
    #[serde(rename = "orderId", skip_serializing_if = "Option::is_none")]
    pub order_no: Option<String>,
    /// `bankname`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_name: Option<String>,
    /// `bankcode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// `account`: the account number the buyer pays into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `depositor` (or `va_name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depositor: Option<String>,
    /// `va_date`: the deposit deadline, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    /// `app_time`: when the account was issued, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// What in the reply disagrees with the request or could not be read.
    pub warnings: Vec<ResultWarning>,
    /// Every field of the reply, verbatim.
    #[serde(skip)]
    pub raw: Object,
}

/// The shape of a virtual-account issuance's reply: `0000` or `V000` (sources conflict, §3.2).
const VA_REPLY: ReplyShape = ReplyShape {
    success: VA_SUCCESS_CODES,
    ..RES_CD
};

/// Reads a reply to a billing-key deletion.
pub fn parse_billing_key_delete_response(
    text: &str,
    _expect: &Expect,
) -> Result<BillingKeyDeleteResult> {
    let (raw, res_msg) = parse_success(text)?;
    Ok(BillingKeyDeleteResult {
        res_cd: "0000".into(),
        res_msg,
        raw,
    })
}

/// Reads a reply to a virtual-account issuance: success is `0000` or `V000`
/// ([`VA_SUCCESS_CODES`]); the issued `amount` is compared with `expect.amount`.
pub fn parse_virtual_account_response(text: &str, expect: &Expect) -> Result<VirtualAccountResult> {
    let (raw, res_cd, res_msg) = parse_success_with(text, &VA_REPLY)?;
    let s = |name: &str| text_field(&raw, name);
    let mut warnings = Vec::new();
    let tno = s("tno");
    if tno.is_none() {
        warnings.push(ResultWarning {
            code: "TNO_MISSING",
            field: "tno",
            expected: None,
            reported: None,
            message: "KCP reported the account issued but sent no transaction number (tno)".into(),
        });
    }
    let amount = read_amount(&raw, "amount", &mut warnings);
    check_amount_reported("amount", expect.amount, amount, &mut warnings);
    Ok(VirtualAccountResult {
        res_cd,
        res_msg,
        tno,
        amount,
        order_no: s("order_no").or_else(|| s("ordr_idxx")),
        bank_name: s("bankname"),
        bank_code: s("bankcode"),
        account: s("account"),
        depositor: s("depositor").or_else(|| s("va_name")),
        due_at: s("va_date"),
        issued_at: s("app_time"),
        warnings,
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::super::approval::tests::{CAPTURED_CARD, body, merchant};
    use super::*;
    use crate::Reply;

    const CARD: &str = "4111111111111111";

    fn charge() -> BillingCharge {
        BillingCharge {
            batch_key: "2304051168518034".into(),
            group_id: "BA0011000348".into(),
            order_id: "20230412329".into(),
            amount: 1100,
            good_name: "정기 구독".into(),
            ..BillingCharge::default()
        }
    }

    fn key_in() -> KeyIn {
        KeyIn {
            order_id: "KEYIN-1".into(),
            amount: 1000,
            good_name: "상품".into(),
            card_number: String::from(CARD).into(),
            expiry: String::from("2607").into(),
            birth_date: Some(String::from("951010").into()),
            card_password_prefix: Some(String::from("00").into()),
            ..KeyIn::default()
        }
    }

    #[test]
    fn billing_charge_wire_body() {
        let m = merchant();
        let r = m.charge_billing_key(&charge()).unwrap();
        assert_eq!(r.url, "https://stg-spl.kcp.co.kr/gw/hub/v1/payment");
        assert_eq!(
            (r.operation, r.moves_money),
            (Operation::BillingCharge, true)
        );
        let (keys, map) = body(&r);
        assert_eq!(
            keys,
            [
                "site_cd",
                "kcp_cert_info",
                "pay_method",
                "cust_ip",
                "amount",
                "card_mny",
                "currency",
                "quota",
                "ordr_idxx",
                "good_name",
                "buyr_name",
                "buyr_mail",
                "buyr_tel2",
                "card_tx_type",
                "bt_batch_key",
                "bt_group_id"
            ]
        );
        for (k, v) in [
            ("pay_method", "CARD"),
            ("cust_ip", ""),
            ("amount", "1100"),
            ("card_mny", "1100"),
            ("currency", "410"),
            ("quota", "00"),
            ("card_tx_type", "11511000"),
            ("bt_batch_key", "2304051168518034"),
            ("bt_group_id", "BA0011000348"),
            ("buyr_mail", ""),
        ] {
            assert_eq!(map[k], v, "{k}");
        }
        assert_eq!(r.order_id.as_deref(), Some("20230412329"));
        // The captured reply to a billing-key charge (beyond-cancel.md §2.3).
        let Reply::Payment(p) = r.parse_reply(CAPTURED_CARD).unwrap() else {
            panic!()
        };
        assert_eq!((p.method, p.amount), ("card", Some(1100)));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        // Another order in the reply: a warning.
        let other = m
            .charge_billing_key(&BillingCharge {
                order_id: "OTHER".into(),
                installments: Some(3),
                buyer: Buyer {
                    name: Some("홍길동".into()),
                    email: Some("a@b.kr".into()),
                    phone: Some("010-1234-5678".into()),
                    customer_ip: Some("203.0.113.9".into()),
                },
                ..charge()
            })
            .unwrap();
        let (_, map) = body(&other);
        assert_eq!(
            (
                map["quota"].as_str(),
                map["cust_ip"].as_str(),
                map["buyr_tel2"].as_str()
            ),
            (Some("03"), Some("203.0.113.9"), Some("010-1234-5678"))
        );
        let Reply::Payment(p) = other.parse_reply(CAPTURED_CARD).unwrap() else {
            panic!()
        };
        assert_eq!(p.warnings[0].code, "ORDER_MISMATCH");
    }

    #[test]
    fn billing_charge_validation() {
        let m = merchant();
        let field = |c: BillingCharge| m.charge_billing_key(&c).unwrap_err().field();
        let cases: Vec<(BillingCharge, &str)> = vec![
            (
                BillingCharge {
                    batch_key: "".into(),
                    ..charge()
                },
                "bt_batch_key",
            ),
            (
                BillingCharge {
                    batch_key: "12^34".into(),
                    ..charge()
                },
                "bt_batch_key",
            ),
            (
                BillingCharge {
                    group_id: "BA 001".into(),
                    ..charge()
                },
                "bt_group_id",
            ),
            (
                BillingCharge {
                    order_id: "".into(),
                    ..charge()
                },
                "ordr_idxx",
            ),
            (
                BillingCharge {
                    order_id: "a b".into(),
                    ..charge()
                },
                "ordr_idxx",
            ),
            (
                BillingCharge {
                    order_id: "x".repeat(41),
                    ..charge()
                },
                "ordr_idxx",
            ),
            (
                BillingCharge {
                    amount: 0,
                    ..charge()
                },
                "amount",
            ),
            (
                BillingCharge {
                    good_name: " ".into(),
                    ..charge()
                },
                "good_name",
            ),
            (
                BillingCharge {
                    good_name: "a<script>".into(),
                    ..charge()
                },
                "good_name",
            ),
            (
                BillingCharge {
                    installments: Some(100),
                    ..charge()
                },
                "quota",
            ),
            (
                BillingCharge {
                    buyer: Buyer {
                        phone: Some("010 1234".into()),
                        ..Buyer::default()
                    },
                    ..charge()
                },
                "buyr_tel2",
            ),
            (
                BillingCharge {
                    buyer: Buyer {
                        email: Some("a b@c".into()),
                        ..Buyer::default()
                    },
                    ..charge()
                },
                "buyr_mail",
            ),
            (
                BillingCharge {
                    buyer: Buyer {
                        customer_ip: Some("1.2.3.4; x".into()),
                        ..Buyer::default()
                    },
                    ..charge()
                },
                "cust_ip",
            ),
        ];
        for (c, want) in cases {
            assert_eq!(field(c), Some(want), "{want}");
        }
    }

    #[test]
    fn billing_key_deletion() {
        let m = merchant();
        let r = m
            .delete_billing_key(&BillingKeyDelete {
                batch_key: "2304051168518034".into(),
                group_id: "BA0011000348".into(),
            })
            .unwrap();
        let (keys, map) = body(&r);
        assert_eq!(
            keys,
            [
                "site_cd",
                "kcp_cert_info",
                "batch_key",
                "group_id",
                "pay_method",
                "tx_type"
            ]
        );
        assert_eq!(
            (map["pay_method"].as_str(), map["tx_type"].as_str()),
            (Some("BATCH"), Some("10005010"))
        );
        assert_eq!(
            (r.operation, r.moves_money),
            (Operation::BillingKeyDelete, false)
        );
        let Reply::BillingKeyDelete(d) = r
            .parse_reply(r#"{"res_msg":"정상처리","res_cd":"0000"}"#)
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(d.res_msg, "정상처리");
        assert_eq!(
            r.parse_reply(r#"{"res_cd":"8888","res_msg":"없는 배치키"}"#)
                .unwrap_err()
                .code(),
            "KCP_REJECTED"
        );
        let e = m
            .delete_billing_key(&BillingKeyDelete {
                batch_key: "1".into(),
                group_id: "".into(),
            })
            .unwrap_err();
        assert_eq!(e.field(), Some("group_id"));
    }

    fn va() -> VirtualAccountIssue {
        VirtualAccountIssue {
            order_id: "VA-1".into(),
            amount: 50_000,
            good_name: "상품".into(),
            buyer: Buyer {
                name: Some("홍길동".into()),
                ..Buyer::default()
            },
            bank_code: "BK04".into(),
            depositor: "가맹점".into(),
            due_at: "20261231235959".into(),
            cash_receipt: None,
        }
    }

    #[test]
    fn virtual_account_issuance() {
        let m = merchant();
        let r = m
            .issue_virtual_account(&VirtualAccountIssue {
                cash_receipt: Some(VaCashReceipt {
                    purpose: CashReceiptPurpose::Proof,
                    id: "1234567890".into(),
                }),
                ..va()
            })
            .unwrap();
        assert_eq!(
            (r.operation, r.moves_money),
            (Operation::VirtualAccountIssue, true)
        );
        let (keys, map) = body(&r);
        assert_eq!(
            keys,
            [
                "site_cd",
                "kcp_cert_info",
                "pay_method",
                "cust_ip",
                "amount",
                "va_mny",
                "currency",
                "ordr_idxx",
                "good_name",
                "buyr_name",
                "buyr_mail",
                "buyr_tel2",
                "va_txtype",
                "va_bankcode",
                "va_name",
                "va_date",
                "va_receipt_gubn",
                "va_taxno"
            ]
        );
        for (k, v) in [
            ("pay_method", "VCNT"),
            ("amount", "50000"),
            ("va_mny", "50000"),
            ("va_txtype", "41100000"),
            ("va_receipt_gubn", "1"),
            ("buyr_name", "홍길동"),
        ] {
            assert_eq!(map[k], v, "{k}");
        }
        // Both success codes; the solbipos key set of beyond-cancel.md §3.2.
        for code in ["0000", "V000"] {
            let text = format!(
                r#"{{"res_cd":"{code}","res_msg":"정상처리","res_en_msg":"ok","tno":"23732987373399","amount":"50000","bankname":"국민은행","bankcode":"BK04","depositor":"가맹점","account":"12345678901234","app_time":"20261201120000","order_no":"VA-1","va_date":"20261231235959","pay_method":"PAVC","escw_yn":"N"}}"#
            );
            let Reply::VirtualAccount(v) = r.parse_reply(&text).unwrap() else {
                panic!()
            };
            assert_eq!(v.res_cd, code);
            assert_eq!(v.account.as_deref(), Some("12345678901234"));
            assert_eq!(v.due_at.as_deref(), Some("20261231235959"));
            assert_eq!(v.issued_at.as_deref(), Some("20261201120000"));
            assert!(v.warnings.is_empty(), "{:?}", v.warnings);
        }
        let Reply::VirtualAccount(v) = r
            .parse_reply(r#"{"res_cd":"0000","tno":"1","amount":"40000"}"#)
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(v.warnings[0].code, "AMOUNT_MISMATCH");
        assert_eq!(v.order_no.as_deref(), Some("VA-1"));
        assert_eq!(
            r.parse_reply(r#"{"res_cd":"V001"}"#).unwrap_err().code(),
            "KCP_REJECTED"
        );
        for text in ["[]", "x", r#"{"res_msg":"no code"}"#] {
            assert_eq!(
                r.parse_reply(text).unwrap_err().code(),
                "RESPONSE_MALFORMED"
            );
        }
    }

    #[test]
    fn virtual_account_validation() {
        let m = merchant();
        let field = |v: VirtualAccountIssue| m.issue_virtual_account(&v).unwrap_err().field();
        assert_eq!(
            field(VirtualAccountIssue {
                buyer: Buyer::default(),
                ..va()
            }),
            Some("buyr_name")
        );
        assert_eq!(
            field(VirtualAccountIssue {
                bank_code: "B".into(),
                ..va()
            }),
            Some("va_bankcode")
        );
        assert_eq!(
            field(VirtualAccountIssue {
                depositor: "".into(),
                ..va()
            }),
            Some("va_name")
        );
        for bad in [
            "2026123123595",
            "20261331235959",
            "20261231245959",
            "2026-12-31 23:59",
        ] {
            assert_eq!(
                field(VirtualAccountIssue {
                    due_at: bad.into(),
                    ..va()
                }),
                Some("va_date"),
                "{bad}"
            );
        }
        assert_eq!(
            field(VirtualAccountIssue {
                cash_receipt: Some(VaCashReceipt {
                    purpose: CashReceiptPurpose::Deduction,
                    id: "010-1234".into()
                }),
                ..va()
            }),
            Some("va_taxno")
        );
    }

    #[test]
    fn key_in_wire_body() {
        let m = merchant();
        let r = m.key_in(&key_in()).unwrap();
        assert_eq!((r.operation, r.moves_money), (Operation::KeyIn, true));
        let (keys, map) = body(&r);
        assert_eq!(
            &keys[keys.len() - 5..],
            [
                "card_tx_type",
                "card_no",
                "card_expiry",
                "card_taxno",
                "card_pwd"
            ]
        );
        assert_eq!(map["card_tx_type"], "11121000");
        assert_eq!(map["card_no"], CARD);
        assert_eq!(map["card_taxno"], "951010");
        // Non-authenticated key-in: no card_taxno, no card_pwd.
        let bare = m
            .key_in(&KeyIn {
                birth_date: None,
                card_password_prefix: None,
                ..key_in()
            })
            .unwrap();
        let (_, map) = body(&bare);
        assert!(map.get("card_taxno").is_none() && map.get("card_pwd").is_none());
        let corp = m
            .key_in(&KeyIn {
                birth_date: None,
                business_number: Some(String::from("1138521083").into()),
                ..key_in()
            })
            .unwrap();
        assert_eq!(body(&corp).1["card_taxno"], "1138521083");
    }

    #[test]
    fn luhn_check() {
        for good in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
        ] {
            assert!(luhn(good), "{good}");
        }
        for bad in ["4111111111111112", "1234567812345678"] {
            assert!(!luhn(bad), "{bad}");
        }
    }

    #[test]
    fn card_numbers_never_reach_errors_or_debug() {
        let m = merchant();
        let numbers = [
            CARD,
            "4111111111111112",
            "41111111111",
            "41111111111111111111",
            "4111-1111-1111-1111",
        ];
        let mut texts = Vec::new();
        for n in numbers {
            let k = KeyIn {
                card_number: String::from(n).into(),
                ..key_in()
            };
            texts.push(format!("{k:?}"));
            match m.key_in(&k) {
                Ok(r) => {
                    texts.push(format!("{r:?}"));
                    assert!(r.body.contains(n), "the body does carry it");
                }
                Err(e) => {
                    assert_eq!(e.field(), Some("card_no"));
                    texts.push(e.to_string());
                    texts.push(format!("{e:?}"));
                }
            }
        }
        // Other invalid fields of a request holding a valid number.
        for k in [
            KeyIn {
                expiry: String::from("2613").into(),
                ..key_in()
            },
            KeyIn {
                birth_date: Some(String::from("9510").into()),
                ..key_in()
            },
            KeyIn {
                card_password_prefix: Some(String::from("123").into()),
                ..key_in()
            },
            KeyIn {
                business_number: Some(String::from("1138521083").into()),
                ..key_in()
            },
            KeyIn {
                amount: 0,
                ..key_in()
            },
        ] {
            let e = m.key_in(&k).unwrap_err();
            texts.push(e.to_string());
            texts.push(format!("{e:?}"));
            texts.push(format!("{k:?}"));
        }
        assert!(texts.iter().filter(|t| t.contains("FieldInvalid")).count() >= 8);
        for t in &texts {
            for n in numbers {
                let digits: String = n.chars().filter(char::is_ascii_digit).collect();
                assert!(!t.contains(&digits[..8]), "leaks a card number: {t}");
            }
            assert!(
                !t.contains("951010") && !t.contains("2607"),
                "leaks card data: {t}"
            );
        }
        assert_eq!(
            m.key_in(&KeyIn {
                expiry: String::from("2613").into(),
                ..key_in()
            })
            .unwrap_err()
            .field(),
            Some("card_expiry")
        );
        assert_eq!(
            m.key_in(&KeyIn {
                card_password_prefix: Some(String::from("1").into()),
                ..key_in()
            })
            .unwrap_err()
            .field(),
            Some("card_pwd")
        );
    }
}
