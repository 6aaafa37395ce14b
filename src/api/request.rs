//! Request values: what a caller fills in, validated before anything is signed.

use crate::error::{Error, Result};
use crate::sign::{validate_mod_type, validate_text, validate_tno};

/// Largest amount KCP's 12-digit amount fields hold.
pub const MAX_AMOUNT: u64 = 999_999_999_999;
/// Largest `mod_desc`, in UTF-8 bytes.
pub const MAX_REASON_BYTES: usize = 100;

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
    /// `mod_type`, one of [`crate::MOD_TYPES`].
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
    /// `pay_type`, one of [`crate::PAY_TYPES`].
    pub pay_type: String,
}

impl Cancel {
    pub(crate) fn to_modify(&self) -> Modify {
        Modify {
            tno: self.tno.clone(),
            mod_type: "STSC".into(),
            reason: self.reason.clone(),
            ..Modify::default()
        }
    }
}

impl Refund {
    pub(crate) fn to_modify(&self) -> Modify {
        Modify {
            tno: self.tno.clone(),
            mod_type: "STPC".into(),
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

fn check_amount(field: &'static str, value: u64) -> Result<()> {
    if value > MAX_AMOUNT {
        return Err(Error::field_invalid(
            field,
            "must be at most 12 digits (999,999,999,999)",
        ));
    }
    Ok(())
}

fn check_code(
    field: &'static str,
    value: &str,
    len: std::ops::RangeInclusive<usize>,
) -> Result<()> {
    if len.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Error::field_invalid(
            field,
            format!(
                "must be {} to {} ASCII letters or digits",
                len.start(),
                len.end()
            ),
        ))
    }
}

impl Modify {
    /// Validates every field for this `mod_type` and returns the wire fields after `mod_type`,
    /// in the order they are sent.
    pub(crate) fn wire_fields(&self) -> Result<Vec<(String, String)>> {
        validate_tno(&self.tno)?;
        validate_mod_type(&self.mod_type)?;
        let partial = matches!(self.mod_type.as_str(), "STPC" | "STPD");
        let full = matches!(self.mod_type.as_str(), "STSC" | "STHD");
        let needs_account = matches!(self.mod_type.as_str(), "STHD" | "STPD");
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
                    format!("`{}` cannot be sent as an extra field", name.escape_debug()),
                ));
            }
            validate_text("extra", value, 256)?;
            out.push((name.clone(), value.clone()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
