//! The facade of the payment requests: approval, billing keys, virtual accounts, key-in and
//! trade registration. Reads JavaScript input into the core's request types and hands their
//! results back; every rule is the core's (`src/api/{approval,hub,trade_reg}.rs`).

use super::{
    Merchant, Prepared, get, json_to_js, opt_amount, opt_str, prepare, req_amount, req_str,
    require_object, set, to_js, to_value,
};
use crate::Error;
use crate::api::{
    Approval, BillingCharge, BillingKeyDelete, BillingKeyIssue, Buyer, CashReceiptPurpose, KeyIn,
    Reply, TradeRegistration, VaCashReceipt, VirtualAccountIssue,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

type JsResult<T> = std::result::Result<T, JsValue>;

/// A typed result (serialized) with KCP's reply as `raw`, exactly.
fn with_raw<T: Serialize>(
    value: &T,
    raw: serde_json::Map<String, serde_json::Value>,
) -> JsResult<JsValue> {
    let obj = to_value(value)?;
    set(&obj, "raw", &json_to_js(&serde_json::Value::Object(raw)));
    Ok(obj)
}

/// The results of the payment requests as JS objects (the other replies are `mod.rs`'s).
pub(super) fn reply_to_js(reply: Reply) -> JsResult<JsValue> {
    match reply {
        Reply::Payment(mut r) => {
            let raw = std::mem::take(&mut r.raw);
            with_raw(&r, raw)
        }
        Reply::BillingKey(mut r) => {
            let raw = std::mem::take(&mut r.raw);
            with_raw(&r, raw)
        }
        Reply::BillingKeyDelete(mut r) => {
            let raw = std::mem::take(&mut r.raw);
            with_raw(&r, raw)
        }
        Reply::VirtualAccount(mut r) => {
            let raw = std::mem::take(&mut r.raw);
            with_raw(&r, raw)
        }
        Reply::TradeRegistration(mut r) => {
            let raw = std::mem::take(&mut r.raw);
            with_raw(&r, raw)
        }
        Reply::Modify(_) | Reply::Inquiry(_) => Err(super::internal("unexpected reply kind")),
    }
}

/// Instalment months: a whole number (or a string of digits).
fn installments(input: &JsValue) -> Result<Option<u32>, Error> {
    match opt_amount(input, "installments", "quota")? {
        None => Ok(None),
        Some(n) => u32::try_from(n)
            .map(Some)
            .map_err(|_| Error::field_invalid("quota", "must be 0 (lump sum) to 99 months")),
    }
}

/// The optional buyer fields.
fn buyer(input: &JsValue) -> Result<Buyer, Error> {
    Ok(Buyer {
        name: opt_str(input, "buyerName", "buyr_name")?,
        email: opt_str(input, "buyerEmail", "buyr_mail")?,
        phone: opt_str(input, "buyerPhone", "buyr_tel2")?,
        customer_ip: opt_str(input, "customerIp", "cust_ip")?,
    })
}

/// A secret string (a card field), wiped when dropped.
fn secret(
    input: &JsValue,
    name: &str,
    wire: &'static str,
) -> Result<Option<Zeroizing<String>>, Error> {
    Ok(opt_str(input, name, wire)?.map(Zeroizing::new))
}

#[wasm_bindgen]
impl Merchant {
    /// Approval of a payment window's result: `{ tranCd, encData, encInfo, amount,
    /// usePayMethod?, orderId? }`.
    #[wasm_bindgen(js_name = prepareApproval)]
    pub fn prepare_approval(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            self.inner.approve(&Approval {
                tran_cd: req_str(input, "tranCd", "tran_cd")?,
                enc_data: req_str(input, "encData", "enc_data")?,
                enc_info: req_str(input, "encInfo", "enc_info")?,
                amount: req_amount(input, "amount", "ordr_mony")?,
                use_pay_method: opt_str(input, "usePayMethod", "use_pay_method")?,
                order_id: opt_str(input, "orderId", "ordr_idxx")?,
            })
        })
    }

    /// Billing-key issuance: `{ tranCd, encData, encInfo }`.
    #[wasm_bindgen(js_name = prepareBillingKey)]
    pub fn prepare_billing_key(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            self.inner.issue_billing_key(&BillingKeyIssue {
                tran_cd: req_str(input, "tranCd", "tran_cd")?,
                enc_data: req_str(input, "encData", "enc_data")?,
                enc_info: req_str(input, "encInfo", "enc_info")?,
            })
        })
    }

    /// Payment with a billing key: `{ batchKey, groupId, orderId, amount, goodName, buyerName?,
    /// buyerEmail?, buyerPhone?, installments?, customerIp? }`.
    #[wasm_bindgen(js_name = prepareBillingCharge)]
    pub fn prepare_billing_charge(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            self.inner.charge_billing_key(&BillingCharge {
                batch_key: req_str(input, "batchKey", "bt_batch_key")?,
                group_id: req_str(input, "groupId", "bt_group_id")?,
                order_id: req_str(input, "orderId", "ordr_idxx")?,
                amount: req_amount(input, "amount", "amount")?,
                good_name: req_str(input, "goodName", "good_name")?,
                buyer: buyer(input)?,
                installments: installments(input)?,
            })
        })
    }

    /// Deletion of a billing key: `{ batchKey, groupId }`.
    #[wasm_bindgen(js_name = prepareBillingKeyDelete)]
    pub fn prepare_billing_key_delete(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            self.inner.delete_billing_key(&BillingKeyDelete {
                batch_key: req_str(input, "batchKey", "batch_key")?,
                group_id: req_str(input, "groupId", "group_id")?,
            })
        })
    }

    /// Virtual-account issuance: `{ orderId, amount, goodName, buyerName, bankCode, depositor,
    /// dueAt, buyerEmail?, buyerPhone?, cashReceipt?: { purpose, id }, customerIp? }`.
    #[wasm_bindgen(js_name = prepareVirtualAccount)]
    pub fn prepare_virtual_account(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            let receipt = get(input, "cashReceipt");
            let cash_receipt = if receipt.is_undefined() || receipt.is_null() {
                None
            } else {
                require_object(&receipt, "va_receipt_gubn")?;
                let purpose = match req_str(&receipt, "purpose", "va_receipt_gubn")?.as_str() {
                    "deduction" => CashReceiptPurpose::Deduction,
                    "proof" => CashReceiptPurpose::Proof,
                    _ => {
                        return Err(Error::field_invalid(
                            "va_receipt_gubn",
                            "`cashReceipt.purpose` must be 'deduction' or 'proof'",
                        ));
                    }
                };
                Some(VaCashReceipt {
                    purpose,
                    id: req_str(&receipt, "id", "va_taxno")?,
                })
            };
            let mut buyer = buyer(input)?;
            buyer.name = Some(req_str(input, "buyerName", "buyr_name")?);
            self.inner.issue_virtual_account(&VirtualAccountIssue {
                order_id: req_str(input, "orderId", "ordr_idxx")?,
                amount: req_amount(input, "amount", "amount")?,
                good_name: req_str(input, "goodName", "good_name")?,
                buyer,
                bank_code: req_str(input, "bankCode", "va_bankcode")?,
                depositor: req_str(input, "depositor", "va_name")?,
                due_at: req_str(input, "dueAt", "va_date")?,
                cash_receipt,
            })
        })
    }

    /// Key-in payment: `{ orderId, amount, goodName, buyerName?, cardNumber, expiry,
    /// birthDate?, businessNumber?, cardPasswordPrefix?, installments?, customerIp? }`. No
    /// error quotes a card field.
    #[wasm_bindgen(js_name = prepareKeyIn)]
    pub fn prepare_key_in(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            let card_number = secret(input, "cardNumber", "card_no")?
                .ok_or_else(|| Error::field_invalid("card_no", "`cardNumber` is required"))?;
            let expiry = secret(input, "expiry", "card_expiry")?
                .ok_or_else(|| Error::field_invalid("card_expiry", "`expiry` is required"))?;
            self.inner.key_in(&KeyIn {
                order_id: req_str(input, "orderId", "ordr_idxx")?,
                amount: req_amount(input, "amount", "amount")?,
                good_name: req_str(input, "goodName", "good_name")?,
                buyer: buyer(input)?,
                card_number,
                expiry,
                birth_date: secret(input, "birthDate", "card_taxno")?,
                business_number: secret(input, "businessNumber", "card_taxno")?,
                card_password_prefix: secret(input, "cardPasswordPrefix", "card_pwd")?,
                installments: installments(input)?,
            })
        })
    }

    /// Trade registration: `{ orderId, amount, goodName, payMethod, returnUrl, escrow?,
    /// userAgent? }`.
    #[wasm_bindgen(js_name = prepareTradeRegistration)]
    pub fn prepare_trade_registration(&self, input: JsValue) -> JsResult<Prepared> {
        prepare(&input, |input| {
            let escrow = get(input, "escrow");
            let escrow = if escrow.is_undefined() || escrow.is_null() {
                false
            } else {
                escrow.as_bool().ok_or_else(|| {
                    Error::field_invalid("escw_used", "`escrow` must be true or false")
                })?
            };
            self.inner.register_trade(&TradeRegistration {
                order_id: req_str(input, "orderId", "ordr_idxx")?,
                amount: req_amount(input, "amount", "good_mny")?,
                good_name: req_str(input, "goodName", "good_name")?,
                pay_method: req_str(input, "payMethod", "pay_method")?,
                return_url: req_str(input, "returnUrl", "Ret_URL")?,
                escrow,
                user_agent: opt_str(input, "userAgent", "user_agent")?,
            })
        })
    }

    /// The cancel of an approval the merchant could not record: a full cancel of `tno` with the
    /// core's `AUTO_CANCEL_REASON`.
    #[wasm_bindgen(js_name = prepareAutoCancel)]
    pub fn prepare_auto_cancel(&self, tno: JsValue) -> JsResult<Prepared> {
        let tno = tno
            .as_string()
            .ok_or_else(|| to_js(Error::field_invalid("tno", "`tno` must be a string")))?;
        self.inner
            .auto_cancel(&tno)
            .map(|inner| Prepared { inner })
            .map_err(to_js)
    }
}
