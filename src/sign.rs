//! The plaintexts KCP signs, built only from validated fields.
//!
//! Fields are joined with `^`. A `^` inside a field would let a caller sign a different message
//! than the one it shows (`tno` `123^STSC` …), so every field is checked against KCP's format
//! first, and none may contain `^` or a control character.

use crate::error::{Error, Result};

/// The `mod_type`s kcp-wasm knows: full and partial cancel, capture, virtual-account refunds,
/// escrow steps.
pub const MOD_TYPES: &[&str] = &[
    "STSC", "STPC", "STMR", "STHD", "STPD", "STE1", "STE2", "STE3", "STE4", "STE5",
];

/// The `pay_type`s of the inquiry API: card (and easy pay), bank transfer, virtual account,
/// mobile, points, gift certificate.
pub const PAY_TYPES: &[&str] = &["PACA", "PABK", "PAVC", "PAMC", "PAPT", "PATK"];

/// `site_cd`: five ASCII letters or digits.
pub fn validate_site_cd(site_cd: &str) -> Result<()> {
    if site_cd.len() == 5 && site_cd.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "site_cd",
            "must be 5 ASCII letters or digits (e.g. T0000)",
        ))
    }
}

/// `tno`: KCP's transaction number, 1 to 14 digits, kept as a string.
pub fn validate_tno(tno: &str) -> Result<()> {
    if (1..=14).contains(&tno.len()) && tno.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "tno",
            "must be KCP's transaction number: 1 to 14 digits",
        ))
    }
}

/// `mod_type`: one of [`MOD_TYPES`].
pub fn validate_mod_type(mod_type: &str) -> Result<()> {
    if MOD_TYPES.contains(&mod_type) {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "mod_type",
            format!("must be one of {}", MOD_TYPES.join(", ")),
        ))
    }
}

/// `pay_type`: one of [`PAY_TYPES`].
pub fn validate_pay_type(pay_type: &str) -> Result<()> {
    if PAY_TYPES.contains(&pay_type) {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "pay_type",
            format!("must be one of {}", PAY_TYPES.join(", ")),
        ))
    }
}

/// Free text sent to KCP (reasons, depositor names): no control characters and no `^`.
pub(crate) fn validate_text(field: &'static str, value: &str, max_bytes: usize) -> Result<()> {
    if value.chars().any(|c| c.is_control() || c == '^') {
        return Err(Error::field_invalid(
            field,
            "must not contain control characters or '^'",
        ));
    }
    if value.len() > max_bytes {
        return Err(Error::field_invalid(
            field,
            format!(
                "is {} bytes in UTF-8; KCP allows at most {max_bytes}",
                value.len()
            ),
        ));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_malformed_field() {
        for bad in ["T000", "T00000", "T00^0", "T000\n", "T000가"] {
            assert_eq!(
                cancel_plaintext(bad, "1", "STSC").unwrap_err().field(),
                Some("site_cd")
            );
        }
        for bad in ["", "123456789012345", "12a", "1^2", "1 2", "１２"] {
            assert_eq!(
                cancel_plaintext("T0000", bad, "STSC").unwrap_err().field(),
                Some("tno")
            );
        }
        for bad in ["stsc", "STSC^", "XXXX", ""] {
            assert_eq!(
                cancel_plaintext("T0000", "1", bad).unwrap_err().field(),
                Some("mod_type")
            );
        }
        assert_eq!(
            inquiry_plaintext("T0000", "1", "PAXX").unwrap_err().field(),
            Some("pay_type")
        );
    }

    #[test]
    fn text_rules() {
        assert!(validate_text("mod_desc", "고객 요청 취소", 100).is_ok());
        assert!(validate_text("mod_desc", "a^b", 100).is_err());
        assert!(validate_text("mod_desc", "a\tb", 100).is_err());
        assert!(validate_text("mod_desc", &"가".repeat(34), 100).is_err()); // 102 bytes
        assert!(validate_text("mod_desc", &"가".repeat(33), 100).is_ok()); // 99 bytes
    }
}
