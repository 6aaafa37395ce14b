//! # kcp-wasm
//!
//! Sign and build NHN KCP payment requests — cancel, partial refund, other modifications and
//! transaction inquiry — in pure Rust, for native Rust servers and, through WebAssembly, for
//! every JavaScript runtime (Node, Deno, Bun, Cloudflare Workers, edge functions, browsers).
//!
//! KCP authenticates each request with two fields:
//! * `kcp_cert_info`: the merchant's certificate as PEM on one line ([`Certificate`]);
//! * `kcp_sign_data`: a SHA256withRSA (PKCS#1 v1.5) signature, base64, of a plaintext such as
//!   `site_cd^tno^mod_type` ([`cancel_plaintext`]), made with the merchant's private key
//!   ([`MerchantKey`]) — which KCP ships encrypted with PKCS#12 PBE (SHA-1, Triple DES), a format
//!   WebCrypto cannot import and RustCrypto's `pkcs8` does not read. kcp-wasm reads it.
//!
//! ```
//! use kcp_wasm::{Certificate, Environment, Merchant, MerchantKey, Refund};
//!
//! let key = MerchantKey::from_pem(include_str!("../tests/fixtures/kcp/splPrikeyPKCS8.pem"), "changeit")?;
//! let cert = Certificate::from_pem(include_str!("../tests/fixtures/kcp/splCert.pem"))?;
//! let merchant = Merchant::new("T0000", cert, key, Environment::Staging)?;
//! let request = merchant.refund(&Refund {
//!     tno: "21234567890123".into(),
//!     amount: 1_000,
//!     remaining: 10_000,
//!     reason: Some("고객 요청".into()),
//!     tax: None,
//! })?;
//! // POST request.body to request.url as application/json with any HTTP client, then:
//! let reply = r#"{"res_cd":"0000","res_msg":"정상처리","tno":"21234567890123","mod_mny":"1000","rem_mny":"9000"}"#;
//! let result = kcp_wasm::parse_modify_response(reply, &request.expect)?;
//! assert_eq!(result.rem_mny, Some(9_000));
//! # Ok::<(), kcp_wasm::Error>(())
//! ```
//!
//! Errors are one type, [`Error`], whose [`Error::code`] is stable. No error, `Debug` output or
//! log line of this crate contains a password, key material or a signature.

// The npm package's .wasm is built for size (`opt-level = "z"`, scripts/build.sh) on nightly, which
// sets `kcp_optimize_speed`: the few functions a signature or a key load spends its time in are
// then compiled for speed (`#[cfg_attr(kcp_optimize_speed, optimize(speed))]` on each). Other
// builds ignore the attribute and use the profile's own level.
#![cfg_attr(kcp_optimize_speed, feature(optimize_attribute))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod asn1;
mod cert;
mod ct;
mod error;
pub mod json;
mod key;
mod pem;
mod public_key;
// The private-key operation is the crate's own business; tests, benchmarks and the valgrind
// harness reach it through the `internals` feature, which no user should enable.
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod rsa_fast;
#[cfg(not(feature = "internals"))]
mod rsa_fast;
#[cfg(test)]
mod test_rng;
mod x509;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use api::{
    APPROVAL_PATH, AUTO_CANCEL_REASON, CARD_TX_TYPE_BILLING, CARD_TX_TYPE_KEY_IN, CURRENCY_KRW,
    HUB_PATH, NOTIFICATION_ACK_RESULT, NOTIFIER_IPS_PRODUCTION, NOTIFIER_IPS_STAGING,
    OP_CD_DEPOSIT_CANCELLED, PAY_METHODS, PayMethod, TRADE_PAY_METHODS, TRADE_REGISTER_PATH,
    TRAN_CD_BILLING_KEY, TRAN_CD_PAYMENT, TX_CODES, TX_TYPE_BILLING_KEY_DELETE, TxCode,
    VA_SUCCESS_CODES, VA_TX_TYPE,
};
pub use api::{
    Approval, BankDetails, BillingCharge, BillingKeyDelete, BillingKeyDeleteResult,
    BillingKeyIssue, BillingKeyResult, Buyer, CardDetails, CashReceiptDetails, CashReceiptPurpose,
    GiftDetails, KeyIn, MobileDetails, PaymentResult, PointsDetails, TradeRegistration,
    TradeRegistrationResult, VaCashReceipt, VirtualAccountDetails, VirtualAccountIssue,
    VirtualAccountResult, parse_billing_key_delete_response, parse_billing_key_response,
    parse_payment_response, parse_trade_registration_response, parse_virtual_account_response,
};
pub use api::{
    Cancel, Environment, Expect, HTTP_METHOD, INQUIRY_PATH, Inquiry, InquiryResult, MAX_AMOUNT,
    MAX_REASON_BYTES, MOD_TYPES, MODIFY_PATH, Merchant, ModType, Modify, ModifyResult, Operation,
    PAY_TYPES, PRODUCTION_URL, PayType, PreparedRequest, REQUEST_HEADERS, RESULT_CODES, Refund,
    RefundAccount, Reply, ResultCode, ResultWarning, STAGING_URL, TNO_MAX_DIGITS, TaxSplit,
    cancel_plaintext, inquiry_plaintext, parse_inquiry_response, parse_modify_response,
    result_code, validate_mod_type, validate_pay_type, validate_site_cd, validate_tno,
};
pub use api::{
    Charset, Deposit, MAX_NOTIFICATION_BYTES, NOTIFICATION_REFUSAL_RESULT, Notification,
    NotificationDetail, encode_notification, escrow_decision, is_notifier_ip,
    notification_acknowledged, notification_reply, notifier_ips, parse_form, parse_notification,
};
pub use api::{PAY_METHOD_BILLING_KEY, PAY_METHOD_CARD, PAY_METHOD_VIRTUAL_ACCOUNT};
pub use cert::Certificate;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub use ct::testing as ct_testing;
pub use error::{Error, Result};
pub use key::{
    KeyFormat, MAX_KDF_ITERATIONS, MAX_KEY_DER_LEN, MAX_MODULUS_BITS, MAX_SCRYPT_MEMORY,
    MIN_MODULUS_BITS, MerchantKey,
};
pub use public_key::PublicKey;
