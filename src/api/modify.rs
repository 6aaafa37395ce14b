//! The modification endpoint (`/gw/mod/v1/cancel`): full cancel, partial refund and every other
//! `mod_type`. This module owns what KCP expects of it: the `mod_type`s and their facts, the
//! request values and their validation, the plaintext, the wire form and the reply.

use super::fields::{check_amount, check_code, validate_site_cd, validate_text, validate_tno};
use super::reply::{amount_field, parse_success, string_field};
use super::{Expect, Merchant, Operation, PreparedRequest};
use crate::error::{Error, Result};
use crate::json::{Object, Value};

/// Path of the cancel / refund / modification endpoint.
pub const MODIFY_PATH: &str = "/gw/mod/v1/cancel";
/// Largest `mod_desc`, in UTF-8 bytes.
pub const MAX_REASON_BYTES: usize = 100;

/// The `mod_type`s kcp-wasm knows: full and partial cancel, capture, virtual-account refunds,
/// escrow steps. The same list as [`ModType::ALL`], as strings.
pub const MOD_TYPES: &[&str] = &[
    "STSC", "STPC", "STMR", "STHD", "STPD", "STE1", "STE2", "STE3", "STE4", "STE5",
];

/// A `mod_type` of the modification endpoint, with what KCP says about it.
///
/// ```
/// use kcp_wasm::{ModType, Operation};
/// let stpd = ModType::from_code("STPD")?;
/// assert!(stpd.is_partial() && stpd.needs_refund_account() && stpd.moves_money());
/// assert_eq!(ModType::Stsc.operation(), Operation::Cancel);
/// assert_eq!(ModType::from_code("XXXX").unwrap_err().field(), Some("mod_type"));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModType {
    /// `STSC`: full cancel of what remains.
    Stsc,
    /// `STPC`: partial cancel (refund) of an amount.
    Stpc,
    /// `STMR`: capture (delayed-capture merchants).
    Stmr,
    /// `STHD`: full refund of a virtual-account payment to an account.
    Sthd,
    /// `STPD`: partial refund of a virtual-account payment to an account.
    Stpd,
    /// `STE1`: escrow: shipping started (with `deli_numb`, `deli_corp`).
    Ste1,
    /// `STE2`: escrow step 2.
    Ste2,
    /// `STE3`: escrow step 3.
    Ste3,
    /// `STE4`: escrow step 4.
    Ste4,
    /// `STE5`: escrow step 5.
    Ste5,
}

impl ModType {
    /// Every `mod_type`, in the order of [`MOD_TYPES`].
    pub const ALL: [ModType; 10] = [
        ModType::Stsc,
        ModType::Stpc,
        ModType::Stmr,
        ModType::Sthd,
        ModType::Stpd,
        ModType::Ste1,
        ModType::Ste2,
        ModType::Ste3,
        ModType::Ste4,
        ModType::Ste5,
    ];

    /// The wire code, e.g. `STPC`.
    pub fn code(self) -> &'static str {
        MOD_TYPES[self as usize]
    }

    /// The `mod_type` of a wire code; `FIELD_INVALID` on `mod_type` for any other string.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.code() == code)
            .ok_or_else(|| {
                Error::field_invalid(
                    "mod_type",
                    format!("must be one of {}", MOD_TYPES.join(", ")),
                )
            })
    }

    /// Takes an amount (`mod_mny`) and the balance before it (`rem_mny`): `STPC`, `STPD`.
    pub fn is_partial(self) -> bool {
        matches!(self, ModType::Stpc | ModType::Stpd)
    }

    /// Cancels everything that remains, and so takes no amount: `STSC`, `STHD`.
    pub fn is_full(self) -> bool {
        matches!(self, ModType::Stsc | ModType::Sthd)
    }

    /// Needs the account a virtual-account payment is refunded to: `STHD`, `STPD`.
    pub fn needs_refund_account(self) -> bool {
        matches!(self, ModType::Sthd | ModType::Stpd)
    }

    /// Whether the request moves money (and so must never be re-sent blindly). Every
    /// modification changes a payment's state at KCP: all of them do.
    pub fn moves_money(self) -> bool {
        true
    }

    /// The operation a request of this `mod_type` is reported as.
    pub fn operation(self) -> Operation {
        match self {
            ModType::Stsc => Operation::Cancel,
            ModType::Stpc => Operation::Refund,
            _ => Operation::Modify,
        }
    }

    /// What it does, in a few English words (as the playground shows it).
    pub fn description(self) -> &'static str {
        match self {
            ModType::Stsc => "full cancel",
            ModType::Stpc => "partial cancel (refund)",
            ModType::Stmr => "capture (delayed-capture merchants)",
            ModType::Sthd => "virtual account, full refund",
            ModType::Stpd => "virtual account, partial refund",
            ModType::Ste1 => "escrow: shipping started",
            ModType::Ste2 => "escrow step 2",
            ModType::Ste3 => "escrow step 3",
            ModType::Ste4 => "escrow step 4",
            ModType::Ste5 => "escrow step 5",
        }
    }
}

/// `mod_type`: one of [`MOD_TYPES`].
pub fn validate_mod_type(mod_type: &str) -> Result<()> {
    ModType::from_code(mod_type).map(|_| ())
}

/// The plaintext of a cancel / refund / other modification: `site_cd^tno^mod_type`.
///
/// ```
/// assert_eq!(
///     kcp_wasm::cancel_plaintext("T0000", "21234567890123", "STSC")?,
///     "T0000^21234567890123^STSC"
/// );
/// let smuggled = kcp_wasm::cancel_plaintext("T0000", "1^STPC", "STSC").unwrap_err();
/// assert_eq!(smuggled.code(), "FIELD_INVALID");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
pub fn cancel_plaintext(site_cd: &str, tno: &str, mod_type: &str) -> Result<String> {
    validate_site_cd(site_cd)?;
    validate_tno(tno)?;
    validate_mod_type(mod_type)?;
    Ok(format!("{site_cd}^{tno}^{mod_type}"))
}

/// Full cancel (`STSC`).
///
/// ```
/// let cancel = kcp_wasm::Cancel { tno: "21234567890123".into(), reason: Some("주문 취소".into()) };
/// # let _ = cancel;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cancel {
    /// KCP's transaction number.
    pub tno: String,
    /// `mod_desc`: why (at most 100 UTF-8 bytes; Korean text is normal).
    pub reason: Option<String>,
}

/// Partial refund (`STPC`).
///
/// ```
/// let refund = kcp_wasm::Refund {
///     tno: "21234567890123".into(),
///     amount: 5_000,     // mod_mny
///     remaining: 30_000, // rem_mny, before this refund
///     reason: None,
///     tax: None,
/// };
/// # let _ = refund;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Refund {
    /// KCP's transaction number.
    pub tno: String,
    /// `mod_mny`: the amount to refund now (won).
    pub amount: u64,
    /// `rem_mny`: the cancellable balance *before* this refund. KCP refuses the request when it
    /// is stale, which is what makes a partial refund safe to reason about.
    pub remaining: u64,
    /// `mod_desc`: why.
    pub reason: Option<String>,
    /// Split of `amount` for mixed-tax merchants (`tax_flag` `TG03`).
    pub tax: Option<TaxSplit>,
}

/// The tax split of a partial refund: `taxable + vat + tax_free` must equal the amount.
///
/// ```
/// let tax = kcp_wasm::TaxSplit { taxable: 10_000, vat: 1_000, tax_free: 0 }; // for 11,000 won
/// # let _ = tax;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaxSplit {
    /// `mod_tax_mny`: supply value.
    pub taxable: u64,
    /// `mod_vat_mny`: VAT.
    pub vat: u64,
    /// `mod_free_mny`: tax-free part.
    pub tax_free: u64,
}

/// The account a virtual-account payment is refunded to (`STHD` / `STPD`).
///
/// ```
/// let account = kcp_wasm::RefundAccount {
///     bank_code: "BK04".into(),
///     account: "123-456-789012".into(),
///     depositor: "홍길동".into(),
///     ..Default::default()
/// };
/// # let _ = account;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefundAccount {
    /// `mod_bankcode`: KCP's bank code (e.g. `BK04`).
    pub bank_code: String,
    /// `mod_account`: account number (digits, `-` allowed).
    pub account: String,
    /// `mod_depositor`: the account holder's name.
    pub depositor: String,
    /// `mod_sub_type`, when KCP asks for one.
    pub sub_type: Option<String>,
    /// `mod_comp_type`, when KCP asks for one.
    pub comp_type: Option<String>,
}

/// Any modification on the cancel endpoint.
///
/// ```
/// // Escrow: delivery started (STE1) with the delivery fields KCP asks for.
/// let escrow = kcp_wasm::Modify {
///     tno: "21234567890123".into(),
///     mod_type: "STE1".into(),
///     extra: vec![("deli_numb".into(), "1234567890".into()), ("deli_corp".into(), "CJ".into())],
///     ..Default::default()
/// };
/// # let _ = escrow;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Modify {
    /// KCP's transaction number.
    pub tno: String,
    /// `mod_type`, one of [`crate::MOD_TYPES`] (see [`ModType`]).
    pub mod_type: String,
    /// `mod_desc`: why.
    pub reason: Option<String>,
    /// `mod_mny` (required for partial types `STPC` / `STPD`).
    pub amount: Option<u64>,
    /// `rem_mny` (required for partial types).
    pub remaining: Option<u64>,
    /// Tax split of `amount`.
    pub tax: Option<TaxSplit>,
    /// Refund account (required for `STHD` / `STPD`).
    pub refund_account: Option<RefundAccount>,
    /// Further fields KCP documents for a `mod_type` (e.g. `deli_numb`, `deli_corp` for
    /// `STE1`). Names are lowercase wire names and may not replace the fields above.
    pub extra: Vec<(String, String)>,
}

impl Cancel {
    pub(crate) fn to_modify(&self) -> Modify {
        Modify {
            tno: self.tno.clone(),
            mod_type: ModType::Stsc.code().into(),
            reason: self.reason.clone(),
            ..Modify::default()
        }
    }
}

impl Refund {
    pub(crate) fn to_modify(&self) -> Modify {
        Modify {
            tno: self.tno.clone(),
            mod_type: ModType::Stpc.code().into(),
            reason: self.reason.clone(),
            amount: Some(self.amount),
            remaining: Some(self.remaining),
            tax: self.tax,
            ..Modify::default()
        }
    }
}

/// Fields the caller may not set through `extra`: they are built and checked by kcp-wasm.
const RESERVED: &[&str] = &[
    "site_cd",
    "tno",
    "kcp_cert_info",
    "kcp_sign_data",
    "mod_type",
    "mod_mny",
    "rem_mny",
    "mod_desc",
    "tax_flag",
    "mod_tax_mny",
    "mod_vat_mny",
    "mod_free_mny",
    "mod_bankcode",
    "mod_account",
    "mod_depositor",
    "mod_sub_type",
    "mod_comp_type",
    "pay_type",
];

impl Modify {
    /// Validates every field for this `mod_type` and returns the wire fields after `mod_type`,
    /// in the order they are sent.
    pub(crate) fn wire_fields(&self) -> Result<Vec<(String, String)>> {
        validate_tno(&self.tno)?;
        let mod_type = ModType::from_code(&self.mod_type)?;
        let partial = mod_type.is_partial();
        let full = mod_type.is_full();
        let needs_account = mod_type.needs_refund_account();
        let mut out = Vec::new();

        match (self.amount, self.remaining) {
            (Some(amount), Some(remaining)) => {
                check_amount("mod_mny", amount)?;
                check_amount("rem_mny", remaining)?;
                if amount == 0 {
                    return Err(Error::field_invalid("mod_mny", "must be greater than 0"));
                }
                if amount > remaining {
                    return Err(Error::field_invalid(
                        "mod_mny",
                        format!(
                            "{amount} is more than the remaining balance {remaining} (rem_mny)"
                        ),
                    ));
                }
                if full {
                    return Err(Error::field_invalid(
                        "mod_mny",
                        "a full cancel takes no amount; use a partial refund (STPC / STPD)",
                    ));
                }
                out.push(("mod_mny".into(), amount.to_string()));
                out.push(("rem_mny".into(), remaining.to_string()));
            }
            (None, None) if partial => {
                return Err(Error::field_invalid(
                    "mod_mny",
                    "a partial refund needs an amount",
                ));
            }
            (Some(_), None) if partial => {
                return Err(Error::field_invalid(
                    "rem_mny",
                    "a partial refund needs the remaining balance before it",
                ));
            }
            (None, Some(_)) => {
                return Err(Error::field_invalid(
                    "mod_mny",
                    "rem_mny was given without an amount",
                ));
            }
            (Some(amount), None) => {
                // e.g. an amount for a capture (STMR).
                check_amount("mod_mny", amount)?;
                if amount == 0 {
                    return Err(Error::field_invalid("mod_mny", "must be greater than 0"));
                }
                if full {
                    return Err(Error::field_invalid(
                        "mod_mny",
                        "a full cancel takes no amount",
                    ));
                }
                out.push(("mod_mny".into(), amount.to_string()));
            }
            (None, None) => {}
        }

        if let Some(tax) = self.tax {
            let Some(amount) = self.amount else {
                return Err(Error::field_invalid(
                    "tax_flag",
                    "a tax split needs an amount",
                ));
            };
            check_amount("mod_tax_mny", tax.taxable)?;
            check_amount("mod_vat_mny", tax.vat)?;
            check_amount("mod_free_mny", tax.tax_free)?;
            if tax.taxable + tax.vat + tax.tax_free != amount {
                return Err(Error::field_invalid(
                    "mod_tax_mny",
                    format!(
                        "taxable + vat + tax-free = {} but the amount is {amount}",
                        tax.taxable + tax.vat + tax.tax_free
                    ),
                ));
            }
            out.push(("tax_flag".into(), "TG03".into()));
            out.push(("mod_tax_mny".into(), tax.taxable.to_string()));
            out.push(("mod_vat_mny".into(), tax.vat.to_string()));
            out.push(("mod_free_mny".into(), tax.tax_free.to_string()));
        }

        match (&self.refund_account, needs_account) {
            (Some(account), true) => {
                if let Some(sub) = &account.sub_type {
                    check_code("mod_sub_type", sub, 1..=10)?;
                    out.push(("mod_sub_type".into(), sub.clone()));
                }
                if let Some(comp) = &account.comp_type {
                    check_code("mod_comp_type", comp, 1..=10)?;
                    out.push(("mod_comp_type".into(), comp.clone()));
                }
                check_code("mod_bankcode", &account.bank_code, 2..=6)?;
                if !(1..=20).contains(&account.account.len())
                    || !account
                        .account
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b'-')
                {
                    return Err(Error::field_invalid(
                        "mod_account",
                        "must be 1 to 20 digits or '-'",
                    ));
                }
                if account.depositor.trim().is_empty() {
                    return Err(Error::field_invalid("mod_depositor", "is required"));
                }
                validate_text("mod_depositor", &account.depositor, 50)?;
                out.push(("mod_bankcode".into(), account.bank_code.clone()));
                out.push(("mod_account".into(), account.account.clone()));
                out.push(("mod_depositor".into(), account.depositor.clone()));
            }
            (None, true) => {
                return Err(Error::field_invalid(
                    "mod_account",
                    "a virtual-account refund needs the refund account (bank code, account, depositor)",
                ));
            }
            (Some(_), false) => {
                return Err(Error::field_invalid(
                    "mod_account",
                    "a refund account is only sent with STHD / STPD",
                ));
            }
            (None, false) => {}
        }

        if let Some(reason) = &self.reason {
            validate_text("mod_desc", reason, MAX_REASON_BYTES)?;
            out.push(("mod_desc".into(), reason.clone()));
        }

        for (name, value) in &self.extra {
            let well_formed = (1..=32).contains(&name.len())
                && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed
                || RESERVED.contains(&name.as_str())
                || out.iter().any(|(n, _)| n == name)
            {
                return Err(Error::field_invalid(
                    "extra",
                    format!(
                        "`{}` cannot be sent as an extra field",
                        name.escape_default()
                    ),
                ));
            }
            validate_text("extra", value, 256)?;
            out.push((name.clone(), value.clone()));
        }
        Ok(out)
    }
}

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
    pub raw: Object,
}

/// Something wrong with a reply in which KCP said the change was applied (`res_cd` `0000`).
///
/// Codes (stable): `TNO_MISMATCH` (the reply names another transaction), `REMAINING_MISMATCH`
/// (a partial refund's reported balance is not the request's `rem_mny − mod_mny`),
/// `AMOUNT_MISMATCH` (the reported `mod_mny` is not the request's), `AMOUNT_UNREADABLE` (an
/// amount field is not a whole number); for a payment (approval, billing-key charge, key-in,
/// virtual account), `AMOUNT_MISMATCH` also when the approved `amount` is not the requested one,
/// `TNO_MISSING` (a success without a `tno`: nothing to cancel or inquire about) and
/// `ORDER_MISMATCH` (the reply names another order). The change was applied all the same:
/// record the result, then inquire about the transaction before doing anything else with it.
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
        "TNO_MISSING",
        "ORDER_MISMATCH",
    ];
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
pub(crate) fn read_amount(
    raw: &Object,
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

impl Merchant {
    /// Full cancel (`STSC`) of what remains of a transaction.
    pub fn cancel(&self, request: &Cancel) -> Result<PreparedRequest> {
        self.modify(&request.to_modify())
    }

    /// Partial refund (`STPC`) of `amount` out of the `remaining` cancellable balance.
    pub fn refund(&self, request: &Refund) -> Result<PreparedRequest> {
        self.modify(&request.to_modify())
    }

    /// Any modification on the cancel endpoint (`STMR`, `STHD`, `STPD`, `STE1`…, or the two
    /// above), with the fields its `mod_type` needs.
    pub fn modify(&self, request: &Modify) -> Result<PreparedRequest> {
        let plaintext = cancel_plaintext(self.site_cd(), &request.tno, &request.mod_type)?;
        let mod_type = ModType::from_code(&request.mod_type)?;
        // Validate every field before the (comparatively expensive) signature.
        let mut fields = vec![("mod_type".to_string(), request.mod_type.clone())];
        fields.extend(request.wire_fields()?);
        let remaining_after = match (request.amount, request.remaining) {
            (Some(amount), Some(remaining)) if mod_type.is_partial() => Some(remaining - amount),
            _ => None,
        };
        let operation = mod_type.operation();
        self.prepare(
            MODIFY_PATH,
            plaintext,
            &request.tno,
            fields,
            mod_type.moves_money(),
            Expect {
                operation,
                tno: request.tno.clone(),
                mod_type: Some(request.mod_type.clone()),
                pay_type: None,
                amount: request.amount,
                remaining_after,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::fields::MAX_AMOUNT;
    use super::*;

    #[test]
    fn mod_type_facts() {
        assert_eq!(ModType::ALL.map(ModType::code).as_slice(), MOD_TYPES);
        for bad in ["stsc", "STSC^", "XXXX", ""] {
            assert_eq!(
                cancel_plaintext("T0000", "1", bad).unwrap_err().field(),
                Some("mod_type")
            );
        }
        let partial: Vec<_> = ModType::ALL
            .into_iter()
            .filter(|m| m.is_partial())
            .map(ModType::code)
            .collect();
        assert_eq!(partial, ["STPC", "STPD"]);
        let account: Vec<_> = ModType::ALL
            .into_iter()
            .filter(|m| m.needs_refund_account())
            .map(ModType::code)
            .collect();
        assert_eq!(account, ["STHD", "STPD"]);
        assert!(ModType::ALL.iter().all(|m| m.moves_money()));
    }

    fn refund(amount: u64, remaining: u64) -> Modify {
        Refund {
            tno: "1".into(),
            amount,
            remaining,
            ..Refund::default()
        }
        .to_modify()
    }

    #[test]
    fn amount_rules() {
        assert!(refund(1, 1).wire_fields().is_ok());
        assert!(refund(MAX_AMOUNT, MAX_AMOUNT).wire_fields().is_ok());
        assert_eq!(
            refund(0, 1).wire_fields().unwrap_err().field(),
            Some("mod_mny")
        );
        assert_eq!(
            refund(2, 1).wire_fields().unwrap_err().field(),
            Some("mod_mny")
        );
        assert_eq!(
            refund(1, MAX_AMOUNT + 1).wire_fields().unwrap_err().field(),
            Some("rem_mny")
        );
        let full_with_amount = Modify {
            tno: "1".into(),
            mod_type: "STSC".into(),
            amount: Some(1),
            remaining: Some(2),
            ..Modify::default()
        };
        assert!(full_with_amount.wire_fields().is_err());
        let partial_without = Modify {
            tno: "1".into(),
            mod_type: "STPC".into(),
            ..Modify::default()
        };
        assert_eq!(
            partial_without.wire_fields().unwrap_err().field(),
            Some("mod_mny")
        );
    }

    #[test]
    fn tax_split_must_add_up() {
        let mut m = refund(11_000, 20_000);
        m.tax = Some(TaxSplit {
            taxable: 10_000,
            vat: 1_000,
            tax_free: 0,
        });
        let fields = m.wire_fields().unwrap();
        assert!(fields.contains(&("tax_flag".into(), "TG03".into())));
        m.tax = Some(TaxSplit {
            taxable: 10_000,
            vat: 1_000,
            tax_free: 1,
        });
        assert_eq!(m.wire_fields().unwrap_err().field(), Some("mod_tax_mny"));
    }

    #[test]
    fn virtual_account_refunds_need_an_account() {
        let mut m = Modify {
            tno: "1".into(),
            mod_type: "STHD".into(),
            ..Modify::default()
        };
        assert_eq!(m.wire_fields().unwrap_err().field(), Some("mod_account"));
        m.refund_account = Some(RefundAccount {
            bank_code: "BK04".into(),
            account: "123-456-7890".into(),
            depositor: "홍길동".into(),
            sub_type: None,
            comp_type: None,
        });
        let fields = m.wire_fields().unwrap();
        assert!(fields.contains(&("mod_depositor".into(), "홍길동".into())));
    }

    #[test]
    fn extra_fields_cannot_override() {
        let mut m = Modify {
            tno: "1".into(),
            mod_type: "STE1".into(),
            ..Modify::default()
        };
        m.extra = vec![
            ("deli_numb".into(), "123".into()),
            ("deli_corp".into(), "CJ".into()),
        ];
        assert_eq!(m.wire_fields().unwrap().len(), 2);
        for name in ["mod_mny", "kcp_sign_data", "Bad", "a-b", ""] {
            m.extra = vec![(name.into(), "1".into())];
            assert_eq!(
                m.wire_fields().unwrap_err().field(),
                Some("extra"),
                "{name}"
            );
        }
    }

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
}
