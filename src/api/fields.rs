//! Rules for the fields every endpoint shares: `site_cd`, `tno`, amounts, free text and the
//! order fields (`ordr_idxx`, `good_name`, buyer fields) of the requests that create a payment.
//!
//! Fields are joined with `^` into the plaintext KCP signs. A `^` inside a field would let a
//! caller sign a different message than the one it shows (`tno` `123^STSC` …), so every field is
//! checked against KCP's format first, and none may contain `^` or a control character.

use crate::error::{Error, Result};

/// Largest amount KCP's 12-digit amount fields hold.
pub const MAX_AMOUNT: u64 = 999_999_999_999;
/// Longest `tno`, in digits.
pub const TNO_MAX_DIGITS: usize = 14;
/// Length of a `site_cd`.
const SITE_CD_LEN: usize = 5;

/// `site_cd`: five ASCII letters or digits.
pub fn validate_site_cd(site_cd: &str) -> Result<()> {
    if site_cd.len() == SITE_CD_LEN && site_cd.bytes().all(|b| b.is_ascii_alphanumeric()) {
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
    if (1..=TNO_MAX_DIGITS).contains(&tno.len()) && tno.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "tno",
            "must be KCP's transaction number: 1 to 14 digits",
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

/// An amount field: at most [`MAX_AMOUNT`].
pub(crate) fn check_amount(field: &'static str, value: u64) -> Result<()> {
    if value > MAX_AMOUNT {
        return Err(Error::field_invalid(
            field,
            "must be at most 12 digits (999,999,999,999)",
        ));
    }
    Ok(())
}

/// A code field (bank code, sub type): `len` ASCII letters or digits.
pub(crate) fn check_code(
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

/// Longest `ordr_idxx`, in bytes (KCP's order number field).
pub(crate) const MAX_ORDER_ID_LEN: usize = 40;
/// Longest `good_name`, in UTF-8 bytes.
pub(crate) const MAX_GOOD_NAME_BYTES: usize = 100;
/// Characters KCP forbids in order fields (`ordr_idxx`, `good_name`, buyer fields): "사용불가
/// 특수문자" of KCP's manual (§1.5).
pub(crate) const FORBIDDEN_ORDER_CHARS: &[char] = &[',', '&', ';', '\\', '|', '\'', '"', '<'];

/// `ordr_idxx`: 1 to 40 printable ASCII characters, none of KCP's forbidden ones.
pub(crate) fn check_order_id(order_id: &str) -> Result<()> {
    if (1..=MAX_ORDER_ID_LEN).contains(&order_id.len())
        && order_id
            .chars()
            .all(|c| c.is_ascii_graphic() && !FORBIDDEN_ORDER_CHARS.contains(&c))
    {
        Ok(())
    } else {
        Err(Error::field_invalid(
            "ordr_idxx",
            "must be 1 to 40 printable ASCII characters without spaces or , & ; \\ | ' \" <",
        ))
    }
}

/// Free text of an order (`good_name`, buyer name, depositor): required or not, no control
/// characters, none of KCP's forbidden characters, at most `max_bytes`.
pub(crate) fn check_order_text(
    field: &'static str,
    value: &str,
    max_bytes: usize,
    required: bool,
) -> Result<()> {
    if required && value.trim().is_empty() {
        return Err(Error::field_invalid(field, "is required"));
    }
    validate_text(field, value, max_bytes)?;
    if value.contains(FORBIDDEN_ORDER_CHARS) {
        return Err(Error::field_invalid(
            field,
            "must not contain , & ; \\ | ' \" < (KCP refuses them in order fields)",
        ));
    }
    Ok(())
}

/// A payment amount: 1 to [`crate::MAX_AMOUNT`] won.
pub(crate) fn check_payment_amount(field: &'static str, amount: u64) -> Result<()> {
    check_amount(field, amount)?;
    if amount == 0 {
        return Err(Error::field_invalid(field, "must be greater than 0"));
    }
    Ok(())
}

/// The order fields a request that creates a payment checks first, in this order: `ordr_idxx`,
/// the amount (its wire name `amount_field`), then `good_name` (required).
pub(crate) fn check_order(
    order_id: &str,
    amount_field: &'static str,
    amount: u64,
    good_name: &str,
) -> Result<()> {
    check_order_id(order_id)?;
    check_payment_amount(amount_field, amount)?;
    check_order_text("good_name", good_name, MAX_GOOD_NAME_BYTES, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_cd_and_tno_rules() {
        for bad in ["T000", "T00000", "T00^0", "T000\n", "T000가"] {
            assert_eq!(validate_site_cd(bad).unwrap_err().field(), Some("site_cd"));
        }
        for bad in ["", "123456789012345", "12a", "1^2", "1 2", "１２"] {
            assert_eq!(validate_tno(bad).unwrap_err().field(), Some("tno"));
        }
        assert!(validate_tno("12345678901234").is_ok());
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
