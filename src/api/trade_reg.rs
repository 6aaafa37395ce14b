//! Trade registration (`/std/tradeReg/register`), which a mobile payment window needs first: it
//! returns the `approvalKey` and the `PayUrl` the browser posts to. No `kcp_sign_data`; the reply
//! is CamelCase (`Code`, `Message`, `approvalKey`, `PayUrl`, `traceNo`). Source and grade:
//! `kcp-api/beyond-cancel.md` §1.6 (KCP's samples, A; `AUTH` from a captured payload, B).

/// Path of the trade-registration endpoint.
pub const TRADE_REGISTER_PATH: &str = "/std/tradeReg/register";
/// The mobile window's `pay_method`s (`AUTH`: billing-key issuance).
pub const TRADE_PAY_METHODS: &[&str] = &["CARD", "BANK", "VCNT", "MOBX", "TPNT", "GIFT", "AUTH"];
