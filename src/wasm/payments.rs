//! The facade of the payment requests: approval, billing keys, virtual accounts, key-in and
//! trade registration. Reads JavaScript input into the core's request types and hands their
//! results back; every rule is the core's (`src/api/{approval,hub,trade_reg}.rs`).

use super::{
    JsResult, Merchant, Obj, Prepared, get, opt_amount, opt_str, prepare, req_amount, req_str,
    require_object, to_js,
};
use crate::Error;
use crate::api::{
    Approval, BillingCharge, BillingKeyDelete, BillingKeyIssue, Buyer, CashReceiptPurpose, KeyIn,
    PaymentResult, PointsDetails, Reply, TradeRegistration, VaCashReceipt, VirtualAccountIssue,
};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

fn points_to_js(p: &PointsDetails) -> Obj {
    let o = Obj::new();
    o.opt_str("issuer", &p.issuer);
    o.opt_num("amount", p.amount);
    o.opt_num("added", p.added);
    o.opt_num("used", p.used);
    o.opt_num("balance", p.balance);
    o.opt_str("approvedAt", &p.approved_at);
    o.opt_str("approvalNo", &p.approval_no);
    o
}

fn payment_to_js(r: PaymentResult) -> JsValue {
    let o = Obj::new();
    o.str("resCd", &r.res_cd);
    o.str("resMsg", &r.res_msg);
    o.opt_str("tno", &r.tno);
    o.opt_num("amount", r.amount);
    o.opt_str("orderId", &r.order_no);
    o.opt_str("approvedAt", &r.app_time);
    o.str("method", r.method);
    o.opt_str("payType", &r.pay_type);
    o.opt_obj(
        "card",
        r.card.as_ref().map(|c| {
            let j = Obj::new();
            j.opt_str("code", &c.code);
            j.opt_str("name", &c.name);
            j.opt_str("approvalNo", &c.approval_no);
            j.opt_bool("interestFree", c.interest_free);
            j.opt_num("installments", c.installments.map(u64::from));
            j.opt_str("acquirerCode", &c.acquirer_code);
            j.opt_str("acquirerName", &c.acquirer_name);
            j.opt_obj("points", c.points.as_ref().map(points_to_js));
            j
        }),
    );
    o.opt_obj(
        "bank",
        r.bank.as_ref().map(|b| {
            let j = Obj::new();
            j.opt_str("name", &b.name);
            j.opt_str("code", &b.code);
            j
        }),
    );
    o.opt_obj(
        "virtualAccount",
        r.virtual_account.as_ref().map(|v| {
            let j = Obj::new();
            j.opt_str("bankName", &v.bank_name);
            j.opt_str("bankCode", &v.bank_code);
            j.opt_str("depositor", &v.depositor);
            j.opt_str("account", &v.account);
            j.opt_str("dueAt", &v.due_at);
            j
        }),
    );
    o.opt_obj("points", r.points.as_ref().map(points_to_js));
    o.opt_obj(
        "mobile",
        r.mobile.as_ref().map(|m| {
            let j = Obj::new();
            j.opt_str("carrier", &m.carrier);
            j.opt_str("number", &m.number);
            j
        }),
    );
    o.opt_obj(
        "gift",
        r.gift.as_ref().map(|g| {
            let j = Obj::new();
            j.opt_str("vanCode", &g.van_code);
            j.opt_str("approvalNo", &g.approval_no);
            j.opt_str("approvedAt", &g.approved_at);
            j
        }),
    );
    o.opt_obj(
        "cashReceipt",
        r.cash_receipt.as_ref().map(|c| {
            let j = Obj::new();
            j.opt_str("approvalNo", &c.approval_no);
            j.opt_str("receiptNo", &c.receipt_no);
            j
        }),
    );
    o.opt_bool("escrow", r.escrow);
    o.opt_bool("partialCancelAllowed", r.partial_cancel_allowed);
    o.warnings(&r.warnings);
    o.raw(r.raw)
}

/// The results of the payment requests as JS objects (the other replies are `mod.rs`'s).
pub(super) fn reply_to_js(reply: Reply) -> JsResult<JsValue> {
    Ok(match reply {
        Reply::Payment(r) => payment_to_js(r),
        Reply::BillingKey(r) => {
            let o = Obj::new();
            o.str("resCd", &r.res_cd);
            o.str("resMsg", &r.res_msg);
            o.str("batchKey", &r.batch_key);
            o.opt_str("cardCode", &r.card_code);
            o.opt_str("cardName", &r.card_name);
            o.opt_str("cardBankCode", &r.card_bank_code);
            o.raw(r.raw)
        }
        Reply::BillingKeyDelete(r) => {
            let o = Obj::new();
            o.str("resCd", &r.res_cd);
            o.str("resMsg", &r.res_msg);
            o.raw(r.raw)
        }
        Reply::VirtualAccount(r) => {
            let o = Obj::new();
            o.str("resCd", &r.res_cd);
            o.str("resMsg", &r.res_msg);
            o.opt_str("tno", &r.tno);
            o.opt_num("amount", r.amount);
            o.opt_str("orderId", &r.order_no);
            o.opt_str("bankName", &r.bank_name);
            o.opt_str("bankCode", &r.bank_code);
            o.opt_str("account", &r.account);
            o.opt_str("depositor", &r.depositor);
            o.opt_str("dueAt", &r.due_at);
            o.opt_str("issuedAt", &r.issued_at);
            o.warnings(&r.warnings);
            o.raw(r.raw)
        }
        Reply::TradeRegistration(r) => {
            let o = Obj::new();
            o.str("code", &r.code);
            o.str("message", &r.message);
            o.str("approvalKey", &r.approval_key);
            o.str("payUrl", &r.pay_url);
            o.opt_str("traceNo", &r.trace_no);
            o.raw(r.raw)
        }
        Reply::Modify(_) | Reply::Inquiry(_) => {
            return Err(super::internal("unexpected reply kind"));
        }
    })
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
