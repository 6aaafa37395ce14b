//! KCP's common notification (공통 통보): a form POST from KCP to the merchant's registered URL,
//! with no signature, whose reply must carry `result` = `0000` or KCP notifies again. Sources and
//! grades: `kcp-api/beyond-cancel.md` §4 (fields and `tx_cd`s: KCP's samples and manual, A;
//! charset: B).

/// A `tx_cd` of a notification and what it notifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxCode {
    /// `TX00` …
    pub code: &'static str,
    /// This library's name for it.
    pub name: &'static str,
    /// KCP's label.
    pub label: &'static str,
}

/// Every `tx_cd` (§4.2).
pub const TX_CODES: &[TxCode] = &[
    TxCode {
        code: "TX00",
        name: "virtualAccountDeposit",
        label: "가상계좌 입금 통보",
    },
    TxCode {
        code: "TX01",
        name: "virtualAccountRefund",
        label: "가상계좌 환불 통보",
    },
    TxCode {
        code: "TX02",
        name: "escrowPurchaseDecision",
        label: "구매확인/구매취소 통보",
    },
    TxCode {
        code: "TX03",
        name: "escrowDeliveryStarted",
        label: "배송시작 통보",
    },
    TxCode {
        code: "TX04",
        name: "settlementHold",
        label: "정산보류 통보",
    },
    TxCode {
        code: "TX05",
        name: "immediateCancel",
        label: "즉시취소 통보",
    },
    TxCode {
        code: "TX06",
        name: "cancel",
        label: "취소 통보",
    },
    TxCode {
        code: "TX07",
        name: "virtualAccountClosed",
        label: "발급계좌해지 통보",
    },
    TxCode {
        code: "TX08",
        name: "mobileTransfer",
        label: "모바일계좌이체 통보",
    },
];

/// The `result` that tells KCP a notification was processed; any other value makes KCP notify
/// again (§4.3, A).
pub const NOTIFICATION_ACK_RESULT: &str = "0000";
/// `op_cd` of a TX00 that cancels a deposit (bank-network cancel); every other `op_cd` is a
/// deposit (§4.2, A).
pub const OP_CD_DEPOSIT_CANCELLED: &str = "13";
/// The addresses KCP's test notifier posts from (§4.1, A).
pub const NOTIFIER_IPS_STAGING: &[&str] = &["210.122.176.144"];
/// The addresses KCP's production notifier posts from (§4.1, A).
pub const NOTIFIER_IPS_PRODUCTION: &[&str] = &["103.215.144.173", "103.215.144.174"];
