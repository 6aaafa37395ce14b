//! KCP's common notification through the facade (`kcp-api/beyond-cancel.md` §4): every rule is
//! the core's (`crate::api::notification`); this only carries values across.

use super::{JsResult, Obj, to_js};
use crate::{Charset, Deposit, Environment, Error, Notification, NotificationDetail};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

// Amounts are at most 15 digits (the core's limit): exact as JS numbers.
fn deposit_to_js(d: &Deposit) -> Obj {
    let obj = Obj::new();
    obj.opt_num("amount", d.ipgm_mnyx);
    obj.opt_num("total", d.totl_mnyx);
    obj.opt_str("depositedAt", &d.ipgm_time);
    obj.opt_str("bankCode", &d.bank_code);
    obj.opt_str("account", &d.account);
    obj.opt_str("notificationId", &d.noti_id);
    obj.opt_str("opCd", &d.op_cd);
    obj.set("cancelled", &d.cancelled.into());
    obj.opt_str("payerName", &d.ipgm_name);
    obj.opt_str("remitter", &d.remitter);
    if d.cash_a_no.is_some() || d.cash_a_dt.is_some() || d.cash_no.is_some() {
        let cash = Obj::new();
        cash.opt_str("approvalNumber", &d.cash_a_no);
        cash.opt_str("approvedAt", &d.cash_a_dt);
        cash.opt_str("transactionNumber", &d.cash_no);
        obj.opt_obj("cashReceipt", Some(cash));
    }
    obj
}

fn notification_to_js(n: Notification) -> JsValue {
    let obj = Obj::new();
    obj.str("kind", n.kind);
    obj.opt_str("txCd", &n.tx_cd);
    obj.opt_str("siteCd", &n.site_cd);
    obj.str("tno", &n.tno);
    obj.opt_str("orderId", &n.order_no);
    obj.opt_str("occurredAt", &n.tx_tm);
    obj.str("dedupKey", &n.dedup_key);
    let detail = Obj::new();
    let name = match &n.detail {
        NotificationDetail::Deposit(d) => {
            obj.opt_obj("deposit", Some(deposit_to_js(d)));
            None
        }
        NotificationDetail::Refund {
            refund_nm,
            refund_mny,
            bank_code,
        } => {
            detail.opt_str("name", refund_nm);
            detail.opt_num("amount", *refund_mny);
            detail.opt_str("bankCode", bank_code);
            Some("refund")
        }
        NotificationDetail::Escrow { st_cd, can_msg } => {
            detail.opt_str("status", st_cd);
            detail.str("decision", crate::escrow_decision(st_cd.as_deref()));
            detail.opt_str("cancelReason", can_msg);
            Some("escrow")
        }
        NotificationDetail::Delivery {
            waybill_no,
            waybill_corp,
        } => {
            detail.opt_str("waybillNo", waybill_no);
            detail.opt_str("carrier", waybill_corp);
            Some("delivery")
        }
        NotificationDetail::MobileTransfer {
            ipgm_mnyx,
            bank_code,
        } => {
            detail.opt_num("amount", *ipgm_mnyx);
            detail.opt_str("bankCode", bank_code);
            Some("mobileTransfer")
        }
        _ => None,
    };
    if let Some(name) = name {
        obj.opt_obj(name, Some(detail));
    }
    obj.raw(n.raw)
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
