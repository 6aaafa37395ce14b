//! KCP's endpoints: requests (validated, signed, encoded as JSON) and their replies.
//!
//! Each endpoint has its module, which owns everything KCP expects of it — its codes and their
//! facts, request values and their validation, the plaintext, the wire form and the reply:
//! [`modify`] (cancel, refund, other modifications) and [`inquiry`], signed; [`approval`]
//! (approval, billing-key issuance), [`hub`] (billing-key charge and deletion, virtual accounts,
//! key-in) and [`trade_reg`] (trade registration), which KCP wants unsigned. What they share lives here:
//! the [`Merchant`] (`site_cd`, certificate, key and server), the [`Environment`], the signed
//! body and the [`PreparedRequest`] every endpoint returns, which carries every wire and safety
//! fact (URL, method, headers, body, whether it moves money, what the reply must match) so that
//! no HTTP layer has to decide any of them.

pub mod approval;
mod euc_kr;
mod fields;
pub mod hub;
pub mod inquiry;
pub mod modify;
pub mod notification;
mod reply;
mod result_codes;
pub mod trade_reg;

pub use approval::{
    APPROVAL_PATH, AUTO_CANCEL_REASON, Approval, BankDetails, BillingKeyIssue, BillingKeyResult,
    CardDetails, CashReceiptDetails, GiftDetails, MobileDetails, PAY_METHODS, PayMethod,
    PaymentResult, PointsDetails, TRAN_CD_BILLING_KEY, TRAN_CD_PAYMENT, VirtualAccountDetails,
    parse_billing_key_response, parse_payment_response,
};
pub use fields::{MAX_AMOUNT, TNO_MAX_DIGITS, validate_site_cd, validate_tno};
pub use hub::{
    BillingCharge, BillingKeyDelete, BillingKeyDeleteResult, Buyer, CARD_TX_TYPE_BILLING,
    CARD_TX_TYPE_KEY_IN, CURRENCY_KRW, CashReceiptPurpose, HUB_PATH, KeyIn,
    TX_TYPE_BILLING_KEY_DELETE, VA_SUCCESS_CODES, VA_TX_TYPE, VaCashReceipt, VirtualAccountIssue,
    VirtualAccountResult, parse_billing_key_delete_response, parse_virtual_account_response,
};
pub use hub::{PAY_METHOD_BILLING_KEY, PAY_METHOD_CARD, PAY_METHOD_VIRTUAL_ACCOUNT};
pub use inquiry::{
    INQUIRY_PATH, Inquiry, InquiryResult, PAY_TYPES, PayType, inquiry_plaintext,
    parse_inquiry_response, validate_pay_type,
};
pub use modify::{
    Cancel, MAX_REASON_BYTES, MOD_TYPES, MODIFY_PATH, ModType, Modify, ModifyResult, Refund,
    RefundAccount, ResultWarning, TaxSplit, cancel_plaintext, parse_modify_response,
    validate_mod_type,
};
pub use notification::{
    Charset, Deposit, MAX_NOTIFICATION_BYTES, NOTIFICATION_REFUSAL_RESULT, Notification,
    NotificationDetail, encode_notification, escrow_decision, is_notifier_ip,
    notification_acknowledged, notification_reply, notifier_ips, parse_form, parse_notification,
};
pub use notification::{
    NOTIFICATION_ACK_RESULT, NOTIFIER_IPS_PRODUCTION, NOTIFIER_IPS_STAGING,
    OP_CD_DEPOSIT_CANCELLED, TX_CODES, TxCode,
};
pub use result_codes::{RESULT_CODES, ResultCode, result_code};
pub use trade_reg::{
    TRADE_PAY_METHODS, TRADE_REGISTER_PATH, TradeRegistration, TradeRegistrationResult,
    parse_trade_registration_response,
};

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::json::Object;
use crate::key::MerchantKey;

/// KCP's production host.
pub const PRODUCTION_URL: &str = "https://spl.kcp.co.kr";
/// KCP's staging (test) host.
pub const STAGING_URL: &str = "https://stg-spl.kcp.co.kr";
/// The HTTP method of every KCP request.
pub const HTTP_METHOD: &str = "POST";
/// The headers of every KCP request.
pub const REQUEST_HEADERS: &[(&str, &str)] = &[("Content-Type", "application/json; charset=utf-8")];

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
    /// Approval of a payment window's result (`/gw/enc/v1/payment` with `ordr_mony`).
    Approval,
    /// Billing-key issuance from a billing-key window's result (`/gw/enc/v1/payment`).
    BillingKeyIssue,
    /// Payment with a billing key (`/gw/hub/v1/payment`).
    BillingCharge,
    /// Deletion of a billing key (`/gw/hub/v1/payment`).
    BillingKeyDelete,
    /// Virtual-account issuance (`/gw/hub/v1/payment`).
    VirtualAccountIssue,
    /// Key-in (card number) payment (`/gw/hub/v1/payment`).
    KeyIn,
    /// Trade registration for the mobile window (`/std/tradeReg/register`).
    TradeRegistration,
}

impl Operation {
    /// `cancel`, `refund`, `modify` or `inquiry`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Cancel => "cancel",
            Operation::Refund => "refund",
            Operation::Modify => "modify",
            Operation::Inquiry => "inquiry",
            Operation::Approval => "approval",
            Operation::BillingKeyIssue => "billingKeyIssue",
            Operation::BillingCharge => "billingCharge",
            Operation::BillingKeyDelete => "billingKeyDelete",
            Operation::VirtualAccountIssue => "virtualAccountIssue",
            Operation::KeyIn => "keyIn",
            Operation::TradeRegistration => "tradeRegistration",
        }
    }

    /// The reverse of [`Operation::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "cancel" => Some(Operation::Cancel),
            "refund" => Some(Operation::Refund),
            "modify" => Some(Operation::Modify),
            "inquiry" => Some(Operation::Inquiry),
            "approval" => Some(Operation::Approval),
            "billingKeyIssue" => Some(Operation::BillingKeyIssue),
            "billingCharge" => Some(Operation::BillingCharge),
            "billingKeyDelete" => Some(Operation::BillingKeyDelete),
            "virtualAccountIssue" => Some(Operation::VirtualAccountIssue),
            "keyIn" => Some(Operation::KeyIn),
            "tradeRegistration" => Some(Operation::TradeRegistration),
            _ => None,
        }
    }

    /// Whether the operation moves money (and so must never be re-sent blindly): then a request
    /// that got no answer has an unknown outcome (`OUTCOME_UNKNOWN` in JavaScript).
    ///
    /// Every cancel, refund and modification, an approval, a billing-key charge and a key-in
    /// payment move money. So does a virtual-account issuance: it creates an account the buyer
    /// pays into, and a second issuance for the same order could be paid twice. An inquiry, a
    /// billing-key issuance (the window's `enc_data` is single-use), a billing-key deletion
    /// (deleting twice is at worst refused) and a trade registration (a second one only makes a
    /// second, unused approval key) do not: with no answer they may be sent again. kcp-wasm
    /// itself never re-sends any request but an inquiry's caller-driven retry.
    pub fn moves_money(self) -> bool {
        !matches!(
            self,
            Operation::Inquiry
                | Operation::BillingKeyIssue
                | Operation::BillingKeyDelete
                | Operation::TradeRegistration
        )
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

/// A signed request, ready to send: every fact an HTTP layer needs, so that it decides nothing.
///
/// ```
/// # use kcp_wasm::*;
/// # let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
/// # let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
/// # let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
/// let request = merchant.inquiry(&Inquiry { tno: "21234567890123".into(), pay_type: "PACA".into() })?;
/// assert_eq!(request.url, "https://stg-spl.kcp.co.kr/std/inquery");
/// assert_eq!((request.method, request.moves_money), ("POST", false));
/// assert_eq!(request.operation, Operation::Inquiry);
/// let body: kcp_wasm::json::Value = request.body.parse().unwrap();
/// assert!(body["kcp_sign_data"].as_str().is_some_and(|s| s.len() == 344));
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone)]
pub struct PreparedRequest {
    /// Full URL of the endpoint.
    pub url: String,
    /// The HTTP method ([`HTTP_METHOD`]).
    pub method: &'static str,
    /// The HTTP headers ([`REQUEST_HEADERS`]).
    pub headers: &'static [(&'static str, &'static str)],
    /// The JSON body (amounts as JSON strings, as KCP's samples send them).
    pub body: String,
    /// The operation.
    pub operation: Operation,
    /// Whether the request moves money: then it is never re-sent blindly, and a request that got
    /// no answer has an unknown outcome.
    pub moves_money: bool,
    /// The plaintext that `kcp_sign_data` signs (not secret); empty for the requests KCP wants
    /// unsigned (approval, hub, trade registration).
    pub plaintext: String,
    /// What the reply must agree with; hand it to the response parser.
    pub expect: Expect,
    /// The merchant's order number (`ordr_idxx`) the request is about, when it is known: sent
    /// by hub requests and trade registration, given by the caller of an approval. A payment
    /// reply without `order_no` reports this one; one with another is warned about.
    pub order_id: Option<String>,
}

impl PreparedRequest {
    /// Reads KCP's reply to this request with its endpoint's parser: [`Reply::Modify`] for a
    /// modification, [`Reply::Inquiry`] for an inquiry, [`Reply::Payment`] for an approval, a
    /// billing-key charge or a key-in payment, and the others' own variants.
    pub fn parse_reply(&self, text: &str) -> Result<Reply> {
        match self.operation {
            Operation::Inquiry => parse_inquiry_response(text, &self.expect).map(Reply::Inquiry),
            Operation::Cancel | Operation::Refund | Operation::Modify => {
                parse_modify_response(text, &self.expect).map(Reply::Modify)
            }
            Operation::Approval | Operation::BillingCharge | Operation::KeyIn => {
                let mut result = parse_payment_response(text, &self.expect)?;
                approval::check_order(
                    &mut result.order_no,
                    &mut result.warnings,
                    self.order_id.as_deref(),
                );
                Ok(Reply::Payment(result))
            }
            Operation::BillingKeyIssue => {
                parse_billing_key_response(text, &self.expect).map(Reply::BillingKey)
            }
            Operation::BillingKeyDelete => {
                parse_billing_key_delete_response(text, &self.expect).map(Reply::BillingKeyDelete)
            }
            Operation::VirtualAccountIssue => {
                let mut result = parse_virtual_account_response(text, &self.expect)?;
                approval::check_order(
                    &mut result.order_no,
                    &mut result.warnings,
                    self.order_id.as_deref(),
                );
                Ok(Reply::VirtualAccount(result))
            }
            Operation::TradeRegistration => {
                parse_trade_registration_response(text, &self.expect).map(Reply::TradeRegistration)
            }
        }
    }
}

/// KCP's reply to a [`PreparedRequest`], read by its endpoint's parser.
// One reply per request, read once and matched at once: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The reply to a cancel, refund or other modification.
    Modify(ModifyResult),
    /// The reply to an inquiry.
    Inquiry(InquiryResult),
    /// The reply to an approval, a billing-key charge or a key-in payment.
    Payment(PaymentResult),
    /// The reply to a billing-key issuance.
    BillingKey(BillingKeyResult),
    /// The reply to a billing-key deletion.
    BillingKeyDelete(BillingKeyDeleteResult),
    /// The reply to a virtual-account issuance.
    VirtualAccount(VirtualAccountResult),
    /// The reply to a trade registration.
    TradeRegistration(TradeRegistrationResult),
}

impl std::fmt::Debug for PreparedRequest {
    /// Everything but the body: it holds `kcp_sign_data`, which must not reach logs (it can be
    /// replayed for the same plaintext).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("operation", &self.operation)
            .field("moves_money", &self.moves_money)
            .field("plaintext", &self.plaintext)
            .field(
                "body",
                &format_args!("<{} bytes, not shown>", self.body.len()),
            )
            .field("expect", &self.expect)
            .field("order_id", &self.order_id)
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
/// let body: kcp_wasm::json::Value = request.body.parse().unwrap();
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
        check_site_cd(site_cd)?;
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

    /// The one place a merchant's configuration is checked: `site_cd`, the environment, the
    /// certificate (PEM), then the private key (PEM or a bare base64 DER body) and its password,
    /// cheap checks first (the key is decrypted last). Errors name the configuration field:
    /// `site_cd` (`CONFIG_INVALID`), `environment` / `baseUrl`, the certificate's and key's own
    /// codes, and `password` (`CONFIG_INVALID`) for an encrypted key given no or an empty
    /// password — most often an unset environment variable — rather than "wrong password".
    ///
    /// ```
    /// use kcp_wasm::{Environment, Merchant};
    /// let cert = include_str!("../../tests/fixtures/kcp/splCert.pem");
    /// let key = include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem");
    /// let m = Merchant::from_pem("T0000", cert, key, Some("changeit"), Environment::Staging)?;
    /// assert_eq!(m.site_cd(), "T0000");
    /// let bad = Merchant::from_pem("T00", cert, key, Some("changeit"), Environment::Staging).unwrap_err();
    /// assert_eq!((bad.code(), bad.field()), ("CONFIG_INVALID", Some("site_cd")));
    /// let unset = Merchant::from_pem("T0000", cert, key, None, Environment::Staging).unwrap_err();
    /// assert_eq!((unset.code(), unset.field()), ("CONFIG_INVALID", Some("password")));
    /// # Ok::<(), kcp_wasm::Error>(())
    /// ```
    pub fn from_pem(
        site_cd: &str,
        certificate_pem: &str,
        private_key_pem: &str,
        password: Option<&str>,
        environment: Environment,
    ) -> Result<Self> {
        check_site_cd(site_cd)?;
        environment.base_url()?;
        let certificate = Certificate::from_pem(certificate_pem)?;
        let key = read_key(private_key_pem, password)?;
        Self::new(site_cd, certificate, key, environment)
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

    /// Signs `plaintext` and builds the request every endpoint sends: `site_cd`, `tno`,
    /// `kcp_cert_info`, `kcp_sign_data`, then the endpoint's own (already validated) fields.
    fn prepare(
        &self,
        path: &str,
        plaintext: String,
        tno: &str,
        fields: Vec<(String, String)>,
        moves_money: bool,
        expect: Expect,
    ) -> Result<PreparedRequest> {
        let mut body = Object::new();
        body.insert("site_cd", self.site_cd.as_str());
        body.insert("tno", tno);
        body.insert("kcp_cert_info", self.cert_info.as_str());
        body.insert("kcp_sign_data", self.key.sign(&plaintext)?);
        for (name, value) in fields {
            body.insert(name, value);
        }
        Ok(PreparedRequest {
            url: format!("{}{path}", self.base_url),
            method: HTTP_METHOD,
            headers: REQUEST_HEADERS,
            body: body.to_string(),
            operation: expect.operation,
            moves_money,
            plaintext,
            expect,
            order_id: None,
        })
    }

    /// Builds a request KCP wants unsigned (approval, hub, trade registration): `site_cd`,
    /// `kcp_cert_info`, then the endpoint's own (already validated) fields. No `tno`, no
    /// `kcp_sign_data`; the plaintext is empty.
    pub(crate) fn prepare_unsigned(
        &self,
        path: &str,
        fields: Vec<(&'static str, String)>,
        expect: Expect,
        order_id: Option<String>,
    ) -> PreparedRequest {
        let mut body = Object::new();
        body.insert("site_cd", self.site_cd.as_str());
        body.insert("kcp_cert_info", self.cert_info.as_str());
        for (name, value) in fields {
            body.insert(name, value);
        }
        PreparedRequest {
            url: format!("{}{path}", self.base_url),
            method: HTTP_METHOD,
            headers: REQUEST_HEADERS,
            body: body.to_string(),
            operation: expect.operation,
            moves_money: expect.operation.moves_money(),
            plaintext: String::new(),
            expect,
            order_id,
        }
    }

    /// The cancel that follows an approval the merchant could not record: a full cancel
    /// (`STSC`) of `tno` with [`AUTO_CANCEL_REASON`], as KCP's samples send it. Send it once;
    /// if it gets no answer or is refused, inquire about `tno` before anything else.
    ///
    /// ```
    /// # use kcp_wasm::*;
    /// # let cert = Certificate::from_pem(include_str!("../../tests/fixtures/kcp/splCert.pem"))?;
    /// # let key = MerchantKey::from_pem(include_str!("../../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
    /// # let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
    /// let cancel = merchant.auto_cancel("21234567890123")?;
    /// assert_eq!(cancel.plaintext, "T0000^21234567890123^STSC");
    /// assert!(cancel.body.contains(AUTO_CANCEL_REASON));
    /// # Ok::<(), kcp_wasm::Error>(())
    /// ```
    pub fn auto_cancel(&self, tno: &str) -> Result<PreparedRequest> {
        self.cancel(&Cancel {
            tno: tno.to_string(),
            reason: Some(AUTO_CANCEL_REASON.to_string()),
        })
    }
}

/// `site_cd` as a configuration value: `CONFIG_INVALID` on `site_cd`.
fn check_site_cd(site_cd: &str) -> Result<()> {
    validate_site_cd(site_cd).map_err(|_| {
        Error::config_invalid("site_cd", "must be 5 ASCII letters or digits (e.g. T0000)")
    })
}

/// Decrypts a key. An encrypted key with no password (e.g. an unset environment variable) or an
/// empty one is `CONFIG_INVALID` on `password`, not "the password is wrong".
pub(crate) fn read_key(pem: &str, password: Option<&str>) -> Result<MerchantKey> {
    match MerchantKey::from_pem(pem, password.unwrap_or("")) {
        Err(Error::KeyPasswordIncorrect) if password.is_none_or(str::is_empty) => {
            Err(Error::config_invalid(
                "password",
                if password.is_none() {
                    "the private key is encrypted and no password was given (it is undefined: \
                     is the environment variable that should hold it set?)"
                } else {
                    "the private key is encrypted and the password given is empty (is the \
                     environment variable that should hold it set?)"
                },
            ))
        }
        other => other,
    }
}
