//! KCP's common notification through the facade (`kcp-api/beyond-cancel.md` §4): every rule is
//! the core's (`crate::api::notification`); this only carries values across.

use super::{JsResult, json_to_js, set, to_js};
use crate::{Charset, Deposit, Environment, Error, Notification, NotificationDetail};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

fn set_opt(obj: &JsValue, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        set(obj, name, &v.as_str().into());
    }
}

fn set_amount(obj: &JsValue, name: &str, value: Option<u64>) {
    // At most 15 digits (the core's limit): exact as a JS number.
    if let Some(n) = value {
        set(obj, name, &JsValue::from_f64(n as f64));
    }
}

fn deposit_to_js(d: &Deposit) -> JsValue {
    let obj: JsValue = Object::new().into();
    set_amount(&obj, "amount", d.ipgm_mnyx);
    set_amount(&obj, "total", d.totl_mnyx);
    set_opt(&obj, "depositedAt", &d.ipgm_time);
    set_opt(&obj, "bankCode", &d.bank_code);
    set_opt(&obj, "account", &d.account);
    set_opt(&obj, "notificationId", &d.noti_id);
    set_opt(&obj, "opCd", &d.op_cd);
    set(&obj, "cancelled", &d.cancelled.into());
    set_opt(&obj, "payerName", &d.ipgm_name);
    set_opt(&obj, "remitter", &d.remitter);
    if d.cash_a_no.is_some() || d.cash_a_dt.is_some() || d.cash_no.is_some() {
        let cash: JsValue = Object::new().into();
        set_opt(&cash, "approvalNumber", &d.cash_a_no);
        set_opt(&cash, "approvedAt", &d.cash_a_dt);
        set_opt(&cash, "transactionNumber", &d.cash_no);
        set(&obj, "cashReceipt", &cash);
    }
    obj
}

fn notification_to_js(n: Notification) -> JsValue {
    let obj: JsValue = Object::new().into();
    set(&obj, "kind", &n.kind.into());
    set_opt(&obj, "txCd", &n.tx_cd);
    set_opt(&obj, "siteCd", &n.site_cd);
    set(&obj, "tno", &n.tno.as_str().into());
    set_opt(&obj, "orderId", &n.order_no);
    set_opt(&obj, "occurredAt", &n.tx_tm);
    set(&obj, "dedupKey", &n.dedup_key.as_str().into());
    let detail: JsValue = Object::new().into();
    let name = match &n.detail {
        NotificationDetail::Deposit(d) => {
            set(&obj, "deposit", &deposit_to_js(d));
            None
        }
        NotificationDetail::Refund {
            refund_nm,
            refund_mny,
            bank_code,
        } => {
            set_opt(&detail, "name", refund_nm);
            set_amount(&detail, "amount", *refund_mny);
            set_opt(&detail, "bankCode", bank_code);
            Some("refund")
        }
        NotificationDetail::Escrow { st_cd, can_msg } => {
            set_opt(&detail, "status", st_cd);
            let decision = match st_cd.as_deref().map(str::trim) {
                Some("Y") => "confirmed",
                Some("N") => "cancelled",
                Some("S") => "autoConfirmed",
                _ => "unknown",
            };
            set(&detail, "decision", &decision.into());
            set_opt(&detail, "cancelReason", can_msg);
            Some("escrow")
        }
        NotificationDetail::Delivery {
            waybill_no,
            waybill_corp,
        } => {
            set_opt(&detail, "waybillNo", waybill_no);
            set_opt(&detail, "carrier", waybill_corp);
            Some("delivery")
        }
        NotificationDetail::MobileTransfer {
            ipgm_mnyx,
            bank_code,
        } => {
            set_amount(&detail, "amount", *ipgm_mnyx);
            set_opt(&detail, "bankCode", bank_code);
            Some("mobileTransfer")
        }
        _ => None,
    };
    if let Some(name) = name {
        set(&obj, name, &detail);
    }
    // Own data properties, even for a field named `__proto__` (json_to_js).
    let raw = json_to_js(&serde_json::Value::Object(n.raw));
    set(&obj, "raw", &raw);
    obj
}

/// Reads a notification body (`charset`: `utf-8`, `euc-kr` or `auto`).
#[wasm_bindgen(js_name = parseNotification)]
pub fn parse_notification(body: &[u8], charset: &str) -> JsResult<JsValue> {
    let charset = Charset::from_name(charset).map_err(to_js)?;
    crate::parse_notification(body, charset)
        .map(notification_to_js)
        .map_err(to_js)
}

/// The HTML reply: `result` `0000` when `ok`, a refusal (KCP notifies again) otherwise.
#[wasm_bindgen(js_name = notificationReply)]
pub fn notification_reply(ok: bool) -> String {
    crate::notification_reply(ok).to_string()
}

/// Whether a reply carries `result` `0000`.
#[wasm_bindgen(js_name = notificationAcknowledged)]
pub fn notification_acknowledged(text: &str) -> bool {
    crate::notification_acknowledged(text)
}

/// Whether `ip` is a KCP notifier address of `environment` (`staging` or `production`).
#[wasm_bindgen(js_name = isKcpNotifierIp)]
pub fn is_kcp_notifier_ip(ip: &str, environment: &str) -> JsResult<bool> {
    let environment = Environment::from_name(environment).map_err(to_js)?;
    Ok(crate::is_notifier_ip(ip, &environment))
}

/// Form-encodes `{ name: value }` (string values) in `charset`.
#[wasm_bindgen(js_name = encodeNotification)]
pub fn encode_notification(fields: JsValue, charset: &str) -> JsResult<Vec<u8>> {
    let read = || -> Result<Vec<u8>, Error> {
        let charset = Charset::from_name(charset)?;
        if !fields.is_object() {
            return Err(Error::field_invalid("fields", "expected an object"));
        }
        let mut pairs = Vec::new();
        for entry in Object::entries(&Object::from(fields.clone())).iter() {
            let pair = Array::from(&entry);
            let name = pair.get(0).as_string().unwrap_or_default();
            let value = pair
                .get(1)
                .as_string()
                .ok_or_else(|| Error::field_invalid("fields", "values must be strings"))?;
            pairs.push((name, value));
        }
        crate::encode_notification(&pairs, charset)
    };
    read().map_err(to_js)
}

/// The canonical name of a notification charset (`utf-8`, `euc-kr`, `auto`); `CONFIG_INVALID`
/// on `charset` for any other.
#[wasm_bindgen(js_name = notificationCharset)]
pub fn notification_charset(name: &str) -> JsResult<String> {
    Charset::from_name(name)
        .map(|c| c.as_str().to_string())
        .map_err(to_js)
}

/// The largest notification body the core reads, in bytes.
#[wasm_bindgen(js_name = maxNotificationBytes)]
pub fn max_notification_bytes() -> usize {
    crate::MAX_NOTIFICATION_BYTES
}
