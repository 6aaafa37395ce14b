//! KCP's endpoints: requests (validated, signed, encoded as JSON) and their replies.
//!
//! [`Merchant`] holds what every request needs — `site_cd`, the certificate, the key and the
//! server — and turns a plain request value into a [`PreparedRequest`]: URL and JSON body, ready
//! for any HTTP client. The reply text goes back through [`parse_modify_response`] or
//! [`parse_inquiry_response`], which tell KCP's success from its refusals and check that the
//! reply matches the request.

mod request;
mod response;
mod result_codes;

pub use request::{Cancel, Inquiry, Modify, Refund, RefundAccount, TaxSplit};
pub use response::{
    InquiryResult, ModifyResult, ResultWarning, parse_inquiry_response, parse_modify_response,
};

pub use result_codes::{RESULT_CODES, ResultCode, result_code};

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::key::MerchantKey;
use crate::sign;

/// KCP's production host.
pub const PRODUCTION_URL: &str = "https://spl.kcp.co.kr";
/// KCP's staging (test) host.
pub const STAGING_URL: &str = "https://stg-spl.kcp.co.kr";
/// Path of the cancel / refund / modification endpoint.
pub const MODIFY_PATH: &str = "/gw/mod/v1/cancel";
/// Path of the transaction inquiry endpoint (KCP's spelling).
pub const INQUIRY_PATH: &str = "/std/inquery";

/// Which KCP server requests go to.
///
/// ```
/// use kcp_wasm::Environment;
/// assert_eq!(Environment::Staging.base_url()?, "https://stg-spl.kcp.co.kr");
/// assert_eq!(Environment::from_name("production")?, Environment::Production);
/// let local = Environment::Custom("http://127.0.0.1:8787/".into());
/// assert_eq!(local.base_url()?, "http://127.0.0.1:8787");
/// assert_eq!(Environment::Custom("ftp://x".into()).base_url().unwrap_err().code(), "CONFIG_INVALID");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://spl.kcp.co.kr`
    Production,
    /// `https://stg-spl.kcp.co.kr`
    Staging,
    /// Another base URL, e.g. a local emulator: `http(s)://host[:port][/prefix]`.
    Custom(String),
}

impl Environment {
    /// Parses `staging` / `production`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "staging" => Ok(Environment::Staging),
            "production" => Ok(Environment::Production),
            _ => Err(Error::config_invalid(
                "environment",
                "must be 'staging' or 'production'",
            )),
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> Result<String> {
        match self {
            Environment::Production => Ok(PRODUCTION_URL.to_string()),
            Environment::Staging => Ok(STAGING_URL.to_string()),
            Environment::Custom(url) => {
                let url = url.trim_end_matches('/');
                let rest = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"))
                    .ok_or_else(|| {
                        Error::config_invalid("baseUrl", "must start with http:// or https://")
                    })?;
                let host = rest.split('/').next().unwrap_or("");
                if host.is_empty()
                    || url
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "?#@\\".contains(c))
                {
                    return Err(Error::config_invalid(
                        "baseUrl",
                        "must be http(s)://host[:port][/prefix] without query, fragment or credentials",
                    ));
                }
                Ok(url.to_string())
            }
        }
    }
}

/// What a prepared request does.
///
/// ```
/// use kcp_wasm::Operation;
/// assert_eq!(Operation::from_name("refund"), Some(Operation::Refund));
/// assert!(Operation::Refund.moves_money());
/// assert!(!Operation::Inquiry.moves_money());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Full cancel (`STSC`).
    Cancel,
    /// Partial refund (`STPC`).
    Refund,
    /// Another `mod_type` on the cancel endpoint.
    Modify,
    /// Transaction inquiry.
    Inquiry,
}

impl Operation {
    /// `cancel`, `refund`, `modify` or `inquiry`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Cancel => "cancel",
            Operation::Refund => "refund",
            Operation::Modify => "modify",
            Operation::Inquiry => "inquiry",
        }
    }

    /// The reverse of [`Operation::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "cancel" => Some(Operation::Cancel),
            "refund" => Some(Operation::Refund),
            "modify" => Some(Operation::Modify),
            "inquiry" => Some(Operation::Inquiry),
            _ => None,
        }
    }

    /// Whether the operation moves money (and so must never be re-sent blindly).
    pub fn moves_money(self) -> bool {
        !matches!(self, Operation::Inquiry)
    }
}

/// What the reply to a request must agree with. Every [`PreparedRequest`] carries one; see
/// [`parse_modify_response`] for one written by hand.
///
/// ```
/// # use kcp_wasm::*;
/// # let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
/// # let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// # let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
/// let request = merchant.refund(&Refund { tno: "1".into(), amount: 300, remaining: 1000, ..Refund::default() })?;
/// assert_eq!(request.expect.remaining_after, Some(700));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The operation.
    pub operation: Operation,
    /// The request's `tno`.
    pub tno: String,
    /// The request's `mod_type` (modifications).
    pub mod_type: Option<String>,
    /// The request's `pay_type` (inquiries).
    pub pay_type: Option<String>,
    /// The request's `mod_mny`, when it had one.
    pub amount: Option<u64>,
    /// For a partial refund: the request's `rem_mny − mod_mny`, the balance KCP must report.
    pub remaining_after: Option<u64>,
}

/// A signed request, ready to `POST` as `application/json`.
///
/// ```
/// # use kcp_wasm::*;
/// # let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
/// # let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// # let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
/// let request = merchant.inquiry(&Inquiry { tno: "21234567890123".into(), pay_type: "PACA".into() })?;
/// assert_eq!(request.url, "https://stg-spl.kcp.co.kr/std/inquery");
/// assert_eq!(request.operation, Operation::Inquiry);
/// let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
/// assert!(body["kcp_sign_data"].as_str().is_some_and(|s| s.len() == 344));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone)]
pub struct PreparedRequest {
    /// Full URL of the endpoint.
    pub url: String,
    /// The JSON body (amounts as JSON strings, as KCP's samples send them).
    pub body: String,
    /// The operation.
    pub operation: Operation,
    /// The plaintext that `kcp_sign_data` signs (not secret).
    pub plaintext: String,
    /// What the reply must agree with; hand it to the response parser.
    pub expect: Expect,
}

impl std::fmt::Debug for PreparedRequest {
    /// Everything but the body: it holds `kcp_sign_data`, which must not reach logs (it can be
    /// replayed for the same plaintext).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("url", &self.url)
            .field("operation", &self.operation)
            .field("plaintext", &self.plaintext)
            .field(
                "body",
                &format_args!("<{} bytes, not shown>", self.body.len()),
            )
            .field("expect", &self.expect)
            .finish()
    }
}

/// A merchant's identity at KCP: `site_cd`, certificate and private key, and the server to talk
/// to. Builds signed requests.
///
/// ```
/// use kcp_wasm::{Cancel, Certificate, Environment, Merchant, MerchantKey, Refund};
///
/// let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
/// let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
///
/// let request = merchant.refund(&Refund {
///     tno: "21234567890123".into(),
///     amount: 5_000,
///     remaining: 30_000,
///     reason: Some("부분 환불".into()),
///     tax: None,
/// })?;
/// assert_eq!(request.url, "https://stg-spl.kcp.co.kr/gw/mod/v1/cancel");
/// assert_eq!(request.plaintext, "T0000^21234567890123^STPC");
/// let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
/// assert_eq!(body["mod_mny"], "5000");
/// assert_eq!(body["rem_mny"], "30000");
/// assert_eq!(request.expect.remaining_after, Some(25_000));
///
/// let cancel = merchant.cancel(&Cancel { tno: "21234567890123".into(), reason: None })?;
/// assert!(cancel.body.contains(r#""mod_type":"STSC""#));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Debug)]
pub struct Merchant {
    site_cd: String,
    cert_info: String,
    key: MerchantKey,
    base_url: String,
}

impl Merchant {
    /// Checks `site_cd`, the environment, and that `key` is `certificate`'s pair.
    pub fn new(
        site_cd: &str,
        certificate: Certificate,
        key: MerchantKey,
        environment: Environment,
    ) -> Result<Self> {
        sign::validate_site_cd(site_cd)?;
        let base_url = environment.base_url()?;
        if !certificate.matches(&key) {
            return Err(Error::KeyCertMismatch);
        }
        Ok(Self {
            site_cd: site_cd.to_string(),
            cert_info: certificate.to_kcp_cert_info(),
            key,
            base_url,
        })
    }

    /// The merchant's `site_cd`.
    pub fn site_cd(&self) -> &str {
        &self.site_cd
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `kcp_cert_info` of the merchant's certificate.
    pub fn kcp_cert_info(&self) -> &str {
        &self.cert_info
    }

    /// Full cancel (`STSC`) of what remains of a transaction.
    pub fn cancel(&self, request: &Cancel) -> Result<PreparedRequest> {
        self.modify_as(&request.to_modify(), Operation::Cancel)
    }

    /// Partial refund (`STPC`) of `amount` out of the `remaining` cancellable balance.
    pub fn refund(&self, request: &Refund) -> Result<PreparedRequest> {
        self.modify_as(&request.to_modify(), Operation::Refund)
    }

    /// Any modification on the cancel endpoint (`STMR`, `STHD`, `STPD`, `STE1`…, or the two
    /// above), with the fields its `mod_type` needs.
    pub fn modify(&self, request: &Modify) -> Result<PreparedRequest> {
        let operation = match request.mod_type.as_str() {
            "STSC" => Operation::Cancel,
            "STPC" => Operation::Refund,
            _ => Operation::Modify,
        };
        self.modify_as(request, operation)
    }

    /// Transaction inquiry (`/std/inquery`).
    pub fn inquiry(&self, request: &Inquiry) -> Result<PreparedRequest> {
        let plaintext = sign::inquiry_plaintext(&self.site_cd, &request.tno, &request.pay_type)?;
        let mut body = self.signed_body(&request.tno, &plaintext)?;
        body.insert("pay_type".into(), request.pay_type.clone().into());
        Ok(PreparedRequest {
            url: format!("{}{INQUIRY_PATH}", self.base_url),
            body: serde_json::Value::Object(body).to_string(),
            operation: Operation::Inquiry,
            plaintext,
            expect: Expect {
                operation: Operation::Inquiry,
                tno: request.tno.clone(),
                mod_type: None,
                pay_type: Some(request.pay_type.clone()),
                amount: None,
                remaining_after: None,
            },
        })
    }

    /// The fields every request starts with: who, which transaction, and the proof.
    fn signed_body(
        &self,
        tno: &str,
        plaintext: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>> {
        let mut body = serde_json::Map::new();
        body.insert("site_cd".into(), self.site_cd.clone().into());
        body.insert("tno".into(), tno.into());
        body.insert("kcp_cert_info".into(), self.cert_info.clone().into());
        body.insert("kcp_sign_data".into(), self.key.sign(plaintext)?.into());
        Ok(body)
    }

    fn modify_as(&self, request: &Modify, operation: Operation) -> Result<PreparedRequest> {
        let plaintext = sign::cancel_plaintext(&self.site_cd, &request.tno, &request.mod_type)?;
        // Validate every field before the (comparatively expensive) signature.
        let fields = request.wire_fields()?;
        let mut body = self.signed_body(&request.tno, &plaintext)?;
        body.insert("mod_type".into(), request.mod_type.clone().into());
        for (name, value) in fields {
            body.insert(name, value.into());
        }
        let remaining_after = match (request.mod_type.as_str(), request.amount, request.remaining) {
            ("STPC" | "STPD", Some(amount), Some(remaining)) => Some(remaining - amount),
            _ => None,
        };
        Ok(PreparedRequest {
            url: format!("{}{MODIFY_PATH}", self.base_url),
            body: serde_json::Value::Object(body).to_string(),
            operation,
            plaintext,
            expect: Expect {
                operation,
                tno: request.tno.clone(),
                mod_type: Some(request.mod_type.clone()),
                pay_type: None,
                amount: request.amount,
                remaining_after,
            },
        })
    }
}
