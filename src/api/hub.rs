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
