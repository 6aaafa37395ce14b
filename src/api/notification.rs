//! KCP's common notification (공통 통보): a form POST from KCP to the merchant's registered URL,
//! with no signature, whose reply must carry `result` = `0000` or KCP notifies again. Sources and
//! grades: `kcp-api/beyond-cancel.md` §4 (fields and `tx_cd`s: KCP's samples and manual, A;
//! charset: B).

use super::Environment;
use super::euc_kr;
use super::reply::amount_digits;
use crate::error::{Error, Result};
use crate::json::{Object, Value};

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
/// The `result` this library answers when the merchant could not process a notification, so that
/// KCP notifies again (any value but `0000` does, §4.3).
pub const NOTIFICATION_REFUSAL_RESULT: &str = "9999";
/// The largest notification body read, in bytes. KCP's notifications are a few hundred bytes.
pub const MAX_NOTIFICATION_BYTES: usize = 64 * 1024;

/// How the bytes of a notification's fields are read (KCP's partner admin has an encoding
/// setting; EUC-KR is likely its default, §4.1).
///
/// ```
/// use kcp_wasm::Charset;
/// assert_eq!(Charset::from_name("EUC-KR")?, Charset::EucKr);
/// assert_eq!(Charset::from_name("utf-8")?, Charset::Utf8);
/// assert_eq!(Charset::from_name("latin1").unwrap_err().code(), "CONFIG_INVALID");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8, strictly: a body that is not valid UTF-8 is `NOTIFICATION_MALFORMED`.
    Utf8,
    /// WHATWG EUC-KR (Windows-949): what it cannot read becomes U+FFFD.
    EucKr,
    /// Decided for the whole body: UTF-8 when every field is valid UTF-8 and holds a character of
    /// 3 or 4 bytes (Hangul is 3) or no character beyond ASCII; else EUC-KR. EUC-KR Hangul can be
    /// valid UTF-8 (`홍` is `C8 AB`, UTF-8 for `ȫ`) but then only as 2-byte characters, which
    /// this reads as EUC-KR; the price is that a UTF-8 body whose only non-ASCII characters are
    /// 2-byte ones (`é`, `·`, Greek, Cyrillic) is misread. Set the charset KCP is configured with
    /// when known.
    #[default]
    Auto,
}

impl Charset {
    /// `utf-8` / `utf8`, `euc-kr` / `euckr` / `cp949` / `uhc` / `ks_c_5601-1987`, `auto` (ASCII
    /// case ignored).
    pub fn from_name(name: &str) -> Result<Self> {
        const NAMES: &[(&str, Charset)] = &[
            ("utf-8", Charset::Utf8),
            ("utf8", Charset::Utf8),
            ("euc-kr", Charset::EucKr),
            ("euckr", Charset::EucKr),
            ("cp949", Charset::EucKr),
            ("uhc", Charset::EucKr),
            ("ks_c_5601-1987", Charset::EucKr),
            ("auto", Charset::Auto),
        ];
        NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|&(_, charset)| charset)
            .ok_or_else(|| Error::config_invalid("charset", "must be 'utf-8', 'euc-kr' or 'auto'"))
    }

    /// `utf-8`, `euc-kr` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self {
            Charset::Utf8 => "utf-8",
            Charset::EucKr => "euc-kr",
            Charset::Auto => "auto",
        }
    }
}

/// A `TX00` virtual-account deposit (or, with `op_cd` `13`, the cancel of one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deposit {
    /// `ipgm_name`: the orderer's name.
    pub ipgm_name: Option<String>,
    /// `ipgm_mnyx`: the amount actually deposited. KCP settles what was deposited, even when it
    /// differs from the order's amount (§4.2).
    pub ipgm_mnyx: Option<u64>,
    /// `totl_mnyx`: the total deposited into the account (differs for fixed accounts).
    pub totl_mnyx: Option<u64>,
    /// `ipgm_time`: when (yyyyMMddHHmmss), verbatim.
    pub ipgm_time: Option<String>,
    /// `bank_code`
    pub bank_code: Option<String>,
    /// `account`: the virtual account number.
    pub account: Option<String>,
    /// `noti_id`: unique per notification.
    pub noti_id: Option<String>,
    /// `op_cd`: `13` cancels a deposit; every other value is a deposit.
    pub op_cd: Option<String>,
    /// `op_cd` is `13`: the deposit was cancelled (bank-network cancel).
    pub cancelled: bool,
    /// `remitter`: who actually paid (may differ from the orderer).
    pub remitter: Option<String>,
    /// `cash_a_no`: cash-receipt approval number.
    pub cash_a_no: Option<String>,
    /// `cash_a_dt`: cash-receipt approval time.
    pub cash_a_dt: Option<String>,
    /// `cash_no`: cash-receipt transaction number.
    pub cash_no: Option<String>,
}

/// What a notification says besides the common fields, by `tx_cd`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationDetail {
    /// `TX00` (boxed: the largest by far)
    Deposit(Box<Deposit>),
    /// `TX01`: a virtual-account refund.
    Refund {
        /// `refund_nm`: the refund account holder.
        refund_nm: Option<String>,
        /// `refund_mny`
        refund_mny: Option<u64>,
        /// `bank_code`
        bank_code: Option<String>,
    },
    /// `TX02`: escrow purchase confirmed or cancelled.
    Escrow {
        /// `st_cd`: `Y` confirmed, `N` cancelled, `S` confirmed by the system; verbatim.
        st_cd: Option<String>,
        /// `can_msg`: the buyer's reason, with `N`.
        can_msg: Option<String>,
    },
    /// `TX03`: escrow delivery started.
    Delivery {
        /// `waybill_no`
        waybill_no: Option<String>,
        /// `waybill_corp`
        waybill_corp: Option<String>,
    },
    /// `TX08`: mobile bank transfer.
    MobileTransfer {
        /// `ipgm_mnyx`
        ipgm_mnyx: Option<u64>,
        /// `bank_code`
        bank_code: Option<String>,
    },
    /// The other `tx_cd`s (TX04–TX07), and those this library does not know: common fields only.
    None,
}

/// What a `TX02`'s `st_cd` says, in this library's words: `confirmed` (`Y`), `cancelled` (`N`),
/// `autoConfirmed` (`S`: confirmed by the system, per a third party), else `unknown`.
///
/// ```
/// assert_eq!(kcp_wasm::escrow_decision(Some("N")), "cancelled");
/// assert_eq!(kcp_wasm::escrow_decision(None), "unknown");
/// ```
pub fn escrow_decision(st_cd: Option<&str>) -> &'static str {
    match st_cd.map(str::trim) {
        Some("Y") => "confirmed",
        Some("N") => "cancelled",
        Some("S") => "autoConfirmed",
        _ => "unknown",
    }
}

/// A notification from KCP, read. Unauthenticated: check the sender's IP
/// ([`is_notifier_ip`]), then inquire about the `tno` before acting on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// This library's name for the `tx_cd` ([`TX_CODES`]), or `unknown`.
    pub kind: &'static str,
    /// `tx_cd`, verbatim.
    pub tx_cd: Option<String>,
    /// `site_cd`: check that it is yours.
    pub site_cd: Option<String>,
    /// `tno`: 1 to 14 digits.
    pub tno: String,
    /// `order_no` (or `ordr_idxx`).
    pub order_no: Option<String>,
    /// `tx_tm`: when the event happened, verbatim.
    pub tx_tm: Option<String>,
    /// The same for every delivery of the same event: `tno:noti_id:op_cd` for TX00 (§4.3),
    /// `tno:tx_cd:tx_tm` otherwise.
    pub dedup_key: String,
    /// What the `tx_cd` adds.
    pub detail: NotificationDetail,
    /// Every field, decoded, verbatim (each a JSON string, as in the other results' `raw`).
    pub raw: Object,
}

fn malformed(field: Option<&'static str>, reason: &'static str) -> Error {
    Error::NotificationMalformed { field, reason }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `application/x-www-form-urlencoded` bytes of one name or value: `+` is a space, `%XX` a byte.
fn percent_decode(part: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = part
                    .get(i + 1)
                    .and_then(|&h| hex(h))
                    .zip(part.get(i + 2).and_then(|&l| hex(l)))
                    .map(|(h, l)| h << 4 | l)
                    .ok_or_else(|| {
                        malformed(None, "a '%' is not followed by two hexadecimal digits")
                    })?;
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Ok(out)
}

/// Splits and percent-decodes a form body into byte pairs. Empty segments and empty names are
/// skipped; a segment without `=` is a name with an empty value.
fn form_pairs(body: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut pairs = Vec::new();
    for segment in body.split(|&b| b == b'&') {
        if segment.is_empty() {
            continue;
        }
        let (name, value) = match segment.iter().position(|&b| b == b'=') {
            Some(at) => (&segment[..at], &segment[at + 1..]),
            None => (segment, &[][..]),
        };
        let name = percent_decode(name)?;
        if name.is_empty() {
            continue;
        }
        pairs.push((name, percent_decode(value)?));
    }
    Ok(pairs)
}

fn decode_text(bytes: Vec<u8>, euc_kr: bool) -> Result<String> {
    if euc_kr {
        Ok(euc_kr::decode(&bytes))
    } else {
        String::from_utf8(bytes).map_err(|_| {
            malformed(
                None,
                "a field is not valid UTF-8 (is KCP set to EUC-KR? use charset 'euc-kr' or 'auto')",
            )
        })
    }
}

/// Reads an `application/x-www-form-urlencoded` body into its fields (names and values decoded
/// with `charset`). The same name twice with the same value counts once; with different values it
/// is `NOTIFICATION_MALFORMED` (KCP never repeats a field, and frameworks disagree on which of
/// two values wins).
pub fn parse_form(body: &[u8], charset: Charset) -> Result<Object> {
    if body.len() > MAX_NOTIFICATION_BYTES {
        return Err(malformed(None, "the body is larger than 64 KiB"));
    }
    let pairs = form_pairs(body)?;
    let euc_kr = match charset {
        Charset::Utf8 => false,
        Charset::EucKr => true,
        Charset::Auto => {
            let utf8 = pairs
                .iter()
                .all(|(n, v)| std::str::from_utf8(n).is_ok() && std::str::from_utf8(v).is_ok());
            // Hangul in UTF-8 is 3 bytes a syllable (lead 0xEA..=0xED). EUC-KR Hangul that happens
            // to be valid UTF-8 reads as 2-byte sequences only (leads 0xC2..=0xC8): a body whose
            // every non-ASCII character is a 2-byte sequence is read as EUC-KR.
            let bytes = || pairs.iter().flat_map(|(n, v)| n.iter().chain(v));
            let two_byte_only = bytes().any(|&b| b >= 0x80) && !bytes().any(|&b| b >= 0xE0);
            !utf8 || two_byte_only
        }
    };
    // The fields up to the first that cannot be decoded; a repetition among them is the first
    // fault, else that field's. (Sorted, not looked up one by one: 64 KiB of distinct names must
    // not cost O(n²) comparisons.)
    let mut fields = Vec::with_capacity(pairs.len());
    let mut undecodable = Ok(());
    for (name, value) in pairs {
        match decode_text(name, euc_kr).and_then(|n| Ok((n, decode_text(value, euc_kr)?))) {
            Ok((name, value)) => fields.push((name, Value::String(value))),
            Err(e) => {
                undecodable = Err(e);
                break;
            }
        }
    }
    let fields = Object::from_entries_unless(fields, |a, b| a != b)
        .ok_or_else(|| malformed(None, "a field is repeated with different values"))?;
    undecodable.map(|()| fields)
}

/// A notification amount: digits (KCP pads to 12), surrounding spaces ignored; empty is `None`.
fn amount(fields: &Object, name: &'static str) -> Result<Option<u64>> {
    match fields.get(name).and_then(Value::as_str) {
        None => Ok(None),
        Some(text) => amount_digits(text)
            .ok_or_else(|| malformed(Some(name), "an amount is not a whole number of won")),
    }
}

/// Reads KCP's notification body: a form (`application/x-www-form-urlencoded`, at most
/// [`MAX_NOTIFICATION_BYTES`]) whose fields are typed by `tx_cd`. `tno` is required (1 to 14
/// digits); an unknown `tx_cd` is read as kind `unknown` with its common fields. Every field is
/// kept in `raw`. Errors are `NOTIFICATION_MALFORMED` and never quote the body.
///
/// ```
/// use kcp_wasm::{Charset, NotificationDetail, parse_notification};
/// let body = b"site_cd=T0000&tno=21234567890123&order_no=A1&tx_cd=TX00&tx_tm=20261130120000\
///     &ipgm_mnyx=000000010000&op_cd=50&noti_id=N1&remitter=%C8%AB%B1%E6%B5%BF";
/// let n = parse_notification(body, Charset::Auto)?;
/// assert_eq!(n.kind, "virtualAccountDeposit");
/// assert_eq!(n.dedup_key, "21234567890123:N1:50");
/// let NotificationDetail::Deposit(deposit) = &n.detail else { panic!() };
/// assert_eq!(deposit.ipgm_mnyx, Some(10_000));
/// assert_eq!(deposit.remitter.as_deref(), Some("홍길동"));
/// assert!(!deposit.cancelled);
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
pub fn parse_notification(body: &[u8], charset: Charset) -> Result<Notification> {
    let raw = parse_form(body, charset)?;
    let text = |name: &str| {
        raw.get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let tno = raw
        .get("tno")
        .and_then(Value::as_str)
        .map(str::trim)
        .ok_or_else(|| malformed(Some("tno"), "the notification has no tno"))?;
    if super::validate_tno(tno).is_err() {
        return Err(malformed(Some("tno"), "tno is not 1 to 14 digits"));
    }
    let tno = tno.to_string();
    let tx_cd = text("tx_cd");
    let kind = tx_cd
        .as_deref()
        .and_then(|code| TX_CODES.iter().find(|t| t.code == code))
        .map_or("unknown", |t| t.name);
    let tx_tm = text("tx_tm");
    let detail = match tx_cd.as_deref() {
        Some("TX00") => {
            let op_cd = text("op_cd");
            NotificationDetail::Deposit(Box::new(Deposit {
                ipgm_name: text("ipgm_name"),
                ipgm_mnyx: amount(&raw, "ipgm_mnyx")?,
                totl_mnyx: amount(&raw, "totl_mnyx")?,
                ipgm_time: text("ipgm_time"),
                bank_code: text("bank_code"),
                account: text("account"),
                noti_id: text("noti_id"),
                cancelled: op_cd.as_deref().map(str::trim) == Some(OP_CD_DEPOSIT_CANCELLED),
                op_cd,
                remitter: text("remitter"),
                cash_a_no: text("cash_a_no"),
                cash_a_dt: text("cash_a_dt"),
                cash_no: text("cash_no"),
            }))
        }
        Some("TX01") => NotificationDetail::Refund {
            refund_nm: text("refund_nm"),
            refund_mny: amount(&raw, "refund_mny")?,
            bank_code: text("bank_code"),
        },
        Some("TX02") => NotificationDetail::Escrow {
            st_cd: text("st_cd"),
            can_msg: text("can_msg"),
        },
        Some("TX03") => NotificationDetail::Delivery {
            waybill_no: text("waybill_no"),
            waybill_corp: text("waybill_corp"),
        },
        Some("TX08") => NotificationDetail::MobileTransfer {
            ipgm_mnyx: amount(&raw, "ipgm_mnyx")?,
            bank_code: text("bank_code"),
        },
        _ => NotificationDetail::None,
    };
    let dedup_key = match &detail {
        NotificationDetail::Deposit(d) => format!(
            "{tno}:{}:{}",
            d.noti_id.as_deref().unwrap_or(""),
            d.op_cd.as_deref().unwrap_or("")
        ),
        _ => format!(
            "{tno}:{}:{}",
            tx_cd.as_deref().unwrap_or(""),
            tx_tm.as_deref().unwrap_or("")
        ),
    };
    Ok(Notification {
        kind,
        site_cd: text("site_cd"),
        order_no: text("order_no").or_else(|| text("ordr_idxx")),
        tx_cd,
        tx_tm,
        tno,
        dedup_key,
        detail,
        raw,
    })
}

/// The HTML body to answer KCP with: `result` `0000` when the notification was processed (KCP
/// stops), [`NOTIFICATION_REFUSAL_RESULT`] when not (KCP notifies again). KCP's sample's form.
///
/// ```
/// assert!(kcp_wasm::notification_reply(true).contains(r#"name="result" value="0000""#));
/// assert!(!kcp_wasm::notification_acknowledged(kcp_wasm::notification_reply(false)));
/// ```
pub fn notification_reply(ok: bool) -> &'static str {
    if ok {
        r#"<html><body><form><input type="hidden" name="result" value="0000"></form></body></html>"#
    } else {
        r#"<html><body><form><input type="hidden" name="result" value="9999"></form></body></html>"#
    }
}

/// Whether a merchant's reply acknowledges a notification: its first element named `result`
/// (any tag, names and attributes in any case and order, value quoted with `"` or `'` or not)
/// has the value `0000`. A bare `0000` body, JSON or `result=0000` is NOT an acknowledgement:
/// KCP's documents show only the form (§4.3), and whether KCP reads anything else is unknown.
pub fn notification_acknowledged(reply: &str) -> bool {
    let bytes = reply.as_bytes();
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + at + 1;
        // An unclosed tag is no tag.
        let Some(end) = bytes[start..].iter().position(|&b| b == b'>') else {
            break;
        };
        let end = start + end;
        let attrs = attributes(&reply[start..end]);
        let name = attrs.iter().find(|(n, _)| n.eq_ignore_ascii_case("name"));
        if name.is_some_and(|(_, v)| v.eq_ignore_ascii_case("result")) {
            return attrs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("value"))
                .is_some_and(|(_, v)| v.trim() == NOTIFICATION_ACK_RESULT);
        }
        i = end;
    }
    false
}

/// The `name=value` attributes of a tag's text (the tag name and bare attributes skipped).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let bytes = tag.as_bytes();
    let mut out = Vec::new();
    // Skip the tag name.
    let mut i = bytes
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=/".contains(&bytes[i]) {
            i += 1;
        }
        let name = &tag[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let from = i + 1;
                    // An unclosed quote ends the attributes.
                    let Some(to) = bytes[from..].iter().position(|&b| b == q) else {
                        break;
                    };
                    i = from + to + 1;
                    &tag[from..from + to]
                }
                _ => {
                    let from = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    &tag[from..i]
                }
            };
            out.push((name, value));
        } else if name.is_empty() {
            i += 1;
        }
    }
    out
}

/// A strict dotted-quad IPv4 address (`a.b.c.d`, each 0–255 without leading zeros), or the same
/// mapped into IPv6 (`::ffff:a.b.c.d`).
fn parse_ipv4(ip: &str) -> Option<[u8; 4]> {
    let v4 = match ip.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("::ffff:") => &ip[7..],
        _ => ip,
    };
    let mut out = [0u8; 4];
    let mut parts = v4.split('.');
    for slot in &mut out {
        let part = parts.next()?;
        if part.is_empty()
            || part.len() > 3
            || !part.bytes().all(|b| b.is_ascii_digit())
            || (part.len() > 1 && part.starts_with('0'))
        {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// The notifier addresses of an environment: staging's or production's; a custom base URL (an
/// emulator, a proxy) accepts both lists.
pub fn notifier_ips(environment: &Environment) -> Vec<&'static str> {
    match environment {
        Environment::Staging => NOTIFIER_IPS_STAGING.to_vec(),
        Environment::Production => NOTIFIER_IPS_PRODUCTION.to_vec(),
        Environment::Custom(_) => [NOTIFIER_IPS_STAGING, NOTIFIER_IPS_PRODUCTION].concat(),
    }
}

/// Whether `ip` is one of KCP's notifier addresses for `environment` ([`notifier_ips`]). Strict:
/// `a.b.c.d` or `::ffff:a.b.c.d`, nothing around it (no spaces, ports or leading zeros). Pass the
/// address the platform vouches for, never a client-controlled header such as `X-Forwarded-For`.
///
/// ```
/// use kcp_wasm::{Environment, is_notifier_ip};
/// assert!(is_notifier_ip("103.215.144.173", &Environment::Production));
/// assert!(is_notifier_ip("::ffff:103.215.144.174", &Environment::Production));
/// assert!(!is_notifier_ip("103.215.144.173", &Environment::Staging));
/// assert!(!is_notifier_ip("0103.215.144.173", &Environment::Production));
/// ```
pub fn is_notifier_ip(ip: &str, environment: &Environment) -> bool {
    let Some(ip) = parse_ipv4(ip) else {
        return false;
    };
    notifier_ips(environment)
        .iter()
        .any(|known| parse_ipv4(known) == Some(ip))
}

/// Form-encodes fields (names and values in `charset`; `auto` is UTF-8), for tests and the
/// emulator: letters, digits and `*-._` as they are, a space as `+`, every other byte `%XX`.
/// `FIELD_INVALID` when a value holds a character EUC-KR cannot encode.
///
/// ```
/// use kcp_wasm::{Charset, encode_notification, parse_notification};
/// let fields = [("tno".to_string(), "1".to_string()), ("remitter".into(), "홍 길동".into())];
/// let body = encode_notification(&fields, Charset::EucKr)?;
/// assert_eq!(body, b"tno=1&remitter=%C8%AB+%B1%E6%B5%BF");
/// assert_eq!(parse_notification(&body, Charset::EucKr)?.raw["remitter"], "홍 길동");
/// # Ok::<(), kcp_wasm::Error>(())
/// ```
pub fn encode_notification(fields: &[(String, String)], charset: Charset) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        encode_part(&mut out, name, charset)?;
        out.push(b'=');
        encode_part(&mut out, value, charset)?;
    }
    Ok(out)
}

fn encode_part(out: &mut Vec<u8>, text: &str, charset: Charset) -> Result<()> {
    let mut push = |b: u8| match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(b),
        b' ' => out.push(b'+'),
        _ => {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    };
    for c in text.chars() {
        if c.is_ascii() || charset != Charset::EucKr {
            let mut buf = [0u8; 4];
            c.encode_utf8(&mut buf).bytes().for_each(&mut push);
        } else {
            let pair = euc_kr::encode_char(c).ok_or_else(|| {
                Error::field_invalid("fields", "a value holds a character EUC-KR cannot encode")
            })?;
            pair.into_iter().for_each(&mut push);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TNO: &str = "21234567890123";

    fn parse(body: &str) -> Result<Notification> {
        parse_notification(body.as_bytes(), Charset::Auto)
    }

    fn code(body: &[u8], charset: Charset) -> &'static str {
        parse_notification(body, charset).unwrap_err().code()
    }

    #[test]
    fn form_decoding() {
        let n = parse("tno=1&a=x+y%2Bz&b=&c&&=ignored&d=%e2%82%AC&e=a=b").unwrap();
        assert_eq!(n.raw["a"], "x y+z");
        assert_eq!(n.raw["b"], "");
        assert_eq!(n.raw["c"], "");
        assert_eq!(n.raw["d"], "€");
        assert_eq!(n.raw["e"], "a=b");
        assert!(!n.raw.contains_key(""));
        for bad in [
            "tno=1&a=%",
            "tno=1&a=%4",
            "tno=1&a=%4G",
            "tno=1&%zz=1",
            "tno=1%",
        ] {
            assert_eq!(
                code(bad.as_bytes(), Charset::Auto),
                "NOTIFICATION_MALFORMED",
                "{bad}"
            );
        }
        // Repeats: the same value counts once; different values are refused.
        assert_eq!(parse("tno=1&a=1&a=1").unwrap().raw["a"], "1");
        let err = parse("tno=1&a=1&a=2").unwrap_err();
        assert_eq!(err.code(), "NOTIFICATION_MALFORMED");
        assert_eq!(
            parse("tno=1&tno=2").unwrap_err().code(),
            "NOTIFICATION_MALFORMED"
        );
    }

    #[test]
    fn many_fields_and_repeats() {
        // More than 32 fields: the sorted path. Order kept, repeats as with few fields.
        let names: Vec<String> = (0..2000)
            .map(|i| format!("f{}", (i * 7919) % 2000))
            .collect();
        let body: String = names.iter().map(|n| format!("&{n}={n}")).collect();
        let n = parse(&format!("tno=1{body}&f5=f5")).unwrap();
        assert_eq!(n.raw.len(), 2001);
        assert!(n.raw.keys().skip(1).eq(names.iter().map(String::as_str)));
        assert_eq!(n.raw["f5"], "f5");
        let repeat = |tail: &str| {
            let err = parse_notification(format!("tno=1{body}{tail}").as_bytes(), Charset::Utf8)
                .unwrap_err();
            err.to_string()
        };
        assert!(repeat("&f5=x").contains("repeated"));
        // The first fault wins: a repetition before an undecodable field, or the field before
        // a repetition.
        assert!(repeat("&f5=x&g=%FF").contains("repeated"));
        assert!(repeat("&g=%FF&f5=x").contains("UTF-8"));
        assert!(
            parse_notification(b"tno=1&a=1&a=2&g=%FF", Charset::Utf8)
                .unwrap_err()
                .to_string()
                .contains("repeated")
        );
        assert!(
            parse_notification(b"tno=1&g=%FF&a=1&a=2", Charset::Utf8)
                .unwrap_err()
                .to_string()
                .contains("UTF-8")
        );
    }

    #[test]
    fn tno_is_required_and_checked() {
        for bad in [
            "",
            "a=1",
            "tno=",
            "tno=12a",
            "tno=123456789012345",
            "tno=%EF%BC%91",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(
                (err.code(), err.field()),
                ("NOTIFICATION_MALFORMED", Some("tno")),
                "{bad}"
            );
        }
        assert_eq!(parse("tno=+123+").unwrap().tno, "123");
    }

    #[test]
    fn the_captured_euc_kr_text() {
        let body = b"tno=1&res_msg=%C1%A4%BB%F3%C3%B3%B8%AE";
        for charset in [Charset::EucKr, Charset::Auto] {
            assert_eq!(
                parse_notification(body, charset).unwrap().raw["res_msg"],
                "정상처리"
            );
        }
        // Under utf-8 the same bytes are not text: refused, never guessed.
        let err = parse_notification(body, Charset::Utf8).unwrap_err();
        assert_eq!(err.code(), "NOTIFICATION_MALFORMED");
        assert!(!err.to_string().contains("C1"));
        // Auto reads UTF-8 when it is UTF-8.
        let utf8 = "tno=1&res_msg=%EC%A0%95%EC%83%81%EC%B2%98%EB%A6%AC";
        assert_eq!(parse(utf8).unwrap().raw["res_msg"], "정상처리");
        // EUC-KR that is also valid UTF-8 (2-byte sequences only) is EUC-KR; Hangul in UTF-8
        // next to a 2-byte character is UTF-8.
        assert_eq!(
            parse("tno=1&remitter=%C8%AB").unwrap().raw["remitter"],
            "홍"
        );
        assert_eq!(
            parse("tno=1&a=%C3%A9&b=%ED%99%8D").unwrap().raw["a"],
            "é",
            "a 3-byte character anywhere makes the body UTF-8"
        );
        assert_eq!(
            parse("tno=1&a=%C3%A9").unwrap().raw["a"],
            "챕",
            "the documented misreading"
        );
        // Raw (not escaped) EUC-KR bytes in the body too.
        let mut raw = b"tno=1&remitter=".to_vec();
        raw.extend_from_slice(&[0xC8, 0xAB, 0xB1, 0xE6, 0xB5, 0xBF]);
        assert_eq!(
            parse_notification(&raw, Charset::Auto).unwrap().raw["remitter"],
            "홍길동"
        );
    }

    fn deposit(n: &Notification) -> &Deposit {
        match &n.detail {
            NotificationDetail::Deposit(d) => d,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tx00_deposit_and_its_cancel() {
        let body = format!(
            "site_cd=T0000&tno={TNO}&order_no=ORD-1&tx_cd=TX00&tx_tm=20261130120000\
             &ipgm_name=%C8%AB%B1%E6%B5%BF&ipgm_mnyx=000000010000&totl_mnyx=000000015000\
             &ipgm_time=20261130115959&bank_code=BK04&account=1234567890&noti_id=N-1&op_cd=50\
             &remitter=%B1%E8%C3%B6%BC%F6&cash_a_no=123456789&cash_a_dt=20261130120001\
             &cash_no=98765432101234&extra_field=kept"
        );
        let n = parse_notification(body.as_bytes(), Charset::EucKr).unwrap();
        assert_eq!(n.kind, "virtualAccountDeposit");
        assert_eq!(n.tx_cd.as_deref(), Some("TX00"));
        assert_eq!(n.site_cd.as_deref(), Some("T0000"));
        assert_eq!(n.order_no.as_deref(), Some("ORD-1"));
        assert_eq!(n.tx_tm.as_deref(), Some("20261130120000"));
        assert_eq!(n.dedup_key, format!("{TNO}:N-1:50"));
        assert_eq!(n.raw["extra_field"], "kept");
        let d = deposit(&n);
        assert_eq!(d.ipgm_name.as_deref(), Some("홍길동"));
        assert_eq!(d.remitter.as_deref(), Some("김철수"));
        assert_eq!((d.ipgm_mnyx, d.totl_mnyx), (Some(10_000), Some(15_000)));
        assert_eq!(d.bank_code.as_deref(), Some("BK04"));
        assert_eq!(d.account.as_deref(), Some("1234567890"));
        assert_eq!(d.cash_a_no.as_deref(), Some("123456789"));
        assert_eq!(d.cash_a_dt.as_deref(), Some("20261130120001"));
        assert_eq!(d.cash_no.as_deref(), Some("98765432101234"));
        assert!(!d.cancelled);

        let cancel = parse_notification(
            body.replace("op_cd=50", "op_cd=13").as_bytes(),
            Charset::EucKr,
        )
        .unwrap();
        assert!(deposit(&cancel).cancelled);
        assert_eq!(cancel.dedup_key, format!("{TNO}:N-1:13"));
        assert_ne!(cancel.dedup_key, n.dedup_key);

        let bad = body.replace("ipgm_mnyx=000000010000", "ipgm_mnyx=10%2C000");
        let err = parse_notification(bad.as_bytes(), Charset::EucKr).unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("NOTIFICATION_MALFORMED", Some("ipgm_mnyx"))
        );
        // ordr_idxx when order_no is absent.
        let n = parse(&format!("tno={TNO}&tx_cd=TX00&ordr_idxx=O2")).unwrap();
        assert_eq!(n.order_no.as_deref(), Some("O2"));
        assert_eq!(deposit(&n).ipgm_mnyx, None);
        assert_eq!(n.dedup_key, format!("{TNO}::"));
    }

    #[test]
    fn every_tx_cd() {
        let base = format!("tno={TNO}&tx_tm=20261130120000");
        let n = parse(&format!(
            "{base}&tx_cd=TX01&refund_nm=%ED%99%8D&refund_mny=5000&bank_code=04"
        ))
        .unwrap();
        assert_eq!(n.kind, "virtualAccountRefund");
        assert_eq!(
            n.detail,
            NotificationDetail::Refund {
                refund_nm: Some("홍".into()),
                refund_mny: Some(5000),
                bank_code: Some("04".into())
            }
        );
        assert_eq!(n.dedup_key, format!("{TNO}:TX01:20261130120000"));
        let n = parse(&format!("{base}&tx_cd=TX02&st_cd=N&can_msg=changed+mind")).unwrap();
        assert_eq!(
            n.detail,
            NotificationDetail::Escrow {
                st_cd: Some("N".into()),
                can_msg: Some("changed mind".into())
            }
        );
        let n = parse(&format!("{base}&tx_cd=TX03&waybill_no=123&waybill_corp=CJ")).unwrap();
        assert_eq!(
            n.detail,
            NotificationDetail::Delivery {
                waybill_no: Some("123".into()),
                waybill_corp: Some("CJ".into())
            }
        );
        let n = parse(&format!("{base}&tx_cd=TX08&ipgm_mnyx=700&bank_code=11")).unwrap();
        assert_eq!(
            n.detail,
            NotificationDetail::MobileTransfer {
                ipgm_mnyx: Some(700),
                bank_code: Some("11".into())
            }
        );
        for t in TX_CODES {
            let n = parse(&format!("{base}&tx_cd={}", t.code)).unwrap();
            assert_eq!(n.kind, t.name);
            assert_eq!(n.tx_cd.as_deref(), Some(t.code));
        }
        for code in ["TX99", "", "tx00"] {
            let n = parse(&format!("{base}&tx_cd={code}&new_field=1")).unwrap();
            assert_eq!(n.kind, "unknown", "{code}");
            assert_eq!(n.detail, NotificationDetail::None);
            assert_eq!(n.raw["new_field"], "1");
        }
    }

    #[test]
    fn hostile_bodies_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..2000usize {
            let body: Vec<u8> = (0..len % 300)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly form syntax and high bytes.
                    const ALPHABET: &[u8] = b"%&=+tno1234567890ABCDEF\x80\xc1\xa4\xff";
                    ALPHABET[(seed % ALPHABET.len() as u64) as usize]
                })
                .collect();
            for charset in [Charset::Utf8, Charset::EucKr, Charset::Auto] {
                if let Err(e) = parse_notification(&body, charset) {
                    assert_eq!(e.code(), "NOTIFICATION_MALFORMED");
                }
            }
            let text = String::from_utf8_lossy(&body);
            let _ = notification_acknowledged(&text);
            let _ = is_notifier_ip(&text, &Environment::Production);
        }
        let huge = vec![b'a'; MAX_NOTIFICATION_BYTES + 1];
        assert_eq!(code(&huge, Charset::Auto), "NOTIFICATION_MALFORMED");
        let mut at_limit = b"tno=1&a=".to_vec();
        at_limit.resize(MAX_NOTIFICATION_BYTES, b'x');
        assert!(parse_notification(&at_limit, Charset::Auto).is_ok());
        assert_eq!(code(b"tno=1&a=%", Charset::EucKr), "NOTIFICATION_MALFORMED");
        // Errors never quote the body.
        let secret = b"tno=1&card=4111111111111111&x=%ZZ";
        let err = parse_notification(secret, Charset::Auto).unwrap_err();
        assert!(!err.to_string().contains("4111") && !format!("{err:?}").contains("4111"));
    }

    #[test]
    fn replies_and_acknowledgements() {
        assert_eq!(
            notification_reply(true),
            r#"<html><body><form><input type="hidden" name="result" value="0000"></form></body></html>"#
        );
        assert!(notification_reply(false).contains(NOTIFICATION_REFUSAL_RESULT));
        assert!(notification_acknowledged(notification_reply(true)));
        assert!(!notification_acknowledged(notification_reply(false)));
        for yes in [
            r#"<form><input type="hidden" name="result" value="0000"></form>"#,
            "<INPUT TYPE=HIDDEN NAME=RESULT VALUE=0000>",
            "<input value='0000' name='result' type='hidden'/>",
            "<html>\n<input\n  name = \"result\"\n  value = \"0000\"\n>",
        ] {
            assert!(notification_acknowledged(yes), "{yes}");
        }
        for no in [
            "0000",
            " 0000\n",
            r#"{"result":"0000"}"#,
            "result=0000",
            r#"<input name="result" value="9999">"#,
            r#"<input name="result" value="00000">"#,
            r#"<input name="results" value="0000">"#,
            r#"<input name="result">"#,
            // HTML reads an unquoted value up to a space or `>`: this one is `0000/`.
            "<input type=hidden name=result value=0000/>",
            r#"<input name="other" value="0000"><input name="result" value="1">"#,
            "<input name=\"result\" value=\"0000",
            "",
            "<",
            "<<<>>>",
        ] {
            assert!(!notification_acknowledged(no), "{no}");
        }
        // The first `result` decides.
        assert!(!notification_acknowledged(
            r#"<input name="result" value="9999"><input name="result" value="0000">"#
        ));
    }

    #[test]
    fn notifier_ips() {
        let (prod, stg) = (&Environment::Production, &Environment::Staging);
        for ip in NOTIFIER_IPS_PRODUCTION {
            assert!(is_notifier_ip(ip, prod));
            assert!(!is_notifier_ip(ip, stg));
            assert!(is_notifier_ip(&format!("::ffff:{ip}"), prod));
            assert!(is_notifier_ip(&format!("::FFFF:{ip}"), prod));
        }
        assert!(is_notifier_ip("210.122.176.144", stg));
        assert!(!is_notifier_ip("210.122.176.144", prod));
        let custom = Environment::Custom("http://127.0.0.1:8787".into());
        assert!(is_notifier_ip("210.122.176.144", &custom));
        assert!(is_notifier_ip("103.215.144.174", &custom));
        for hostile in [
            "103.215.144.1730",
            "0103.215.144.173",
            "103.215.144.173 ",
            " 103.215.144.173",
            "103.215.144.173:443",
            "103.215.144.173.",
            "103.215.144",
            "103.215.144.173.1",
            "103.215.144.0173",
            "103.215.144.+173",
            "1.2.3.4, 103.215.144.173",
            "103.215.144.173, 1.2.3.4",
            "::ffff:0103.215.144.173",
            "::ffff:",
            "ffff:103.215.144.173",
            "0:0:0:0:0:ffff:6bd7:90ad",
            "1736937645",
            "0x67.215.144.173",
            "103.215.144.173\0",
            "１０３.215.144.173",
            "",
        ] {
            assert!(!is_notifier_ip(hostile, prod), "{hostile:?}");
        }
        assert_eq!(parse_ipv4("0.0.0.0"), Some([0, 0, 0, 0]));
        assert_eq!(parse_ipv4("255.255.255.256"), None);
    }

    #[test]
    fn encode_round_trips() {
        let fields: Vec<(String, String)> = [
            ("tno", TNO),
            ("tx_cd", "TX00"),
            ("remitter", "홍길동 똠방각하"),
            ("odd", "a&b=c+d%e/~'\"\n"),
            ("hanja", "伽€"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        for charset in [Charset::Utf8, Charset::EucKr, Charset::Auto] {
            let body = encode_notification(&fields, charset).unwrap();
            assert!(body.iter().all(|b| b.is_ascii_graphic()), "{charset:?}");
            let n = parse_notification(&body, charset).unwrap();
            for (name, value) in &fields {
                assert_eq!(&n.raw[name], value, "{charset:?} {name}");
            }
        }
        let emoji = vec![("tno".to_string(), "😀".to_string())];
        assert_eq!(
            encode_notification(&emoji, Charset::EucKr)
                .unwrap_err()
                .code(),
            "FIELD_INVALID"
        );
        assert_eq!(
            encode_notification(&emoji, Charset::Utf8).unwrap(),
            b"tno=%F0%9F%98%80"
        );
        assert_eq!(encode_notification(&[], Charset::Utf8).unwrap(), b"");
    }

    #[test]
    fn charset_names() {
        assert_eq!(Charset::from_name("AUTO").unwrap(), Charset::Auto);
        assert_eq!(Charset::from_name("cp949").unwrap(), Charset::EucKr);
        for c in [Charset::Utf8, Charset::EucKr, Charset::Auto] {
            assert_eq!(Charset::from_name(c.as_str()).unwrap(), c);
        }
        let err = Charset::from_name("").unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("CONFIG_INVALID", Some("charset"))
        );
    }
}
