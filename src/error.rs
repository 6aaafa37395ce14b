//! One error type for the whole crate.
//!
//! Every variant has a stable [`Error::code`] that callers (and the JavaScript layer) branch on;
//! the `Display` text is for people and may change. No variant ever carries a password, key
//! bytes, a signature or a whole request body: what they hold is either static text or values
//! that are not secret (a field name, KCP's own reply).

use std::fmt;

/// Everything that can go wrong in kcp-wasm.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The key input is not a readable PEM/DER private key (bad base64, truncated, broken ASN.1).
    KeyMalformed(&'static str),
    /// An encrypted key could not be decrypted and read: a wrong password or a damaged key file
    /// (every failure after decryption, so that the code tells nothing about the plaintext).
    KeyPasswordIncorrect,
    /// A key format or algorithm that kcp-wasm does not read; the text says what to do instead.
    KeyFormatUnsupported(&'static str),
    /// The input asks for more work or memory than kcp-wasm allows (size, KDF cost, modulus).
    KeyLimitExceeded(String),
    /// The key's own values disagree with each other, or a signature failed its self-check.
    KeyInconsistent,
    /// The runtime's secure random source failed (needed to blind the RSA operation).
    RandomUnavailable,
    /// The certificate input is not a readable X.509 certificate.
    CertMalformed(&'static str),
    /// A private key was given where the certificate belongs.
    CertIsPrivateKey,
    /// The private key is not the pair of the certificate.
    KeyCertMismatch,
    /// A request field is missing or invalid. `field` is KCP's wire name (`mod_mny`, `tno`, …).
    FieldInvalid {
        /// KCP's name of the field.
        field: &'static str,
        /// What is wrong, in words.
        reason: String,
    },
    /// The client configuration (environment, base URL, site code) is invalid.
    ConfigInvalid {
        /// The configuration field.
        field: &'static str,
        /// What is wrong, in words.
        reason: String,
    },
    /// KCP answered, and refused: `res_cd` is not `0000`.
    KcpRejected {
        /// KCP's result code, verbatim.
        res_cd: String,
        /// KCP's message (usually Korean), verbatim.
        res_msg: String,
        /// KCP's English message, when it sent one.
        res_en_msg: Option<String>,
        /// The whole reply, for logging and support (big integers as strings, as in results).
        raw: Box<crate::json::Object>,
    },
    /// The reply is not a JSON object with a `res_cd`.
    ResponseMalformed(&'static str),
    /// KCP said `0000` but the reply disagrees with the request; the outcome must be checked.
    ResponseInconsistent {
        /// The reply field that disagrees.
        field: &'static str,
        /// What disagrees, in words.
        reason: String,
    },
    /// A notification body from KCP (or someone posing as KCP) could not be read: not a form,
    /// a bad `%` escape, too large, not valid UTF-8 under `utf-8`, no valid `tno`, an amount that
    /// is not a number. The text never quotes the body.
    NotificationMalformed {
        /// The notification field, when one is at fault.
        field: Option<&'static str>,
        /// What is wrong, in words.
        reason: &'static str,
    },
}

impl Error {
    /// The stable code of this error, e.g. `"KEY_PASSWORD_INCORRECT"`.
    ///
    /// ```
    /// let err = kcp_wasm::MerchantKey::from_pem("not a key", "pw").unwrap_err();
    /// assert_eq!(err.code(), "KEY_MALFORMED");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::KeyMalformed(_) => "KEY_MALFORMED",
            Error::KeyPasswordIncorrect => "KEY_PASSWORD_INCORRECT",
            Error::KeyFormatUnsupported(_) => "KEY_FORMAT_UNSUPPORTED",
            Error::KeyLimitExceeded(_) => "KEY_LIMIT_EXCEEDED",
            Error::KeyInconsistent => "KEY_INCONSISTENT",
            Error::RandomUnavailable => "RANDOM_UNAVAILABLE",
            Error::CertMalformed(_) => "CERT_MALFORMED",
            Error::CertIsPrivateKey => "CERT_IS_PRIVATE_KEY",
            Error::KeyCertMismatch => "KEY_CERT_MISMATCH",
            Error::FieldInvalid { .. } => "FIELD_INVALID",
            Error::ConfigInvalid { .. } => "CONFIG_INVALID",
            Error::KcpRejected { .. } => "KCP_REJECTED",
            Error::ResponseMalformed(_) => "RESPONSE_MALFORMED",
            Error::ResponseInconsistent { .. } => "RESPONSE_INCONSISTENT",
            Error::NotificationMalformed { .. } => "NOTIFICATION_MALFORMED",
        }
    }

    /// Every code [`Error::code`] can return, for documentation and exhaustive tests.
    pub const CODES: &'static [&'static str] = &[
        "KEY_MALFORMED",
        "KEY_PASSWORD_INCORRECT",
        "KEY_FORMAT_UNSUPPORTED",
        "KEY_LIMIT_EXCEEDED",
        "KEY_INCONSISTENT",
        "RANDOM_UNAVAILABLE",
        "CERT_MALFORMED",
        "CERT_IS_PRIVATE_KEY",
        "KEY_CERT_MISMATCH",
        "FIELD_INVALID",
        "CONFIG_INVALID",
        "KCP_REJECTED",
        "RESPONSE_MALFORMED",
        "RESPONSE_INCONSISTENT",
        "NOTIFICATION_MALFORMED",
    ];

    /// The field an error is about, for `FIELD_INVALID`, `CONFIG_INVALID` and
    /// `RESPONSE_INCONSISTENT` (and `NOTIFICATION_MALFORMED` when a field is at fault).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::FieldInvalid { field, .. }
            | Error::ConfigInvalid { field, .. }
            | Error::ResponseInconsistent { field, .. } => Some(field),
            Error::NotificationMalformed { field, .. } => *field,
            _ => None,
        }
    }

    /// For `KCP_REJECTED` with a known `res_cd`: what it means and what to do, one line
    /// (the table is [`crate::RESULT_CODES`]).
    ///
    /// ```
    /// let text = r#"{"res_cd":"8012","res_msg":"취소불가-상점관리자 문의"}"#;
    /// let expect = kcp_wasm::Expect {
    ///     operation: kcp_wasm::Operation::Cancel, tno: "1".into(), mod_type: None,
    ///     pay_type: None, amount: None, remaining_after: None,
    /// };
    /// let err = kcp_wasm::parse_modify_response(text, &expect).unwrap_err();
    /// assert!(err.hint().unwrap().contains("IP"));
    /// assert!(err.to_string().contains("Hint: "));
    /// ```
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::KcpRejected { res_cd, .. } => crate::api::result_code(res_cd).map(|c| c.hint),
            _ => None,
        }
    }

    pub(crate) fn field_invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::FieldInvalid {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn config_invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::ConfigInvalid {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::KeyMalformed(why) => write!(f, "the private key could not be read: {why}"),
            Error::KeyPasswordIncorrect => f.write_str(
                "the private key could not be decrypted: wrong password or damaged key file",
            ),
            Error::KeyFormatUnsupported(why) => write!(f, "unsupported private key: {why}"),
            Error::KeyLimitExceeded(why) => write!(f, "the private key was refused: {why}"),
            Error::KeyInconsistent => f.write_str(
                "the private key's values are inconsistent (a damaged key file); \
                 download the key again from KCP's merchant admin",
            ),
            Error::RandomUnavailable => f.write_str(
                "the runtime's secure random source (crypto.getRandomValues) is unavailable",
            ),
            Error::CertMalformed(why) => write!(f, "the certificate could not be read: {why}"),
            Error::CertIsPrivateKey => f.write_str(
                "a private key was given where the certificate belongs: pass \
                 KCP_AUTH_<site_cd>_CERT.pem, not the PRIKEY file",
            ),
            Error::KeyCertMismatch => f.write_str(
                "the private key is not the pair of this certificate: use the key and \
                 certificate issued together for this site_cd",
            ),
            Error::FieldInvalid { field, reason } => write!(f, "invalid field `{field}`: {reason}"),
            Error::ConfigInvalid { field, reason } => {
                write!(f, "invalid configuration `{field}`: {reason}")
            }
            Error::KcpRejected {
                res_cd,
                res_msg,
                res_en_msg,
                ..
            } => {
                write!(f, "KCP refused the request: res_cd {res_cd}: {res_msg}")?;
                if let Some(en) = res_en_msg.as_deref().filter(|m| !m.is_empty()) {
                    write!(f, " ({en})")?;
                }
                if let Some(hint) = self.hint() {
                    write!(f, ". Hint: {hint}")?;
                }
                Ok(())
            }
            Error::ResponseMalformed(why) => write!(f, "KCP's reply could not be read: {why}"),
            Error::ResponseInconsistent { field, reason } => write!(
                f,
                "KCP reported success but its reply disagrees with the request \
                 (`{field}`: {reason}); inquire about the transaction before doing anything else"
            ),
            Error::NotificationMalformed { field, reason } => {
                write!(f, "the notification could not be read: {reason}")?;
                if let Some(field) = field {
                    write!(f, " (`{field}`)")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
