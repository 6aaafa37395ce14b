//! The approval endpoint (`/gw/enc/v1/payment`): it turns what KCP's payment window handed the
//! merchant (`tran_cd`, `enc_data`, `enc_info`) into a payment, and, with a billing-key window,
//! issues a billing key (`batch_key`). No `kcp_sign_data`: only `kcp_cert_info`. Sources and
//! grades: `kcp-api/beyond-cancel.md` §1 (approval, A) and §2.2 (billing-key issuance, B).

/// Path of the approval endpoint (also billing-key issuance).
pub const APPROVAL_PATH: &str = "/gw/enc/v1/payment";

/// The `mod_desc` KCP's samples send when they cancel a payment whose approval succeeded but
/// whose recording in the merchant's database failed (§1.5).
pub const AUTO_CANCEL_REASON: &str = "가맹점 DB 처리 실패(자동취소)";

/// `tran_cd` observed for an ordinary payment (§1.2, grade C). Never sent from here: the window's
/// value is passed through unchanged; the emulator's window hands it out.
pub const TRAN_CD_PAYMENT: &str = "00100000";
/// `tran_cd` observed for billing-key issuance (§1.2, captured payload, grade C).
pub const TRAN_CD_BILLING_KEY: &str = "00300001";

/// A payment method of the window: its 12-digit `use_pay_method`, its name in this library, and
/// the inquiry/cancel `pay_type` of the transaction it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayMethod {
    /// `use_pay_method`, e.g. `100000000000`.
    pub use_pay_method: &'static str,
    /// This library's name: `card`, `bank`, `virtualAccount`, `points`, `mobile`, `gift`.
    pub name: &'static str,
    /// The `pay_type` of the transaction (`PACA` …).
    pub pay_type: &'static str,
}

/// The window's payment methods (§1.2a, KCP's sample, grade A).
pub const PAY_METHODS: &[PayMethod] = &[
    PayMethod {
        use_pay_method: "100000000000",
        name: "card",
        pay_type: "PACA",
    },
    PayMethod {
        use_pay_method: "010000000000",
        name: "bank",
        pay_type: "PABK",
    },
    PayMethod {
        use_pay_method: "001000000000",
        name: "virtualAccount",
        pay_type: "PAVC",
    },
    PayMethod {
        use_pay_method: "000100000000",
        name: "points",
        pay_type: "PAPT",
    },
    PayMethod {
        use_pay_method: "000010000000",
        name: "mobile",
        pay_type: "PAMC",
    },
    PayMethod {
        use_pay_method: "000000001000",
        name: "gift",
        pay_type: "PATK",
    },
];
